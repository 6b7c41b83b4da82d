/**
 * The figures an upgrade plan's estimates rest on. Where EKS documents a behaviour (the 15-minute
 * eviction limit, the 60-second wait after a drain, the surge of a node group update, the 100-node
 * parallel cap) the spec holds it in `src/fleet/nodegroups.ts`; the durations below are what EKS
 * leaves open ("a few minutes"), stated as assumptions so a plan can say what its figures rest on.
 * Every field can be overridden through `UpgradePlanOptions.assumptions`.
 */
export interface EstimateAssumptions {
  /** A control-plane version update. EKS: "should finish within a few minutes". */
  readonly controlPlaneUpgradeMinutes: number;
  /** Creating a control plane. EKS has reported an average of about 15 minutes (aws/containers-roadmap#1227). */
  readonly clusterCreateMinutes: number;
  /** Deleting a control plane once its node groups are gone. */
  readonly clusterDeleteMinutes: number;
  /** New EC2 nodes launched and `Ready` (a node group's scale-up, or a new node group). */
  readonly nodeLaunchMinutes: number;
  /** Draining one batch of nodes when pods leave promptly; EKS gives up after 15 minutes (`EKS_POD_EVICTION_TIMEOUT_MINUTES`). */
  readonly typicalDrainMinutes: number;
  /** Terminating drained instances and removing an Auto Scaling group. */
  readonly nodeTerminateMinutes: number;
  /** An in-place update that touches no node (taints, labels, scaling, a weight). */
  readonly configUpdateMinutes: number;
  /** Watching each traffic step before the next (`baton rollout --bake`'s default). */
  readonly bakeMinutes: number;
  /**
   * What EKS charges per cluster-hour in extended support, in USD (the standard rate is included).
   * AWS's published rate at the time of writing: $0.60; check the EKS pricing page for yours.
   */
  readonly extendedSupportUsdPerClusterHour: number;
  /** What EKS charges per cluster-hour in standard support, in USD. Published rate at the time of writing: $0.10. */
  readonly standardSupportUsdPerClusterHour: number;
}

export const DEFAULT_ASSUMPTIONS: EstimateAssumptions = {
  controlPlaneUpgradeMinutes: 10,
  clusterCreateMinutes: 15,
  clusterDeleteMinutes: 10,
  nodeLaunchMinutes: 5,
  typicalDrainMinutes: 2,
  nodeTerminateMinutes: 2,
  configUpdateMinutes: 1,
  bakeMinutes: 10,
  extendedSupportUsdPerClusterHour: 0.6,
  standardSupportUsdPerClusterHour: 0.1,
};
