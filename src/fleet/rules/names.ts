import { derivedClusterNames, derivedNodeGroupNames, derivedServiceNames, type DerivedName } from "../names.js";
import type { Problem } from "../problems.js";
import { Name } from "../schema.js";
import type { FleetSpec } from "../types.js";

/** Rule `name-length` on a list of derived names: one problem per name over its AWS limit. */
export function tooLong(names: DerivedName[], path: string, value: string): Problem[] {
  return names
    .filter((n) => n.value.length > n.limit)
    .map((n) => ({
      severity: "error" as const, rule: "name-length", path, value,
      message: `The ${n.what} "${n.value}" is ${n.value.length} characters; AWS allows ${n.limit}.`,
      fix: `Shorten the fleet, cluster, node group or service name by ${n.value.length - n.limit} characters.`,
    }));
}

/**
 * Every AWS name baton derives must fit its limit, or `pulumi up` fails half-way. Names that are
 * not valid names themselves (checked on a partly valid fleet) are refused as such, once: the
 * names built from them add nothing.
 */
export function checkDerivedNames(fleet: FleetSpec): Problem[] {
  const problems: Problem[] = [];
  const valid = (name: string) => Name.safeParse(name).success;
  for (const [cluster, spec] of Object.entries(fleet.clusters)) {
    if (!valid(cluster)) continue;
    problems.push(...tooLong(derivedClusterNames(fleet.name, cluster), `baton:fleet.clusters.${cluster}`, cluster));
    for (const nodeGroup of Object.keys(spec.nodeGroups).filter(valid)) {
      problems.push(...tooLong(derivedNodeGroupNames(fleet.name, cluster, nodeGroup), `baton:fleet.clusters.${cluster}.nodeGroups.${nodeGroup}`, nodeGroup));
    }
  }
  for (const [service, spec] of Object.entries(fleet.services)) {
    if (spec.routing !== "alb" || !valid(service)) continue;
    for (const cluster of Object.keys(spec.weights).filter(valid)) {
      problems.push(...tooLong(derivedServiceNames(fleet.name, service, cluster), `baton:fleet.services.${service}`, service));
    }
  }
  return problems;
}
