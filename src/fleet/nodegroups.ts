import { DEFAULT_UPDATE_CONFIG, type ClusterSpec, type NodeGroupSpec, type UpdateConfigSpec } from "./types.js";

/** The version a node group runs: its pin, or its cluster's version. */
export function effectiveNodeGroupVersion(cluster: ClusterSpec, nodeGroup: NodeGroupSpec): string {
  return nodeGroup.version ?? cluster.version;
}

/** The updateConfig baton applies: the user's, or baton's default (a quarter of the group at a time). */
export function effectiveUpdateConfig(nodeGroup: NodeGroupSpec): UpdateConfigSpec {
  return nodeGroup.updateConfig ?? DEFAULT_UPDATE_CONFIG;
}

/** Whether new pods can land on the group: not retiring, and with nodes. */
export function isSchedulable(nodeGroup: NodeGroupSpec): boolean {
  return !nodeGroup.retiring && nodeGroup.scaling.desired > 0;
}

/** Taint effects that keep a pod without a matching toleration off a node (PreferNoSchedule only discourages). */
const REPELLING_EFFECTS = new Set(["NoSchedule", "NoExecute"]);

/**
 * Whether the cluster's own pods (CoreDNS, the AWS Load Balancer Controller) can land on the group:
 * schedulable, and no taint that repels pods which do not tolerate it.
 */
export function canHostSystemPods(nodeGroup: NodeGroupSpec): boolean {
  return isSchedulable(nodeGroup) && !nodeGroup.taints.some((t) => REPELLING_EFFECTS.has(t.effect));
}

/** Nodes a roll takes down at once: an absolute count, or a percentage of the group (at least 1). */
export function nodesPerBatch(updateConfig: UpdateConfigSpec, nodes: number): number {
  if (updateConfig.maxUnavailable !== undefined) return Math.max(1, Math.min(updateConfig.maxUnavailable, Math.max(nodes, 1)));
  const percentage = updateConfig.maxUnavailablePercentage ?? 0;
  // AWS updates "up to 100 nodes at once" and does not document its rounding: rounding down
  // (at least one node) makes the batch count an upper bound.
  return Math.min(MAX_PARALLEL_NODE_UPDATES, Math.max(1, Math.floor((nodes * percentage) / 100)));
}

/** EKS updates at most this many nodes of a managed node group in parallel, whatever updateConfig says. */
export const MAX_PARALLEL_NODE_UPDATES = 100;

/** How many sequential batches a roll of `nodes` nodes takes. */
export function rollBatches(updateConfig: UpdateConfigSpec, nodes: number): number {
  if (nodes <= 0) return 0;
  return Math.ceil(nodes / nodesPerBatch(updateConfig, nodes));
}

/**
 * Extra nodes EKS adds before a managed node group update drains anything (its documented
 * scale-up phase): the larger of twice the group's Availability Zones and its maxUnavailable.
 * The group's subnets stand in for its zones (at most one zone each), so this is an upper bound.
 */
export function rollSurgeNodes(updateConfig: UpdateConfigSpec, nodes: number, availabilityZones: number): number {
  if (nodes <= 0) return 0;
  return Math.max(2 * availabilityZones, nodesPerBatch(updateConfig, nodes));
}

/** EKS fails a node group update when a node's pods cannot be evicted within this many minutes (unless forced). */
export const EKS_POD_EVICTION_TIMEOUT_MINUTES = 15;

/** After draining a node EKS cordons it and waits this long, so load balancers stop sending to it, before terminating it. */
export const EKS_POST_DRAIN_WAIT_SECONDS = 60;

/** A node group's size bounds and its size at creation, as the spec writes them. */
export type ScalingSpec = NodeGroupSpec["scaling"];

/** Whether a scaling change moves the bounds (min or max), which makes pulumi up send a desired size. */
export function scalingBoundsMove(before: ScalingSpec, after: ScalingSpec): boolean {
  return before.min !== after.min || before.max !== after.max;
}

/**
 * The desired size to send with the scaling config: on a group that runs, its live size (what the
 * cluster autoscaler or an operator set) clamped into the new bounds, so a raised `min` lifts it
 * and a lowered `max` caps it, and nothing else moves it; before the group exists (or when its live
 * size cannot be read), the spec's `desired`, the size at creation.
 */
export function desiredSizeToSend(scaling: ScalingSpec, live: number | undefined): number {
  if (live === undefined) return scaling.desired;
  return Math.min(scaling.max, Math.max(scaling.min, live));
}

/**
 * When EKS deletes a managed node group it scales the Auto Scaling group to zero and drains each
 * node before terminating it, forcing the termination once a node has not drained after this many
 * minutes (EKS user guide, "Delete a managed node group from your cluster", read 2026-12-02).
 */
export const EKS_NODEGROUP_DELETE_DRAIN_MINUTES = 5;
