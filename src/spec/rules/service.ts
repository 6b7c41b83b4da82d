import { isSchedulable } from "../nodegroups.js";
import type { Problem } from "../problems.js";
import type { FleetSpec, ServiceSpec } from "../schema.js";
import { ALB_MAX_TARGET_GROUPS, WEIGHT_LIMITS } from "../traffic.js";

/** Rules on one service's weights and routing targets, against the fleet's clusters. */
export function checkService(fleet: FleetSpec, serviceName: string, service: ServiceSpec, path: string): Problem[] {
  const problems: Problem[] = [];
  const limit = WEIGHT_LIMITS[service.routing];
  const clusterNames = Object.keys(fleet.clusters);

  for (const [cluster, weight] of Object.entries(service.weights)) {
    const at = `${path}.weights.${cluster}`;
    if (!(cluster in fleet.clusters)) {
      problems.push({
        severity: "error", rule: "weights-unknown-cluster", path: at, value: weight,
        message: `"${cluster}" is not a cluster of this fleet (clusters: ${clusterNames.join(", ") || "none"}).`,
        fix: "Name a cluster defined under clusters, or remove this weight.",
      });
    }
    if (!Number.isInteger(weight) || weight < 0 || weight > limit) {
      problems.push({
        severity: "error", rule: "weights-range", path: at, value: weight,
        message: `${service.routing === "alb" ? "ALB target group" : "Route53 record"} weights are whole numbers from 0 to ${limit}.`,
        fix: `Use a whole number between 0 and ${limit}.`,
      });
    }
  }

  const weighted = Object.entries(service.weights).filter(([, w]) => w > 0);
  if (weighted.length === 0) {
    problems.push({
      severity: "error", rule: "weights-all-zero", path: `${path}.weights`, value: service.weights,
      message: `Service ${serviceName} has no cluster with weight above 0: it would serve no traffic.`,
      fix: "Give at least one cluster a weight above 0 (to retire a service, remove it in its own change).",
    });
  }

  if (service.routing === "alb" && Object.keys(service.weights).length > ALB_MAX_TARGET_GROUPS) {
    problems.push({
      severity: "error", rule: "alb-target-group-limit", path: `${path}.weights`, value: service.weights,
      message: `An ALB forward action takes at most ${ALB_MAX_TARGET_GROUPS} target groups; this service lists ${Object.keys(service.weights).length} clusters.`,
      fix: `Keep at most ${ALB_MAX_TARGET_GROUPS} clusters in weights; drop clusters at weight 0 first.`,
    });
  }

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

  if (service.routing === "route53") {
    for (const [cluster] of weighted) {
      if (!(cluster in service.route53.targets)) {
        problems.push({
          severity: "error", rule: "route53-target-missing", path: `${path}.route53.targets.${cluster}`,
          message: `Cluster ${cluster} has weight for ${serviceName} but no Route53 alias target.`,
          fix: `Add route53.targets.${cluster} with the cluster's load balancer dnsName and zoneId.`,
        });
      }
    }
    for (const cluster of Object.keys(service.route53.targets)) {
      if (!(cluster in fleet.clusters)) {
        problems.push({
          severity: "error", rule: "route53-target-unknown-cluster", path: `${path}.route53.targets.${cluster}`,
          message: `"${cluster}" is not a cluster of this fleet.`,
          fix: "Name a cluster defined under clusters, or remove this target.",
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
