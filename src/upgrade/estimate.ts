/**
 * How long one step takes, from what `plan` says it changes and EKS's documented node group update
 * behaviour: a scale-up that launches the surge, then for each batch new nodes, a drain (which EKS
 * abandons after 15 minutes with PodEvictionFailure) and a 60-second wait before termination.
 * Changes to different clusters, and to different node groups of one cluster, run in parallel; a
 * cluster's node groups wait for its control plane; a traffic step waits out its bake time.
 */
import { EKS_NODEGROUP_DELETE_DRAIN_MINUTES, EKS_POD_EVICTION_TIMEOUT_MINUTES, EKS_POST_DRAIN_WAIT_SECONDS, effectiveUpdateConfig, nodesPerBatch, rollBatches, rollSurgeNodes } from "../fleet/nodegroups.js";
import { FLEET_CONFIG_KEY } from "../fleet/problems.js";
import type { Change } from "../fleet/plan.js";
import type { FleetSpec, NodeGroupSpec, UpdateConfigSpec } from "../fleet/types.js";
import { ELB_ALIAS_TTL_SECONDS, shares } from "../fleet/traffic.js";
import type { EstimateAssumptions } from "./assumptions.js";

export interface RollEstimate {
  readonly nodeGroup: string;
  readonly from: string;
  readonly to: string;
  readonly nodes: number;
  readonly updateConfig: string;
  readonly nodesPerBatch: number;
  readonly batches: number;
  /** Extra nodes EKS launches before draining anything. */
  readonly surgeNodes: number;
  readonly minutes: number;
  /** Every drain running into EKS's 15-minute eviction limit. */
  readonly upperBoundMinutes: number;
}

export interface OperationEstimate {
  readonly subject: string;
  readonly what: string;
  readonly minutes: number;
  readonly upperBoundMinutes: number;
}

export interface StepEstimate {
  readonly minutes: number;
  readonly upperBoundMinutes: number;
  readonly operations: readonly OperationEstimate[];
  readonly rolls: readonly RollEstimate[];
  /** Minutes of watching after a traffic step (0 for other steps). */
  readonly bakeMinutes: number;
}

const WAIT = EKS_POST_DRAIN_WAIT_SECONDS / 60;

/** 45 → "45 min", 130 → "2 h 10 min", 1600 → "1 d 2 h 40 min". */
export function formatMinutes(minutes: number): string {
  const total = Math.round(minutes);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  const parts = [days > 0 ? `${days} d` : "", hours > 0 ? `${hours} h` : "", mins > 0 || total === 0 ? `${mins} min` : ""];
  return parts.filter(Boolean).join(" ");
}

/**
 * How long a roll of `batches` sequential batches takes: each batch launches its replacements (the
 * first in EKS's scale-up), drains and waits EKS's 60 seconds; the upper bound puts EKS's 15-minute
 * eviction limit in every drain.
 */
export function rollMinutes(batches: number, a: EstimateAssumptions): { minutes: number; upperBoundMinutes: number } {
  const perBatch = (drain: number) => a.nodeLaunchMinutes + drain + WAIT;
  return { minutes: round(batches * perBatch(a.typicalDrainMinutes)), upperBoundMinutes: round(batches * perBatch(EKS_POD_EVICTION_TIMEOUT_MINUTES)) };
}

export function describeUpdateConfig(update: UpdateConfigSpec): string {
  return update.maxUnavailable !== undefined ? `maxUnavailable ${update.maxUnavailable}` : `maxUnavailablePercentage ${update.maxUnavailablePercentage}`;
}

/** A managed node group update of `group` at its size, with the fleet's subnets standing in for its zones. */
export function estimateRoll(name: string, from: string, to: string, group: NodeGroupSpec, zones: number, a: EstimateAssumptions): RollEstimate {
  const update = effectiveUpdateConfig(group);
  const nodes = group.scaling.desired;
  const batches = rollBatches(update, nodes);
  return {
    nodeGroup: name, from, to, nodes, updateConfig: describeUpdateConfig(update),
    nodesPerBatch: nodes > 0 ? nodesPerBatch(update, nodes) : 0, batches, surgeNodes: rollSurgeNodes(update, nodes, zones),
    ...rollMinutes(batches, a),
  };
}

