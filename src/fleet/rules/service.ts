import { isSchedulable } from "../nodegroups.js";
import type { Problem } from "../problems.js";
import { closest } from "../suggest.js";
import type { FleetSpec, ServiceSpec } from "../types.js";
import { ALB_MAX_TARGET_GROUPS, WEIGHT_LIMITS } from "../traffic.js";

/** Rules on one service's weights and routing targets, against the fleet's clusters. */
export function checkService(fleet: FleetSpec, serviceName: string, service: ServiceSpec, path: string): Problem[] {
  const problems: Problem[] = [];
  const clusterNames = Object.keys(fleet.clusters);

  for (const [cluster, weight] of Object.entries(service.weights)) {
    const at = `${path}.weights.${cluster}`;
    if (!Object.hasOwn(fleet.clusters, cluster)) {
      const guess = closest(cluster, clusterNames);
      problems.push({
        severity: "error", rule: "weights-unknown-cluster", path: at, value: weight,
        message: `"${cluster}" is not a cluster of this fleet (clusters: ${clusterNames.join(", ") || "none"}).`,
        fix: guess ? `Did you mean "${guess}"? Name a cluster defined under clusters, or remove this weight.` : "Name a cluster defined under clusters, or remove this weight.",
      });
    }
    problems.push(...checkWeightRange(service.routing, weight, at));
  }

  const weighted = Object.entries(service.weights).filter(([, w]) => w > 0);
  const owner: WeightOwner = { subject: `Service ${serviceName}`, lists: "this service lists", target: "cluster", field: "weights" };
  problems.push(...checkWeightsNotAllZero(service.weights, `${path}.weights`, owner));
  if (service.routing === "alb") problems.push(...checkAlbTargetGroupLimit(service.weights, `${path}.weights`, owner));

  for (const [cluster] of weighted) {
    const spec = fleet.clusters[cluster];
    if (spec && !Object.values(spec.nodeGroups).some(isSchedulable)) {
      problems.push({
        severity: "error", rule: "weighted-cluster-capacity", path: `${path}.weights.${cluster}`, value: service.weights[cluster],
        message: `Cluster ${cluster} gets traffic but has no node group that can schedule pods (every group is retiring or has desired 0).`,
        fix: `Give ${cluster} a node group with scaling.desired above 0 that is not retiring, or set its weight to 0.`,
      });
    }
  }

  if (service.routing === "alb") problems.push(...checkHealthCheckTimeout(service.alb.healthCheck, `${path}.alb.healthCheck`));

  if (service.routing === "route53") {
    for (const [cluster] of weighted) {
      // A weight on a cluster the fleet does not have is already an error above; no target is asked of it.
      if (!(cluster in service.route53.targets) && Object.hasOwn(fleet.clusters, cluster)) {
        problems.push({
          severity: "error", rule: "route53-target-missing", path: `${path}.route53.targets.${cluster}`,
          message: `Cluster ${cluster} has weight for ${serviceName} but no Route53 alias target.`,
          fix: `Add route53.targets.${cluster} with the cluster's load balancer dnsName and zoneId.`,
        });
      }
    }
    for (const cluster of Object.keys(service.route53.targets)) {
      if (!Object.hasOwn(fleet.clusters, cluster)) {
        const guess = closest(cluster, clusterNames);
        problems.push({
          severity: "error", rule: "route53-target-unknown-cluster", path: `${path}.route53.targets.${cluster}`,
          message: `"${cluster}" is not a cluster of this fleet (clusters: ${clusterNames.join(", ") || "none"}).`,
          fix: guess ? `Did you mean "${guess}"? Name a cluster defined under clusters, or remove this target.` : "Name a cluster defined under clusters, or remove this target.",
        });
      }
    }
  }
  return problems;
}

