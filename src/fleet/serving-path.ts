/**
 * The resources a cluster's share of an ALB service passes through, and the inputs baton derives
 * for each from the spec, as the replacement table reads them. The components build those
 * resources from these same functions, so the spec's transition rule judges exactly what
 * `pulumi up` will send.
 */
import { configPath } from "./problems.js";
import { sameValue } from "./same-value.js";
import {
  classifyUpdate, TARGET_GROUP_BINDING_IMMUTABLE_FIELDS, TARGET_GROUP_BINDING_TYPE, TARGET_GROUP_TYPE, type ReplacementVerdict,
} from "./replacements.js";
import type { AlbServiceSpec, FleetSpec } from "./types.js";

/** One input baton sets on a serving-path resource, with the config path it comes from. */
export interface DerivedInput {
  /** The resource's input path, as the replacement table names it. */
  readonly input: string;
  readonly value: unknown;
  /** Where the value comes from in the fleet spec; undefined for a constant baton always sets. */
  readonly from?: string;
}

/** A target group's protocol and target type: constants, so they never force a replacement. */
export const TARGET_GROUP_PROTOCOL = "HTTP";
export const TARGET_TYPE = "ip";

/** The target group inputs that identify it (the table's replacement-forcing ones) for one service. */
export function targetGroupInputs(fleet: Pick<FleetSpec, "network">, serviceName: string, service: Pick<AlbServiceSpec, "port">): DerivedInput[] {
  return [
    { input: "port", value: service.port, from: configPath(["services", serviceName, "port"]) },
    { input: "protocol", value: TARGET_GROUP_PROTOCOL },
    { input: "targetType", value: TARGET_TYPE },
    { input: "vpcId", value: fleet.network.vpcId, from: configPath(["network", "vpcId"]) },
  ];
}

/** The binding inputs that identify it: its namespace and target type (its target group is the target group's identity). */
export function bindingInputs(serviceName: string, service: Pick<AlbServiceSpec, "namespace">): DerivedInput[] {
  return [
    { input: "metadata.namespace", value: service.namespace, from: configPath(["services", serviceName, "namespace"]) },
    { input: "spec.targetType", value: TARGET_TYPE },
  ];
}

export interface ServingReplacement {
  readonly what: "target group" | "TargetGroupBinding";
  readonly type: string;
  readonly verdict: ReplacementVerdict;
  /** The config paths whose change forces it, with before → after. */
  readonly causes: ReadonlyArray<{ readonly path: string; readonly before: unknown; readonly after: unknown }>;
}

function changedInputs(before: readonly DerivedInput[], after: readonly DerivedInput[]) {
  return after.filter((a) => {
    const b = before.find((x) => x.input === a.input);
    return b === undefined || !sameValue(b.value, a.value);
  }).map((a) => ({ input: a.input, path: a.from ?? a.input, before: before.find((x) => x.input === a.input)?.value, after: a.value }));
}

/**
 * What changing one ALB service from `before` to `after` replaces on one cluster's path, judged
 * by the replacement table: the target group (a new port or VPC), and the binding (a new target
 * group ARN, or a new namespace). Empty when everything updates in place.
 */
export function servingPathReplacements(
  beforeFleet: Pick<FleetSpec, "network">, afterFleet: Pick<FleetSpec, "network">, serviceName: string,
  before: AlbServiceSpec, after: AlbServiceSpec,
): ServingReplacement[] {
  const out: ServingReplacement[] = [];
  const group = changedInputs(targetGroupInputs(beforeFleet, serviceName, before), targetGroupInputs(afterFleet, serviceName, after));
  const groupVerdict = classifyUpdate(TARGET_GROUP_TYPE, group.map((c) => c.input));
  if (groupVerdict.op === "replace") out.push({ what: "target group", type: TARGET_GROUP_TYPE, verdict: groupVerdict, causes: group });
  // A new target group has a new ARN, and the binding names it.
  const binding = [
    ...changedInputs(bindingInputs(serviceName, before), bindingInputs(serviceName, after)),
    ...(groupVerdict.op === "replace" ? [{ input: "spec.targetGroupARN", path: "(the new target group's ARN)", before: undefined, after: undefined }] : []),
  ];
  const bindingVerdict = classifyUpdate(TARGET_GROUP_BINDING_TYPE, binding.map((c) => c.input), TARGET_GROUP_BINDING_IMMUTABLE_FIELDS);
  if (bindingVerdict.op === "replace") out.push({ what: "TargetGroupBinding", type: TARGET_GROUP_BINDING_TYPE, verdict: bindingVerdict, causes: binding.filter((c) => c.path.startsWith("baton:")) });
  return out;
}
