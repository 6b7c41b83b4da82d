/**
 * The fleet as a union of parts, following its component tree: the fleet component itself, one
 * part per cluster (`EksCluster` and everything under it) and one per service (its weighted
 * route). A part is built from its projection — the sub-fleet holding exactly the config its
 * resources may read — so a hash of the projection is a complete key for what the part registers.
 */
import type { FleetSpec } from "../fleet/types.js";
import { clustersNamedBy } from "../fleet/traffic.js";

export type FleetPart =
  | { readonly kind: "fleet" }
  | { readonly kind: "cluster"; readonly name: string }
  | { readonly kind: "service"; readonly name: string };

/** `fleet`, `cluster:<name>` or `service:<name>`: a part's name in logs and cache entries. */
export function partId(part: FleetPart): string {
  return part.kind === "fleet" ? "fleet" : `${part.kind}:${part.name}`;
}

/** Every part of the fleet, in the fleet's own order: the fleet component, its clusters, its services. */
export function fleetParts(fleet: FleetSpec): FleetPart[] {
  return [
    { kind: "fleet" },
    ...Object.keys(fleet.clusters).map((name) => ({ kind: "cluster" as const, name })),
    ...Object.keys(fleet.services).map((name) => ({ kind: "service" as const, name })),
  ];
}

/**
 * The sub-fleet a part is built from: the fleet-wide settings (name, network) and
 * - for the fleet part, nothing else;
 * - for a cluster, that cluster, and the ALB services that bind into it, each narrowed to this
 *   cluster (what a cluster holds for its bound services depends on them, not on their weights);
 * - for a service, that service and the clusters it names (weights, alias targets: the route checks them; an ALB
 *   route's bindings go into those clusters, built alongside and left to their own parts).
 * The projection is itself a valid fleet whenever the whole fleet is.
 */
export function partProjection(fleet: FleetSpec, part: FleetPart): FleetSpec {
  const common = { name: fleet.name, network: fleet.network };
  switch (part.kind) {
    case "fleet":
      return { ...common, clusters: {}, services: {} };
    case "cluster": {
      const cluster = fleet.clusters[part.name];
      if (cluster === undefined) throw new Error(`the fleet has no cluster ${part.name}`);
      // What a cluster holds for the ALB services that bind into it (their namespaces, the load
      // balancer controller) depends on those services, but not on their weights or other clusters:
      // each is kept with this cluster alone at weight 1, which any valid cluster may take.
      const bound = Object.entries(fleet.services).flatMap(([name, s]) => (s.routing === "alb" && part.name in s.weights ? [[name, { ...s, weights: { [part.name]: 1 } }] as const] : []));
      return { ...common, clusters: { [part.name]: cluster }, services: Object.fromEntries(bound) };
    }
    case "service": {
      const service = fleet.services[part.name];
      if (service === undefined) throw new Error(`the fleet has no service ${part.name}`);
      const clusters = Object.fromEntries(clustersNamedBy(service).flatMap((c) => (Object.hasOwn(fleet.clusters, c) ? [[c, fleet.clusters[c]!]] : [])));
      return { ...common, clusters, services: { [part.name]: service } };
    }
  }
}