/**
 * Removing a node group its pods still run on (node group blue/green, or a replaced group). EKS's
 * delete drains every node at once and forces termination after 5 minutes, faster than the pods'
 * disruption budgets allow; the pods leave at the pace they tolerate losing nodes, which is the
 * pace a roll of the same nodes takes them down: the group's updateConfig batches, each a drain
 * and EKS's 60-second wait. Only the launches are saved: the new nodes were launched beforehand.
 * The upper bound puts EKS's forced termination (5 minutes) in every batch's drain.
 */
export function estimateGroupRemoval(group: NodeGroupSpec, a: EstimateAssumptions): { minutes: number; upper: number; batches: number } {
  const batches = rollBatches(effectiveUpdateConfig(group), group.scaling.desired);
  return {
    batches,
    minutes: round(batches * (a.typicalDrainMinutes + WAIT) + a.nodeTerminateMinutes),
    upper: round(batches * (EKS_NODEGROUP_DELETE_DRAIN_MINUTES + WAIT) + a.nodeTerminateMinutes),
  };
}

/** Whether a weight change moves traffic (listing or dropping a cluster at weight 0 moves none). */
export function sharesMove(before: unknown, after: unknown): boolean {
  const served = (w: unknown) => Object.entries(shares((w ?? {}) as Record<string, number>)).filter(([, s]) => s > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(served(before)) !== JSON.stringify(served(after));
}

const round = (minutes: number) => Math.round(minutes * 10) / 10;

/** `baton:fleet.clusters.blue.nodeGroups.general` → ["clusters", "blue", "nodeGroups", "general"]. */
function segments(path: string): string[] {
  return path.slice(FLEET_CONFIG_KEY.length + 1).split(".");
}

interface ClusterWork {
  controlPlane: number;
  controlPlaneUpper: number;
  groups: { minutes: number; upper: number }[];
  /** Work after the node groups (a control plane deleted once its groups are gone). */
  after: number;
}

export function estimateStep(changes: readonly Change[], before: FleetSpec, after: FleetSpec, a: EstimateAssumptions): StepEstimate {
  const work = new Map<string, ClusterWork>();
  const of = (cluster: string) => {
    let w = work.get(cluster);
    if (!w) work.set(cluster, (w = { controlPlane: 0, controlPlaneUpper: 0, groups: [], after: 0 }));
    return w;
  };
  const operations: OperationEstimate[] = [];
  const rolls: RollEstimate[] = [];
  let traffic = 0;
  let shifted = false;
  const zones = after.network.subnetIds.length;
  // A decommissioned cluster serves no traffic and its pods go nowhere: EKS deletes its node groups
  // as it does, every node drained at once and terminated after at most 5 minutes.
  const drainCluster = { minutes: a.typicalDrainMinutes + WAIT + a.nodeTerminateMinutes, upper: EKS_NODEGROUP_DELETE_DRAIN_MINUTES + WAIT + a.nodeTerminateMinutes };

  for (const change of changes) {
    const [kind, name, sub, group] = segments(change.path);
    const op = (what: string, minutes: number, upper = minutes) => operations.push({ subject: change.subject, what, minutes: round(minutes), upperBoundMinutes: round(upper) });
    if (kind === "services") {
      if (change.kind !== "traffic-shift" && change.kind !== "config-change" && change.kind !== "create") continue;
      const routing = after.services[name!]?.routing ?? before.services[name!]?.routing;
      const minutes = a.configUpdateMinutes + (routing === "route53" ? ELB_ALIAS_TTL_SECONDS / 60 : 0);
      traffic = Math.max(traffic, minutes);
      shifted ||= change.kind === "traffic-shift" && sharesMove(change.before, change.after);
      op(change.kind === "traffic-shift" ? "weight change reaches clients" : "routing update", minutes);
      continue;
    }
    if (kind !== "clusters" || name === undefined) continue;
    const w = of(name);
    if (sub === "nodeGroups" && group !== undefined) {
      const beforeCluster = before.clusters[name];
      const afterCluster = after.clusters[name];
      const afterGroup = afterCluster?.nodeGroups[group];
      if (change.kind === "node-group-roll" && afterGroup && afterCluster) {
        // A version roll goes from version to version; a release-only roll from release to release.
        const releaseOnly = change.release !== undefined && typeof change.before !== "string";
        const from = releaseOnly ? change.release!.from ?? "as EKS picked it"
          : typeof change.before === "string" ? change.before : beforeCluster?.nodeGroups[group]?.version ?? beforeCluster?.version ?? "";
        const to = releaseOnly ? change.release!.to : typeof change.after === "string" ? change.after : afterGroup.version ?? afterCluster.version;
        const roll = estimateRoll(`${name}/${group}`, from, to, afterGroup, zones, a);
        rolls.push(roll);
        w.groups.push({ minutes: roll.minutes, upper: roll.upperBoundMinutes });
        op(`roll ${roll.nodes} node(s) in ${roll.batches} batch(es)`, roll.minutes, roll.upperBoundMinutes);
      } else if (change.kind === "create") {
        w.groups.push({ minutes: a.nodeLaunchMinutes, upper: a.nodeLaunchMinutes });
        op("launch the new group's nodes", a.nodeLaunchMinutes);
      } else if (change.kind === "decommission" || change.kind === "node-group-replacement") {
        // Both kinds name a group the previous spec has: the one removed, or the one replaced.
        const old = beforeCluster!.nodeGroups[group]!;
        const removal = estimateGroupRemoval(old, a);
        const launch = change.kind === "node-group-replacement" ? a.nodeLaunchMinutes : 0;
        w.groups.push({ minutes: launch + removal.minutes, upper: launch + removal.upper });
        const drained = `drain ${old.scaling.desired} node(s) in ${removal.batches} batch(es)`;
        op(change.kind === "decommission" ? `${drained}, delete the group` : `new group, then ${drained} of the old`, launch + removal.minutes, launch + removal.upper);
      } else {
        w.groups.push({ minutes: a.configUpdateMinutes, upper: a.configUpdateMinutes });
        op("in-place node group update (no node replaced)", a.configUpdateMinutes);
      }
      continue;
    }
    if (change.kind === "control-plane-upgrade") {
      w.controlPlane += a.controlPlaneUpgradeMinutes;
      w.controlPlaneUpper += a.controlPlaneUpgradeMinutes;
      op("control-plane update (add-ons follow)", a.controlPlaneUpgradeMinutes);
    } else if (change.kind === "create") {
      w.controlPlane += a.clusterCreateMinutes;
      w.controlPlaneUpper += a.clusterCreateMinutes;
      const groups = Object.keys(after.clusters[name]?.nodeGroups ?? {}).length;
      if (groups > 0) w.groups.push({ minutes: a.nodeLaunchMinutes, upper: a.nodeLaunchMinutes });
      op(`create the control plane, add-ons and ${groups} node group(s)`, a.clusterCreateMinutes + (groups > 0 ? a.nodeLaunchMinutes : 0));
    } else if (change.kind === "decommission") {
      if (Object.keys(before.clusters[name]?.nodeGroups ?? {}).length > 0) w.groups.push(drainCluster);
      w.after += a.clusterDeleteMinutes;
      op("drain its nodes, delete its node groups, then the control plane", drainCluster.minutes + a.clusterDeleteMinutes, drainCluster.upper + a.clusterDeleteMinutes);
    } else {
      w.controlPlane += a.configUpdateMinutes;
      w.controlPlaneUpper += a.configUpdateMinutes;
      op("in-place cluster update", a.configUpdateMinutes);
    }
  }

  let minutes = 0;
  let upper = 0;
  for (const w of work.values()) {
    const groups = Math.max(0, ...w.groups.map((g) => g.minutes));
    const groupsUpper = Math.max(0, ...w.groups.map((g) => g.upper));
    minutes = Math.max(minutes, w.controlPlane + groups + w.after);
    upper = Math.max(upper, w.controlPlaneUpper + groupsUpper + w.after);
  }
  const bakeMinutes = shifted ? a.bakeMinutes : 0;
  return { minutes: round(minutes + traffic + bakeMinutes), upperBoundMinutes: round(upper + traffic + bakeMinutes), operations, rolls, bakeMinutes };
}
