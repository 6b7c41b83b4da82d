/**
 * Traffic read off the resources themselves, for a preview that comes without fleet configs: the
 * weights of each ALB listener rule's forward action and of each group of weighted Route53 records.
 */
import { weightChangeSpeedOf } from "../fleet/traffic.js";
import type { ResourceChange } from "./model.js";
import type { ServiceTraffic, TrafficRow } from "./review.js";

const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A target group's name from its ARN (`…:targetgroup/NAME/ID`), or the ARN when it is not one yet. */
function targetGroupLabel(arn: unknown): string {
  if (typeof arn !== "string") return "(new target group)";
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** The forward action's weights by target group, or undefined when the rule has none. */
function listenerRuleWeights(inputs: Readonly<Record<string, unknown>> | undefined): Record<string, number> | undefined {
  if (!inputs) return undefined;
  const out: Record<string, number> = {};
  for (const action of asArray(inputs["actions"])) {
    for (const group of asArray(asRecord(asRecord(action)["forward"])["targetGroups"])) {
      const g = asRecord(group);
      out[targetGroupLabel(g["arn"])] = typeof g["weight"] === "number" ? g["weight"] : 0;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function recordWeight(inputs: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const policy = asRecord(asArray(inputs?.["weightedRoutingPolicies"])[0]);
  return typeof policy["weight"] === "number" ? policy["weight"] : undefined;
}

function rows(before: Record<string, number>, after: Record<string, number>): TrafficRow[] {
  const total = (w: Record<string, number>) => Object.values(w).reduce((s, x) => s + x, 0);
  const tb = total(before);
  const ta = total(after);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].map((target) => ({
    target,
    ...(before[target] !== undefined ? { before: before[target], shareBefore: tb === 0 ? 0 : before[target] / tb } : {}),
    ...(after[target] !== undefined ? { after: after[target], shareAfter: ta === 0 ? 0 : after[target] / ta } : {}),
  }));
}

const ALB_SPEED = weightChangeSpeedOf("alb");
const DNS_SPEED = weightChangeSpeedOf("route53");

export function trafficFromChanges(changes: readonly ResourceChange[]): ServiceTraffic[] {
  const services: ServiceTraffic[] = [];
  for (const change of changes) {
    if (change.type !== "aws:lb/listenerRule:ListenerRule") continue;
    const before = listenerRuleWeights(change.before) ?? {};
    const after = listenerRuleWeights(change.after) ?? {};
    if (Object.keys(before).length === 0 && Object.keys(after).length === 0) continue;
    services.push({
      service: `listener rule ${change.name}`, routing: "alb", takesEffect: ALB_SPEED,
      changed: JSON.stringify(before) !== JSON.stringify(after), rows: rows(before, after),
    });
  }
  // Weighted records answer for one name in one zone: group them so shares add up per name.
  const groups = new Map<string, { before: Record<string, number>; after: Record<string, number> }>();
  for (const change of changes) {
    if (change.type !== "aws:route53/record:Record") continue;
    const inputs = change.after ?? change.before ?? {};
    const set = typeof inputs["setIdentifier"] === "string" ? inputs["setIdentifier"] : change.name;
    const key = `${String(inputs["name"] ?? change.name)}`;
    const group = groups.get(key) ?? { before: {}, after: {} };
    const b = recordWeight(change.before);
    const a = change.op === "delete" ? undefined : recordWeight(change.after ?? (change.op === "same" ? change.before : undefined));
    if (b === undefined && a === undefined) continue;
    if (b !== undefined) group.before[set] = b;
    if (a !== undefined) group.after[set] = a;
    groups.set(key, group);
  }
  for (const [name, group] of groups) {
    services.push({
      service: `records ${name}`, routing: "route53", takesEffect: DNS_SPEED,
      changed: JSON.stringify(group.before) !== JSON.stringify(group.after), rows: rows(group.before, group.after),
    });
  }
  return services;
}
