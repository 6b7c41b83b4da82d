import type { FleetSpec, ServiceSpec } from "./types.js";

/** AWS limits on weights: ALB forward actions take 0–999 per target group, Route53 weighted records 0–255. */
export const WEIGHT_LIMITS = { alb: 999, route53: 255 } as const;

/** An ALB forward action takes at most this many target groups. */
export const ALB_MAX_TARGET_GROUPS = 5;

/** Alias records to a load balancer carry the load balancer's 60-second TTL. */
export const ELB_ALIAS_TTL_SECONDS = 60;

export type Weights = Readonly<Record<string, number>>;

/** The weight of `cluster` for `service` (0 when the service does not list the cluster). */
export function weightOf(service: ServiceSpec, cluster: string): number {
  return service.weights[cluster] ?? 0;
}

/** Each cluster's share of the service's traffic, 0–1. All-zero weights give all-zero shares. */
export function shares(weights: Weights): Record<string, number> {
  const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
  const out: Record<string, number> = {};
  for (const [cluster, weight] of Object.entries(weights)) out[cluster] = total === 0 ? 0 : weight / total;
  return out;
}

/** Clusters that receive traffic from at least one service. */
export function servingClusters(fleet: FleetSpec): Set<string> {
  const serving = new Set<string>();
  for (const service of Object.values(fleet.services)) {
    for (const [cluster, weight] of Object.entries(service.weights)) if (weight > 0) serving.add(cluster);
  }
  return serving;
}

/** How fast a weight change on this service reaches clients: the rollback speed reviewers are told. */
export function weightChangeSpeed(service: ServiceSpec): string {
  return weightChangeSpeedOf(service.routing);
}

/** How fast a weight change reaches clients, by routing alone (for a preview read without the spec). */
export function weightChangeSpeedOf(routing: ServiceSpec["routing"]): string {
  return routing === "alb"
    ? "at once: the ALB applies new listener-rule weights to the next request"
    : `after DNS caches expire: alias records to a load balancer carry a ${ELB_ALIAS_TTL_SECONDS} s TTL, and some resolvers hold answers longer`;
}

/** Weights written the way a user writes them in the stack file. */
export function formatWeights(weights: Weights): string {
  return `{ ${Object.entries(weights).map(([c, w]) => `${c}: ${w}`).join(", ")} }`;
}

/**
 * The newest Kubernetes version among clusters that serve traffic: the version manifests must be
 * ready for. Falls back to the newest cluster when none has weight.
 */
export function newestServingVersion(fleet: FleetSpec): string | undefined {
  const serving = servingClusters(fleet);
  const candidates = Object.entries(fleet.clusters).filter(([name]) => serving.size === 0 || serving.has(name));
  return candidates.map(([, c]) => c.version).sort((a, b) => Number(b.split(".")[1]) - Number(a.split(".")[1]))[0];
}

/**
 * Every cluster a service names: those its weights list and, for Route53, those it has an alias
 * target for (a target may be written before the cluster gets weight). The service's rules check
 * each against the fleet's clusters, so whatever judges the service alone needs all of them.
 */
export function clustersNamedBy(service: ServiceSpec): string[] {
  const named = new Set(Object.keys(service.weights));
  if (service.routing === "route53") for (const cluster of Object.keys(service.route53.targets)) named.add(cluster);
  return [...named].sort();
}
