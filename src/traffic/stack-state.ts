/**
 * What a Pulumi stack holds for one service's traffic, read from `pulumi stack export` (the
 * resources' recorded outputs) and `pulumi preview --json` (what an update would change). Pure:
 * the JSON comes from the Pulumi CLI (pulumi-stack.ts) or from a test.
 */
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
 * The changes in a `pulumi preview --json` other than in-place updates of `allowed` (the service's
 * weight resources), one line each. Components hold no cloud state and are left out.
 */
export function otherChangesIn(previewJson: unknown, allowed: readonly string[]): string[] {
  const permitted = new Set(allowed);
  return parsePulumiPreview(previewJson).changes
    .filter((c) => c.op !== "same" && c.custom !== false && !(permitted.has(c.urn) && c.op === "update"))
    .map((c) => `${c.op} ${c.type} ${c.name}${c.paths.length > 0 ? ` (${c.paths.slice(0, 3).join(", ")}${c.paths.length > 3 ? ", ..." : ""})` : ""}`);
}
