import { canHostSystemPods } from "../nodegroups.js";
import type { Problem } from "../problems.js";
import type { ClusterSpec } from "../types.js";

/**
 * Rule `cluster-no-schedulable-home`: a cluster keeps at least one node group that is not retiring,
 * has `desired` above 0 and carries no NoSchedule/NoExecute taint. Otherwise CoreDNS (which EKS
 * then reports as degraded) and the AWS Load Balancer Controller (whose webhooks fail closed) have
 * nowhere to run, and nothing in the cluster resolves names or registers targets.
 */
export function checkSchedulableHome(cluster: ClusterSpec, path: string): Problem[] {
  const groups = Object.entries(cluster.nodeGroups);
  if (groups.some(([, group]) => canHostSystemPods(group))) return [];
  return [{
    severity: "error", rule: "cluster-no-schedulable-home", path: `${path}.nodeGroups`, value: Object.keys(cluster.nodeGroups),
    message: "Every node group is retiring, tainted NoSchedule/NoExecute or scaled to desired 0, so CoreDNS and the AWS Load Balancer Controller have nowhere to run.",
    fix: "Keep one node group with scaling.desired above 0 that is not retiring and has no NoSchedule or NoExecute taint (in node group blue/green, add the new group before retiring the old one).",
  }];
}