/** Two services forwarding from one listener at one priority would collide when AWS creates the rules. */
export function checkListenerPriorities(fleet: FleetSpec): Problem[] {
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  for (const [name, service] of Object.entries(fleet.services)) {
    if (service.routing !== "alb") continue;
    const key = `${service.alb.listenerArn}#${service.alb.priority}`;
    const other = seen.get(key);
    if (other) {
      problems.push({
        severity: "error", rule: "alb-priority-unique", path: `baton:fleet.services.${name}.alb.priority`, value: service.alb.priority,
        message: `Services ${other} and ${name} use priority ${service.alb.priority} on the same listener; AWS requires unique rule priorities.`,
        fix: "Give each service on a listener its own priority.",
      });
    } else seen.set(key, name);
  }
  return problems;
}

/**
 * Who a set of weights belongs to, for messages: a fleet service weighting its clusters, or (in
 * the policy pack) an ALB forward action weighting its target groups.
 */
export interface WeightOwner {
  /** Sentence subject, e.g. "Service web". */
  readonly subject: string;
  /** Lead-in to a count, e.g. "this service lists". */
  readonly lists: string;
  /** What is weighted: "cluster" or "target group". */
  readonly target: string;
  /** Where the weights are written, e.g. "weights". */
  readonly field: string;
}

/** Rule `weights-range`: AWS takes whole weights from 0 to the routing's limit (ALB 999, Route53 255). */
export function checkWeightRange(routing: keyof typeof WEIGHT_LIMITS, weight: number, path: string): Problem[] {
  const limit = WEIGHT_LIMITS[routing];
  if (Number.isInteger(weight) && weight >= 0 && weight <= limit) return [];
  return [{
    severity: "error", rule: "weights-range", path, value: weight,
    message: `${routing === "alb" ? "ALB target group" : "Route53 record"} weights are whole numbers from 0 to ${limit}.`,
    fix: `Use a whole number between 0 and ${limit}.`,
  }];
}

/** Rule `weights-all-zero`: weights that are all 0 send no traffic anywhere. */
export function checkWeightsNotAllZero(weights: Readonly<Record<string, number>>, path: string, owner: WeightOwner): Problem[] {
  if (Object.values(weights).some((w) => w > 0)) return [];
  return [{
    severity: "error", rule: "weights-all-zero", path, value: weights,
    message: `${owner.subject} has no ${owner.target} with weight above 0: it would serve no traffic.`,
    fix: `Give at least one ${owner.target} a weight above 0 (to retire a service, remove it in its own change).`,
  }];
}

/** Rule `alb-target-group-limit`: an ALB forward action takes at most five target groups. */
export function checkAlbTargetGroupLimit(weights: Readonly<Record<string, number>>, path: string, owner: WeightOwner): Problem[] {
  const count = Object.keys(weights).length;
  if (count <= ALB_MAX_TARGET_GROUPS) return [];
  return [{
    severity: "error", rule: "alb-target-group-limit", path, value: weights,
    message: `An ALB forward action takes at most ${ALB_MAX_TARGET_GROUPS} target groups; ${owner.lists} ${count} ${owner.target}s.`,
    fix: `Keep at most ${ALB_MAX_TARGET_GROUPS} ${owner.target}s in ${owner.field}; drop ${owner.target}s at weight 0 first.`,
  }];
}

/**
 * Rule `alb-health-check-timeout`: ELB refuses a target group whose health-check timeout is not
 * shorter than its interval ("Health check timeout must be smaller than the interval").
 */
export function checkHealthCheckTimeout(check: { readonly intervalSeconds: number; readonly timeoutSeconds: number }, path: string): Problem[] {
  if (check.timeoutSeconds < check.intervalSeconds) return [];
  return [{
    severity: "error", rule: "alb-health-check-timeout", path: `${path}.timeoutSeconds`, value: check.timeoutSeconds,
    message: `A health check times out after ${check.timeoutSeconds} s but runs every ${check.intervalSeconds} s; ELB requires the timeout to be shorter than the interval.`,
    fix: check.intervalSeconds > 2
      ? `Set timeoutSeconds to at most ${check.intervalSeconds - 1}, or intervalSeconds to at least ${check.timeoutSeconds + 1}.`
      : `Set intervalSeconds to at least ${check.timeoutSeconds + 1}.`,
  }];
}
