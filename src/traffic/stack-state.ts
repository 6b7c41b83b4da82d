/**
 * What a Pulumi stack holds for one service's traffic, read from `pulumi stack export` (the
 * resources' recorded outputs) and `pulumi preview --json` (what an update would change). Pure:
 * the JSON comes from the Pulumi CLI (pulumi-stack.ts) or from a test.
 */
import type { ResourceChange } from "../preview/model.js";
import { parsePulumiPreview } from "../preview/pulumi-preview.js";
import { setIdentifier } from "../fleet/names.js";
import type { FleetSpec } from "../fleet/types.js";
import type { Weights } from "../fleet/traffic.js";

/** The tag keys baton's components put on target groups and listener rules (components/tags.ts). */
const TAG_FLEET = "baton:fleet";
const TAG_SERVICE = "baton:service";
const TAG_CLUSTER = "baton:cluster";

const LISTENER_RULE = "aws:lb/listenerRule:ListenerRule";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const RECORD = "aws:route53/record:Record";

interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly outputs: Record<string, unknown>;
}

export interface ServiceState {
  /** The resources that carry the service's weights: what a rollout's update is targeted to. */
  readonly urns: readonly string[];
  /** The weights they were last applied with, per cluster. */
  readonly weights: Weights;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function resourcesOf(exported: unknown): StateResource[] {
  const deployment = isObject(exported) ? exported["deployment"] : undefined;
  const resources = isObject(deployment) ? deployment["resources"] : undefined;
  if (!Array.isArray(resources)) throw new Error("`pulumi stack export` gave no deployment.resources; is this a Pulumi stack export?");
  return resources.filter(isObject).flatMap((r) => (typeof r["urn"] === "string" && typeof r["type"] === "string"
    ? [{ urn: r["urn"], type: r["type"], outputs: isObject(r["outputs"]) ? r["outputs"] : {} }] : []));
}

const tagsOf = (r: StateResource) => (isObject(r.outputs["tags"]) ? r.outputs["tags"] : {});
const dnsName = (name: unknown) => (typeof name === "string" ? name.toLowerCase().replace(/\.$/, "") : "");

/** The service's weight resources and their recorded weights in a `pulumi stack export`. */
export function serviceState(exported: unknown, fleet: FleetSpec, serviceName: string): ServiceState {
  const service = fleet.services[serviceName];
  if (!service) throw new Error(`service ${serviceName} is not in fleet ${fleet.name}`);
  const resources = resourcesOf(exported);
  const weights: Record<string, number> = {};
  if (service.routing === "alb") {
    const rules = resources.filter((r) => r.type === LISTENER_RULE && tagsOf(r)[TAG_FLEET] === fleet.name && tagsOf(r)[TAG_SERVICE] === serviceName);
    if (rules.length !== 1) throw new Error(`the stack's state has ${rules.length} listener rules tagged ${TAG_SERVICE}=${serviceName}, not one`);
    const clusterByArn = new Map(resources.filter((r) => r.type === TARGET_GROUP).map((r) => [r.outputs["arn"], tagsOf(r)[TAG_CLUSTER]]));
    const actions = Array.isArray(rules[0]!.outputs["actions"]) ? rules[0]!.outputs["actions"] : [];
    for (const action of actions.filter(isObject)) {
      const forward = isObject(action["forward"]) ? action["forward"] : {};
      const groups = Array.isArray(forward["targetGroups"]) ? forward["targetGroups"] : [];
      for (const group of groups.filter(isObject)) {
        const cluster = clusterByArn.get(group["arn"]);
        if (typeof cluster === "string" && typeof group["weight"] === "number") weights[cluster] = (weights[cluster] ?? 0) + group["weight"];
      }
    }
    return { urns: [rules[0]!.urn], weights };
  }
  const clusterBySet = new Map(Object.keys(fleet.clusters).map((c) => [setIdentifier(fleet.name, c), c]));
  const records = resources.filter((r) => r.type === RECORD && r.outputs["zoneId"] === service.route53.zoneId
    && dnsName(r.outputs["name"]) === dnsName(service.route53.name) && clusterBySet.has(String(r.outputs["setIdentifier"])));
  if (records.length === 0) throw new Error(`the stack's state has no weighted records for ${service.route53.name}`);
  for (const record of records) {
    const policies = Array.isArray(record.outputs["weightedRoutingPolicies"]) ? record.outputs["weightedRoutingPolicies"] : [];
    const weight = isObject(policies[0]) ? policies[0]["weight"] : undefined;
    if (typeof weight === "number") weights[clusterBySet.get(String(record.outputs["setIdentifier"]))!] = weight;
  }
  return { urns: records.map((r) => r.urn), weights };
}

/**
 * The changes in a `pulumi preview --json` other than weights, one line each: any change to a
 * resource outside `allowed` (the service's weight resources), and any field of an `allowed`
 * resource other than its weights — the service's own listener rule included (its conditions,
 * priority, tags...), since `pulumi up --target` on it would apply every field it changes.
 * Components hold no cloud state and are left out.
 */
export function otherChangesIn(previewJson: unknown, allowed: readonly string[]): string[] {
  const permitted = new Set(allowed);
  const lines: string[] = [];
  for (const change of parsePulumiPreview(previewJson).changes) {
    if (change.op === "same" || change.custom === false) continue;
    const what = `${change.op} ${change.type} ${change.name}`;
    if (!(permitted.has(change.urn) && change.op === "update")) {
      lines.push(`${what}${change.paths.length > 0 ? ` (${change.paths.slice(0, 3).join(", ")}${change.paths.length > 3 ? ", ..." : ""})` : ""}`);
      continue;
    }
    const fields = fieldsBesidesWeights(change);
    if (fields.length > 0) lines.push(`${what}: ${fields.slice(0, 5).join(", ")}${fields.length > 5 ? `, and ${fields.length - 5} more` : ""} would change too, and a step may change only the weights`);
  }
  return lines;
}

/** A weight of each weight resource, as Pulumi names the property path (detailedDiff keys). */
const WEIGHT_PATH: Readonly<Record<string, RegExp>> = {
  [LISTENER_RULE]: /^actions\[\d+\]\.forward\.targetGroups\[\d+\]\.weight$/,
  [RECORD]: /^weightedRoutingPolicies\[\d+\]\.weight$/,
};
/** The paths that hold weights and may hold more (a diffReasons key, a whole list element). */
const WEIGHT_CONTAINER: Readonly<Record<string, RegExp>> = {
  [LISTENER_RULE]: /^actions(\[\d+\](\.forward(\.targetGroups(\[\d+\])?)?)?)?$/,
  [RECORD]: /^weightedRoutingPolicies(\[\d+\])?$/,
};

/**
 * The fields an update of a weight resource changes besides its weights. What Pulumi names
 * (detailedDiff, or diffReasons when there is none) must each be a weight, or hold weights only as
 * the step's old and new inputs show when compared field by field; a name that holds more than
 * weights with no inputs to tell is counted as a field, never assumed to be weights.
 */
export function fieldsBesidesWeights(change: ResourceChange): string[] {
  const weight = WEIGHT_PATH[change.type];
  const container = WEIGHT_CONTAINER[change.type];
  if (!weight || !container) return change.paths.length > 0 ? [...change.paths] : ["(fields the preview does not name)"];
  const compared = change.before !== undefined && change.after !== undefined ? changedInputs(change.before, change.after, change.type) : undefined;
  const fields = new Set<string>();
  for (const path of change.paths) {
    if (weight.test(path)) continue;
    if (container.test(path) && compared !== undefined) continue;
    fields.add(container.test(path) ? `${path} (the preview does not say which of its fields change)` : path);
  }
  for (const path of compared ?? []) if (!weight.test(path)) fields.add(path);
  if (change.paths.length === 0 && compared === undefined) fields.add("(fields the preview does not name)");
  return [...fields];
}

const TARGET_GROUPS = /^actions\[\d+\]\.forward\.targetGroups$/;

/**
 * The input paths whose values differ, leaf by leaf, in Pulumi's path syntax. A listener rule's
 * target groups are a set (Terraform's `target_group` blocks): they are matched by ARN, so only a
 * group added or removed, or a field of one group, counts; their order does not.
 */
export function changedInputs(before: unknown, after: unknown, type: string, at = ""): string[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    if (type === LISTENER_RULE && TARGET_GROUPS.test(at)) return changedTargetGroups(before, after, at);
    if (before.length !== after.length) return [at];
    return before.flatMap((b, i) => changedInputs(b, after[i], type, `${at}[${i}]`));
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "__defaults").sort();
    return keys.flatMap((key) => changedInputs(before[key], after[key], type, at === "" ? key : `${at}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [at];
}

function changedTargetGroups(before: unknown[], after: unknown[], at: string): string[] {
  const arnOf = (group: unknown) => (isObject(group) && typeof group["arn"] === "string" ? group["arn"] : undefined);
  const previous = new Map(before.map((g) => [arnOf(g), g]));
  const arns = after.map(arnOf);
  if (arns.includes(undefined) || before.some((g) => arnOf(g) === undefined) || before.length !== after.length || arns.some((arn) => !previous.has(arn))) {
    return [`${at} (a target group added, removed or not known yet)`];
  }
  return after.flatMap((group, i) => changedInputs(previous.get(arnOf(group)), group, LISTENER_RULE, `${at}[${i}]`));
}
