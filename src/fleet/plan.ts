/**
 * Transitions between two fleet specs: what changes, whether each change is safe, and the edit that
 * undoes it. `plan` is what `baton plan`, the offline preview's verdict line, the policy pack and
 * `baton shift` all ask before anything is touched.
 */
import { effectiveNodeGroupVersion, rollBatches, effectiveUpdateConfig, isSchedulable } from "./nodegroups.js";
import { configPath, errorsOf, type Problem } from "./problems.js";
import type { ClusterSpec, FleetSpec, NodeGroupSpec, ServiceSpec } from "./types.js";
import { formatWeights, servingClusters, weightChangeSpeed } from "./traffic.js";
import { applyOverrides } from "./overrides.js";
import { amiFamily, compareReleases } from "./rules/nodegroup.js";
import { checkServingPathReplacements } from "./rules/serving-path.js";
import { validateFleet, type ValidateOptions } from "./validate.js";
import { compareVersions, isoDate, supportPhase, versionFromMinor, minorOf } from "./versions.js";
import { rollbackClosesOn, ROLLBACK_WINDOW_DAYS, type VersionHistory } from "./version-history.js";
import { sameValue as isEqual } from "./same-value.js";

export type ChangeKind =
  | "traffic-shift"
  | "control-plane-upgrade"
  | "node-group-roll"
  | "node-group-replacement"
  | "create"
  | "decommission"
  | "config-change";

/** One config edit: set `path` to `value`, or remove `path` when `remove` is true. */
export interface ConfigEdit {
  readonly path: string;
  readonly value?: unknown;
  readonly remove?: boolean;
}

/** One stack change of a rollback that takes several, applied (`pulumi up`) before the next. */
export interface RollbackStep {
  /** What the stack change does, e.g. `roll node group blue/general back to 1.33`. */
  readonly title: string;
  readonly edits: readonly ConfigEdit[];
}

/**
 * An in-place version move EKS can roll back, for a while: a control-plane upgrade for 7 days
 * after it completes (node groups first, then the control plane), a node group's version while
 * its control plane still runs the newer version.
 */
export interface TimeBoxedRollback {
  /** The stack changes that roll it back, in order. */
  readonly steps: readonly RollbackStep[];
  /** Days after the upgrade's completion that EKS still rolls it back; undefined: no window (a node group's roll). */
  readonly windowDays?: number;
  /** The first day (ISO) the rollback is no longer possible, when known; else "N days after it completes". */
  readonly closesOn?: string;
  /** Until when, as a reviewer reads it: `for 7 days after it completes`, `while control plane blue runs 1.35 or 1.34`. */
  readonly when: string;
}

export interface Rollback {
  /** The config edits that undo the change (empty when nothing can); for a time-boxed change, the traffic escape. */
  readonly edits: readonly ConfigEdit[];
  /** How fast the rollback takes effect. */
  readonly takesEffect: string;
  /** What the rollback does and does not restore, in one or two sentences. */
  readonly note: string;
  /** Set when EKS can roll the change back in place: the ordered stack changes, and until when. */
  readonly timeBoxed?: TimeBoxedRollback;
}

export interface Change {
  readonly kind: ChangeKind;
  /** What changes, e.g. `service web`, `cluster green`, `node group blue/general`. */
  readonly subject: string;
  /** The config path of the change. */
  readonly path: string;
  /** One line a reviewer reads. */
  readonly summary: string;
  /** The changed fields below `path`. */
  readonly fields: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  /**
   * No single config edit undoes it: a deleted or replaced cluster (never), a version upgrade (only
   * by the ordered stack changes of `rollback.timeBoxed`, within EKS's window).
   */
  readonly irreversible: boolean;
  /** The rules this change breaks; empty when it is allowed. */
  readonly refusals: readonly Problem[];
  readonly rollback: Rollback;
  /** A node group roll onto a pinned AMI release: the pin before (absent: EKS's pick) and after. */
  readonly release?: { readonly from?: string; readonly to: string };
  /** A node group roll with `forceUpdateVersion`: EKS evicts pods whatever their PodDisruptionBudgets say. */
  readonly forced?: boolean;
  /** What a reviewer must know beyond the summary (e.g. how a version rollback reaches EKS). */
  readonly notes?: readonly string[];
}

export interface Plan {
  /** True when both specs are valid and no change is refused. */
  readonly allowed: boolean;
  readonly changes: readonly Change[];
  /** Validation problems of the proposed spec (and of the current one, when it is invalid). */
  readonly problems: readonly Problem[];
  /** Every rule id that refuses this plan, once each. */
  readonly refusedRules: readonly string[];
}


function changedFields<T extends object>(before: T, after: T, keys: readonly (keyof T)[]): string[] {
  return keys.filter((key) => !isEqual(before[key], after[key])).map(String);
}

/** The named fields of a spec object, for a change's before/after. */
function pick(source: object, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, (source as Record<string, unknown>)[f]]));
}

function refusal(rule: string, path: string, value: unknown, message: string, fix: string): Problem {
  return { severity: "error", rule, path, value, message, fix };
}

/** Fields whose change makes AWS replace a managed node group (EKS cannot change them in place). */
const NODE_GROUP_REPLACE_FIELDS = ["instanceTypes", "capacityType", "amiType"] as const satisfies readonly (keyof NodeGroupSpec)[];
/**
 * Fields whose change starts a roll (EKS UpdateNodegroupVersion): the launch template's (a new
 * template version) and the AMI release. A release is pinned or moved only when set: removing the
 * pin leaves the nodes on the release they run (see `releaseMove`).
 */
const NODE_GROUP_ROLL_FIELDS = ["diskSizeGiB", "allowPodsToReachInstanceMetadata"] as const satisfies readonly (keyof NodeGroupSpec)[];
/** Fields EKS updates in place, without touching nodes (forceUpdateVersion only says how later rolls drain). */
const NODE_GROUP_CONFIG_FIELDS = ["scaling", "updateConfig", "labels", "taints", "retiring", "forceUpdateVersion"] as const satisfies readonly (keyof NodeGroupSpec)[];

/**
 * What an edit of `releaseVersion` does: a new pin rolls the nodes onto it (unless they already run
 * it); removing the pin rolls nothing (the provider keeps the release the group runs, and EKS picks
 * the latest at the next version bump).
 */
function releaseMove(before: NodeGroupSpec, after: NodeGroupSpec): "roll" | "unpin" | undefined {
  if (after.releaseVersion !== undefined) return after.releaseVersion !== before.releaseVersion ? "roll" : undefined;
  return before.releaseVersion !== undefined ? "unpin" : undefined;
}

const CLUSTER_CONFIG_FIELDS = ["publicAccessCidrs", "logging", "supportType", "admins", "addons", "logRetentionDays"] as const satisfies readonly (keyof ClusterSpec)[];

/** Why a cluster would be replaced rather than updated, or undefined when it would not. */
function clusterReplacementReason(before: FleetSpec, after: FleetSpec, name: string): string | undefined {
  const b = before.clusters[name];
  const a = after.clusters[name];
  if (!b || !a) return undefined;
  if (before.name !== after.name) return `the fleet name changes (${before.name} → ${after.name}), which renames the EKS cluster`;
  if (before.network.vpcId !== after.network.vpcId) return "the VPC changes; an EKS cluster cannot move between VPCs";
  if (!isEqual(before.network.subnetIds, after.network.subnetIds)) return "the subnets change; baton treats a cluster's subnets as fixed";
  if (b.secretsKmsKeyArn !== a.secretsKmsKeyArn) return "the secrets encryption key changes; EKS cannot re-key or remove envelope encryption";
  return undefined;
}

/** Clusters other than `except` that serve traffic in `fleet` and can schedule pods. */
function otherServingCandidates(fleet: FleetSpec, except: string): string[] {
  return Object.entries(fleet.clusters)
    .filter(([name, c]) => name !== except && Object.values(c.nodeGroups).some(isSchedulable))
    .map(([name]) => name);
}

/**
 * The rollback of an irreversible cluster change, in terms of traffic: move the services this
 * cluster serves to another cluster that can take them.
 */
function trafficRollback(after: FleetSpec, before: FleetSpec, cluster: string, what: string): Rollback {
  const escape = trafficEscape(after, before, cluster);
  if (escape.edits.length > 0) {
    return {
      edits: escape.edits,
      takesEffect: escape.takesEffect,
      note: `${what} cannot be undone; shifting its traffic back to ${escape.receiving.join(", ")} restores service while you fix forward.`,
    };
  }
  return {
    edits: [],
    takesEffect: "not applicable",
    note: escape.servesNothing
      ? `${what} cannot be undone, but cluster ${cluster} serves no traffic, so nothing user-facing depends on it.`
      : `${what} cannot be undone, and no other cluster can take ${cluster}'s traffic: build a cluster at the old version next to it first.`,
  };
}

interface TrafficEscape {
  readonly edits: ConfigEdit[];
  readonly takesEffect: string;
  /** The clusters that take the traffic. */
  readonly receiving: string[];
  /** True when the cluster serves no traffic in `after`. */
  readonly servesNothing: boolean;
}

/** The edits that move the services `cluster` serves in `after` to another cluster that can take them. */
function trafficEscape(after: FleetSpec, before: FleetSpec, cluster: string): TrafficEscape {
  const edits: ConfigEdit[] = [];
  const speeds = new Set<string>();
  const receiving = new Set<string>();
  const others = otherServingCandidates(after, cluster);
  for (const [serviceName, service] of Object.entries(after.services)) {
    const weight = service.weights[cluster] ?? 0;
    if (weight === 0) continue;
    const receivers = others.filter((o) => o in service.weights || (service.routing === "route53" && o in service.route53.targets));
    if (receivers.length === 0) continue;
    // Prefer the clusters that served this service before; hand them this cluster's weight.
    const previous = before.services[serviceName]?.weights ?? {};
    const target = receivers.find((r) => (previous[r] ?? 0) > 0) ?? receivers[0]!;
    const weights: Record<string, number> = { ...service.weights, [cluster]: 0 };
    weights[target] = Math.min((weights[target] ?? 0) + weight, service.routing === "alb" ? 999 : 255);
    edits.push({ path: configPath(["services", serviceName, "weights"]), value: weights });
    receiving.add(target);
    speeds.add(weightChangeSpeed(service));
  }
  const servesNothing = Object.values(after.services).every((s) => (s.weights[cluster] ?? 0) === 0);
  return { edits, takesEffect: edits.length > 0 ? [...speeds].join("; ") : "not applicable", receiving: [...receiving], servesNothing };
}

/**
 * The rollback of a version upgrade EKS can roll back in place: the ordered stack changes (and
 * `note`, saying when and how), with the traffic escape as its edits for the meantime.
 */
function timeBoxedRollback(after: FleetSpec, before: FleetSpec, cluster: string, note: string, timeBoxed: TimeBoxedRollback): Rollback {
  const escape = trafficEscape(after, before, cluster);
  const meanwhile = escape.edits.length > 0
    ? `Shifting its traffic to ${escape.receiving.join(", ")} restores service at once, while you roll back or fix forward.`
    : escape.servesNothing
      ? `Cluster ${cluster} serves no traffic, so nothing user-facing depends on it meanwhile.`
      : `No other cluster can take ${cluster}'s traffic meanwhile.`;
  return { edits: escape.edits, takesEffect: escape.takesEffect, note: `${note} ${meanwhile}`, timeBoxed };
}

function revertFields(path: string, before: Record<string, unknown>, fields: readonly string[]): ConfigEdit[] {
  return fields.map((field) => (before[field] === undefined ? { path: `${path}.${field}`, remove: true } : { path: `${path}.${field}`, value: before[field] }));
}

/** What the transition rules know beyond the two specs. */
export interface PlanContext {
  /** The day the change is judged on (ISO, UTC). */
  readonly today: string;
  /** How each version was reached, as the last deployment recorded it; undefined offline (unknown). */
  readonly versions?: VersionHistory;
}

/** When an in-place upgrade about to be applied can be rolled back: its completion is not known yet. */
const WINDOW_WHEN = `for ${ROLLBACK_WINDOW_DAYS} days after it completes`;

const nextMinor = (version: string, by: number) => versionFromMinor(minorOf(version) + by);

/** The stack changes that roll back the in-place control-plane upgrade b.version → a.version of cluster `name`. */
function controlPlaneRollbackSteps(path: string, name: string, b: ClusterSpec, a: ClusterSpec): RollbackStep[] {
  const moved = Object.entries(a.nodeGroups).filter(([, g]) => effectiveNodeGroupVersion(a, g) === a.version).map(([groupName]) => groupName);
  const groupPath = (g: string) => `${path}.nodeGroups.${g}.version`;
  const steps: RollbackStep[] = [];
  // A group pinned to a release of the new minor goes back to the pin it had (or none): the old minor refuses the new one's release.
  const releaseBack = (g: string): ConfigEdit[] => {
    const now = a.nodeGroups[g]?.releaseVersion;
    const was = b.nodeGroups[g]?.releaseVersion;
    if (now === undefined || now === was) return [];
    const releasePath = `${path}.nodeGroups.${g}.releaseVersion`;
    return [was === undefined ? { path: releasePath, remove: true } : { path: releasePath, value: was }];
  };
  if (moved.length > 0) {
    steps.push({
      title: `roll node group${moved.length > 1 ? "s" : ""} ${moved.map((g) => `${name}/${g}`).join(", ")} back to ${b.version}`,
      edits: moved.flatMap((g) => [{ path: groupPath(g), value: b.version }, ...releaseBack(g)]),
    });
  }
  steps.push({
    title: `roll control plane ${name} back to ${b.version}`,
    edits: [
      { path: `${path}.version`, value: b.version },
      // The pins of the first step go back to what the groups had before the upgrade.
      ...moved.map((g) => {
        const was = b.nodeGroups[g]?.version;
        return was === undefined ? { path: groupPath(g), remove: true } : { path: groupPath(g), value: was };
      }),
    ],
  });
  return steps;
}

/** How an in-place control-plane upgrade is rolled back, and until when, in one sentence. */
function upgradeNote(name: string, b: ClusterSpec, a: ClusterSpec, steps: readonly RollbackStep[]): string {
  const how = steps.length > 1
    ? `two stack changes, in order: first ${steps[0]!.title} (the control plane stays at ${a.version}), then ${steps[1]!.title}`
    : `one stack change (${steps[0]!.title})`;
  return `EKS can roll the upgrade of ${name} back to ${b.version} for ${ROLLBACK_WINDOW_DAYS} days after it completes, with ${how}; after that it cannot be undone.`;
}

/** Evidence-based refusals and notes of a control-plane rollback (N → N-1) of cluster `name`. */
function controlPlaneRollbackRefusals(path: string, name: string, b: ClusterSpec, a: ClusterSpec, context: PlanContext): Problem[] {
  const refusals: Problem[] = [];
  const versionPath = `${path}.version`;
  for (const [groupName, group] of Object.entries(b.nodeGroups)) {
    if (!(groupName in a.nodeGroups)) continue;
    const groupVersion = effectiveNodeGroupVersion(b, group);
    if (compareVersions(groupVersion, a.version) > 0) {
      refusals.push(refusal("rollback-nodegroups-first", `${path}.nodeGroups.${groupName}.version`, groupVersion,
        `Rolling control plane ${name} back to ${a.version} needs its node groups at ${a.version} first (kubelets may never be newer than the control plane), and node group ${groupName} runs ${groupVersion}.`,
        `Roll the node groups back first, in their own change: keep version "${b.version}" and set nodeGroups.${groupName}.version: "${a.version}", apply it, then set version "${a.version}" in a later change.`));
    }
  }
  const phase = supportPhase(a.version, context.today);
  if (phase === "extended" && a.supportType !== "EXTENDED") {
    refusals.push(refusal("rollback-target-unsupported", versionPath, a.version,
      `Kubernetes ${a.version} is in EKS extended support on ${context.today}, and EKS rolls a cluster back to a version in extended support only under the EXTENDED support policy (supportType is ${a.supportType}).`,
      `Set supportType: EXTENDED on cluster ${name} in its own change first, or fix forward at ${b.version}.`));
  } else if (phase !== "standard" && phase !== "extended") {
    refusals.push(refusal("rollback-target-unsupported", versionPath, a.version,
      `EKS rolls back only to a version it still supports, and Kubernetes ${a.version} is not supported on ${context.today} (${phase}).`,
      `Keep version "${b.version}" and fix forward, or build a cluster at a supported version and shift traffic to it.`));
  }
  const move = context.versions?.[name];
  // No evidence, or a record whose history does not match the version it says was deployed: not known.
  if (move === undefined || move.version !== b.version) return refusals;
  if (move.how === "created") {
    refusals.push(refusal("control-plane-downgrade", versionPath, a.version,
      `Cluster ${name} was created at ${b.version}${move.at ? ` (deployed ${move.at})` : ""}, not upgraded in place; EKS rolls back only an in-place upgrade.`,
      `Keep version "${b.version}"; to run ${a.version}, build a cluster at that version and shift traffic to it.`));
  } else if (move.how === "rolled-back") {
    refusals.push(refusal("control-plane-downgrade", versionPath, a.version,
      `Cluster ${name} was itself rolled back to ${b.version}${move.at ? ` on ${move.at}` : ""}; EKS rolls back only the last in-place upgrade, one minor.`,
      `Keep version "${b.version}"; to run ${a.version}, build a cluster at that version and shift traffic to it.`));
  } else if (move.how === "upgraded" && move.from !== a.version) {
    refusals.push(refusal("control-plane-downgrade", versionPath, a.version,
      `Cluster ${name} was upgraded to ${b.version} from ${move.from ?? "an unrecorded version"}, not from ${a.version}.`,
      `Keep version "${b.version}".`));
  } else {
    const closes = rollbackClosesOn(move);
    if (closes !== undefined && context.today >= closes) {
      refusals.push(refusal("rollback-window-closed", versionPath, a.version,
        `Cluster ${name} was upgraded to ${b.version} on ${move.at}; EKS rolls an upgrade back only within ${ROLLBACK_WINDOW_DAYS} days of its completion, and the window closed on ${closes} (today is ${context.today}).`,
        `Keep version "${b.version}" and fix forward, or build a cluster at ${a.version} and shift traffic to it.`));
    }
  }
  return refusals;
}

/** The line a reviewer reads about a control-plane rollback's window, from what is known. */
function rollbackWindowNote(name: string, from: string, context: PlanContext): string {
  const recorded = context.versions?.[name];
  const move = recorded?.version === from ? recorded : undefined;
  const closes = rollbackClosesOn(move);
  if (closes !== undefined) return `allowed only until ${closes} (${ROLLBACK_WINDOW_DAYS} days after the upgrade deployed on ${move!.at})`;
  if (move?.how === "unknown") return `allowed only within ${ROLLBACK_WINDOW_DAYS} days of the upgrade's completion, and only if ${name} was upgraded in place; the stack's record predates its version history, so EKS checks both`;
  return `allowed only within ${ROLLBACK_WINDOW_DAYS} days of the upgrade's completion, and only if ${name} was upgraded in place; pulumi up checks the stack's record, and EKS checks both`;
}

/**
 * How a control-plane rollback reaches EKS through Pulumi, and the path that does not depend on it.
 * As read on 2026-12-02: @pulumi/aws 7.48.0 (the bridged terraform-provider-aws) updates `version`
 * in place with UpdateClusterVersion; it has no `rollbackConfig` argument (terraform-provider-aws
 * #48751 tracks rollback support), and baton leaves `forceUpdateVersion` unset, so EKS's readiness
 * checks are not overridden. See docs/rollback.md.
 */
export function controlPlaneRollbackPath(name: string, version: string): string {
  return `Through Pulumi, this edit reaches EKS as an in-place UpdateClusterVersion to ${version} with no rollbackConfig (@pulumi/aws 7.48.0 has no such argument) and no force (baton leaves forceUpdateVersion unset), so EKS's rollback-readiness checks decide; this has not run against AWS. `
    + `If EKS or the provider refuses it, roll back outside Pulumi (aws eks update-cluster-version --name <EKS name of ${name}> --kubernetes-version ${version}, or eksctl upgrade cluster --version ${version}), run pulumi refresh, then apply this stack change.`;
}

function planClusters(before: FleetSpec, after: FleetSpec, context: PlanContext): Change[] {
  const changes: Change[] = [];
  const servingBefore = servingClusters(before);
  const servingAfter = servingClusters(after);

  for (const [name, b] of Object.entries(before.clusters)) {
    const path = configPath(["clusters", name]);
    const a = after.clusters[name];
    if (!a) {
      const refusals = servingBefore.has(name)
        ? [refusal("decommission-weighted-cluster", path, undefined,
            `Cluster ${name} still has traffic in the current spec; a change that routes traffic away from a cluster must not also delete it.`,
            `First set ${name}'s weights to 0 in one change and apply it; remove the cluster in a later change.`)]
        : [];
      changes.push({
        kind: "decommission", subject: `cluster ${name}`, path, fields: [], before: b, irreversible: true, refusals,
        summary: `delete cluster ${name} (Kubernetes ${b.version}) and its ${Object.keys(b.nodeGroups).length} node group(s)`,
        rollback: { edits: [{ path, value: b }], takesEffect: "a new cluster build (about 15 minutes), then redeploying workloads", note: `Deleting ${name} cannot be undone: re-adding the block builds a new, empty cluster.` },
      });
      continue;
    }

    const replaceReason = clusterReplacementReason(before, after, name);
    if (replaceReason) {
      const weighted = servingBefore.has(name) || servingAfter.has(name);
      changes.push({
        kind: "decommission", subject: `cluster ${name}`, path, fields: ["(replacement)"], before: b, after: a, irreversible: true,
        summary: `replace cluster ${name}: ${replaceReason}`,
        refusals: weighted
          ? [refusal("replace-weighted-cluster", path, undefined,
              `Cluster ${name} has traffic, and this change would replace it (${replaceReason}).`,
              `Build a new cluster under another name, shift ${name}'s traffic to it, and remove ${name} in a later change.`)]
          : [],
        rollback: { edits: [], takesEffect: "not applicable", note: "A replaced cluster cannot be restored; its workloads and state are gone." },
      });
    }

    const step = compareVersions(a.version, b.version);
    if (step === -1) {
      const refusals = controlPlaneRollbackRefusals(path, name, b, a, context);
      changes.push({
        kind: "control-plane-upgrade", subject: `cluster ${name}`, path: `${path}.version`, fields: ["version"],
        before: b.version, after: a.version, irreversible: false, refusals,
        summary: `roll control plane ${name} back from Kubernetes ${b.version} to ${a.version} (EKS version rollback; its add-ons stay as they are unless pinned): ${rollbackWindowNote(name, b.version, context)}`,
        notes: [controlPlaneRollbackPath(name, a.version)],
        rollback: {
          edits: [{ path: `${path}.version`, value: b.version }],
          takesEffect: "an in-place control-plane upgrade (tens of minutes)",
          note: `Upgrade ${name} to ${b.version} again (its node groups stay at ${a.version} until you move them).`,
        },
      });
    } else if (step !== 0) {
      const refusals: Problem[] = [];
      if (step < 0) {
        refusals.push(refusal("control-plane-downgrade", `${path}.version`, a.version,
          `EKS rolls a control plane back one minor only, within ${ROLLBACK_WINDOW_DAYS} days of an in-place upgrade (${b.version} → ${a.version} moves ${-step} minors).`,
          `Roll back one minor at a time ("${nextMinor(b.version, -1)}", node groups first) within the window; to run ${a.version}, build a cluster at that version and shift traffic to it.`));
      } else if (step > 1) {
        refusals.push(refusal("control-plane-skip-minor", `${path}.version`, a.version,
          `A control plane moves up one minor at a time (${b.version} → ${a.version} skips ${step - 1}).`,
          `Set version to "${nextMinor(b.version, 1)}" in this change and go on in later ones, or build a new cluster at ${a.version} and migrate traffic.`));
      }
      for (const [groupName, group] of Object.entries(b.nodeGroups)) {
        if (!(groupName in a.nodeGroups) || step <= 0) continue;
        const groupVersion = effectiveNodeGroupVersion(b, group);
        if (groupVersion !== b.version) {
          refusals.push(refusal("control-plane-nodegroups-behind", `${path}.nodeGroups.${groupName}.version`, groupVersion,
            `Node group ${groupName} runs ${groupVersion}; before the control plane moves past ${b.version}, its node groups must run ${b.version}.`,
            `Upgrade ${groupName} to "${b.version}" (or remove its pin) in its own change first.`));
        }
      }
      const steps = step === 1 ? controlPlaneRollbackSteps(path, name, b, a) : undefined;
      changes.push({
        kind: "control-plane-upgrade", subject: `cluster ${name}`, path: `${path}.version`, fields: ["version"],
        before: b.version, after: a.version, irreversible: true, refusals,
        summary: `${step > 0 ? "upgrade" : "downgrade"} control plane ${name} from Kubernetes ${b.version} to ${a.version}; its add-ons follow`,
        rollback: steps
          ? timeBoxedRollback(after, before, name, upgradeNote(name, b, a, steps), { steps, windowDays: ROLLBACK_WINDOW_DAYS, when: WINDOW_WHEN })
          : trafficRollback(after, before, name, `The control-plane change of ${name}`),
      });
    }

    const configFields = changedFields(b, a, CLUSTER_CONFIG_FIELDS);
    if (configFields.length > 0) {
      changes.push({
        kind: "config-change", subject: `cluster ${name}`, path, fields: configFields, irreversible: false, refusals: [],
        before: pick(b, configFields),
        after: pick(a, configFields),
        summary: `update cluster ${name}: ${configFields.join(", ")}`,
        rollback: { edits: revertFields(path, b as Record<string, unknown>, configFields), takesEffect: "an in-place cluster update (minutes)", note: "Revert these fields." },
      });
    }
    changes.push(...planNodeGroups(before, after, name, b, a, servingAfter.has(name)));
  }

  for (const [name, a] of Object.entries(after.clusters)) {
    if (name in before.clusters) continue;
    const path = configPath(["clusters", name]);
    const refusals = servingAfter.has(name)
      ? [refusal("new-cluster-weighted", path, undefined,
          `Cluster ${name} is created in this change and given traffic in the same change; its pods and target registrations do not exist yet.`,
          `Add ${name} with weight 0, apply, deploy and check its workloads, then shift traffic in a later change.`)]
      : [];
    changes.push({
      kind: "create", subject: `cluster ${name}`, path, fields: [], after: a, irreversible: false, refusals,
      summary: `create cluster ${name} (Kubernetes ${a.version}) with ${Object.keys(a.nodeGroups).length} node group(s)`,
      rollback: { edits: [{ path, remove: true }], takesEffect: "a cluster deletion (about 10 minutes)", note: `Remove ${name} again while it serves no traffic.` },
    });
  }
  return changes;
}

function planNodeGroups(before: FleetSpec, after: FleetSpec, clusterName: string, b: ClusterSpec, a: ClusterSpec, serving: boolean): Change[] {
  const changes: Change[] = [];
  for (const [name, bg] of Object.entries(b.nodeGroups)) {
    const path = configPath(["clusters", clusterName, "nodeGroups", name]);
    const subject = `node group ${clusterName}/${name}`;
    const ag = a.nodeGroups[name];
    if (!ag) {
      const refusals = serving && !bg.retiring
        ? [refusal("nodegroup-remove-unretired", path, undefined,
            `Node group ${name} is removed from ${clusterName}, which serves traffic, without first being marked retiring; its pods would be evicted with nowhere prepared to go.`,
            `Add the replacement group, set retiring: true on ${name} and apply; remove ${name} in a later change.`)]
        : [];
      changes.push({
        kind: "decommission", subject, path, fields: [], before: bg, irreversible: false, refusals,
        summary: `delete node group ${clusterName}/${name} (${bg.scaling.desired} nodes drained)`,
        rollback: { edits: [{ path, value: bg }], takesEffect: "a new node group (about 5 minutes)", note: "Re-adding the block creates a new group with new nodes." },
      });
      continue;
    }
    const bv = effectiveNodeGroupVersion(b, bg);
    const av = effectiveNodeGroupVersion(a, ag);
    const replaceFields = changedFields(bg, ag, NODE_GROUP_REPLACE_FIELDS);
    if (replaceFields.length > 0) {
      changes.push({
        kind: "node-group-replacement", subject, path, fields: replaceFields, irreversible: false, refusals: [],
        before: pick(bg, replaceFields), after: pick(ag, replaceFields),
        summary: `replace node group ${clusterName}/${name} (${replaceFields.join(", ")} cannot change in place): the new group is created before the old one is drained`,
        rollback: { edits: revertFields(path, bg as Record<string, unknown>, replaceFields), takesEffect: "another replacement (new nodes, then a drain of these)", note: "Reverting replaces the group again." },
      });
    }
    const release = replaceFields.length === 0 ? releaseMove(bg, ag) : undefined;
    const rollFields = [...changedFields(bg, ag, NODE_GROUP_ROLL_FIELDS), ...(release === "roll" ? ["releaseVersion"] : [])];
    if (bv !== av || (rollFields.length > 0 && replaceFields.length === 0)) {
      const refusals: Problem[] = [];
      const down = compareVersions(av, bv);
      const rollingBack = down === -1 && (a.version === bv || a.version === av);
      if (down < -1) {
        refusals.push(refusal("nodegroup-downgrade", `${path}.version`, av,
          `A managed node group rolls back one minor only (${bv} → ${av} moves ${-down}).`,
          `Roll it back to "${nextMinor(bv, -1)}" at most; to run older nodes, add a new group at ${av} and retire this one.`));
      } else if (down === -1 && !rollingBack) {
        refusals.push(refusal("nodegroup-downgrade", `${path}.version`, av,
          `A node group goes back ${bv} → ${av} only as part of rolling back its cluster's upgrade, while the control plane runs ${bv} or ${av}; control plane ${clusterName} runs ${a.version}.`,
          `Keep the group at ${bv}; to run older nodes, add a new group at ${av} and retire this one.`));
      }
      const olderRelease = release === "roll" && bg.releaseVersion !== undefined && bg.amiType === ag.amiType
        && (compareReleases(amiFamily(ag.amiType), ag.releaseVersion!, bg.releaseVersion) ?? 0) < 0;
      if (olderRelease) {
        refusals.push(refusal("nodegroup-release-downgrade", `${path}.releaseVersion`, ag.releaseVersion,
          `EKS cannot move a managed node group to an earlier AMI release (${bg.releaseVersion} → ${ag.releaseVersion}); UpdateNodegroupVersion refuses it (EKS API reference, read 2026-12-02).`,
          `Keep releaseVersion "${bg.releaseVersion}" or pin a newer one; to run the older release, add a new group pinned at ${ag.releaseVersion} and retire this one.`));
      }
      const update = effectiveUpdateConfig(ag);
      const batches = rollBatches(update, ag.scaling.desired);
      // Unpinned in the change that moves the version: the roll takes EKS's latest release of the new minor.
      const unpinned = release === "unpin" && bv !== av;
      const fields = bv !== av ? ["version", ...rollFields, ...(unpinned ? ["releaseVersion"] : [])] : rollFields;
      const versionPath = `${path}.version`;
      // Going back to the old version takes the old release pin with it: a pin of the new minor would be refused there.
      const releasePath = `${path}.releaseVersion`;
      const releaseBack: ConfigEdit[] = bv !== av && ag.releaseVersion !== undefined && ag.releaseVersion !== bg.releaseVersion
        ? [bg.releaseVersion === undefined ? { path: releasePath, remove: true } : { path: releasePath, value: bg.releaseVersion }]
        : [];
      // An in-place node version upgrade (not one that moves with its control plane in this change).
      const upgradeAlone = down === 1 && a.version === b.version;
      const movesWithControlPlane = down === 1 && a.version !== b.version;
      // A first pin of the release the nodes already run changes nothing in AWS; offline, baton cannot know which they run.
      const releaseWords = unpinned ? `AMI release pin ${bg.releaseVersion} removed: EKS takes the latest ${av} release`
        : release !== "roll" ? undefined : bg.releaseVersion !== undefined
        ? `AMI release ${bg.releaseVersion} → ${ag.releaseVersion}`
        : `AMI release as EKS picked it → ${ag.releaseVersion}; no roll if the nodes already run it`;
      const shown = bv !== av
        ? ` from ${bv} to ${av}${releaseWords ? ` (${releaseWords})` : ""}`
        : ` (${rollFields.map((f) => (f === "releaseVersion" ? releaseWords : f)).join(", ")})`;
      const forced = ag.forceUpdateVersion === true;
      // EKS cannot take a group back to an earlier AMI release of its minor.
      const releaseOnlyRoll = bv === av && release === "roll";
      let rollback: Rollback;
      if (releaseOnlyRoll) {
        rollback = releaseRollback(trafficRollback(after, before, clusterName, `The AMI release roll of ${clusterName}/${name}`), bg.releaseVersion, `${clusterName}/${name}`);
      } else if (bv === av) {
        rollback = { edits: revertFields(path, bg as Record<string, unknown>, rollFields), takesEffect: `another roll (${batches} batch(es))`, note: "Reverting rolls the nodes again." };
      } else if (rollingBack) {
        rollback = { edits: [{ path: versionPath, value: bv }, ...releaseBack], takesEffect: `another roll (${batches} batch(es))`, note: `Upgrade the group to ${bv} again (another roll of its nodes).` };
      } else if (upgradeAlone) {
        const steps: RollbackStep[] = [{ title: `roll node group ${clusterName}/${name} back to ${bv}`, edits: [{ path: versionPath, value: bv }, ...releaseBack] }];
        rollback = timeBoxedRollback(after, before, clusterName,
          `The node version upgrade of ${clusterName}/${name} can be rolled back with one stack change (version: "${bv}": another roll of ${ag.scaling.desired} nodes in ${batches} batch(es)) while control plane ${clusterName} runs ${a.version} or ${bv}.`,
          { steps, when: `while control plane ${clusterName} runs ${a.version} or ${bv}` });
      } else if (movesWithControlPlane) {
        rollback = timeBoxedRollback(after, before, clusterName,
          `Rolled back with control plane ${clusterName}, for ${ROLLBACK_WINDOW_DAYS} days after the upgrade completes: the node groups first, in their own change (version: "${bv}"), then the control plane; after that it cannot be undone.`,
          { steps: controlPlaneRollbackSteps(configPath(["clusters", clusterName]), clusterName, b, a), windowDays: ROLLBACK_WINDOW_DAYS, when: WINDOW_WHEN });
      } else {
        rollback = trafficRollback(after, before, clusterName, `The node version change of ${clusterName}/${name}`);
      }
      changes.push({
        kind: "node-group-roll", subject, path, fields, irreversible: (bv !== av && !rollingBack) || releaseOnlyRoll, refusals,
        ...(rollingBack ? { notes: [`Through Pulumi, this edit reaches EKS as UpdateNodegroupVersion to ${av} (not run against AWS). EKS's rollback guide rolls managed node groups back that way, while its API reference still says a node group cannot go back to an earlier Kubernetes version (both as read 2026-12-02): if EKS refuses, add a node group at ${av} and retire this one.`] } : {}),
        before: bv !== av ? bv : pick(bg, rollFields),
        after: av !== bv ? av : pick(ag, rollFields),
        summary: `${rollingBack ? "roll back" : "roll"} node group ${clusterName}/${name}${shown}: ${ag.scaling.desired} nodes in ${batches} batch(es)${forced ? "; forceUpdateVersion: pods are evicted even where a PodDisruptionBudget forbids it" : ""}`,
        rollback,
        ...(release === "roll" ? { release: { ...(bg.releaseVersion !== undefined ? { from: bg.releaseVersion } : {}), to: ag.releaseVersion! } } : {}),
        ...(forced ? { forced } : {}),
      });
    }
    if (release === "unpin" && bv === av) {
      changes.push({
        kind: "config-change", subject, path: `${path}.releaseVersion`, fields: ["releaseVersion"], irreversible: false, refusals: [],
        before: bg.releaseVersion, after: undefined,
        summary: `unpin the AMI release of node group ${clusterName}/${name}: its nodes stay on ${bg.releaseVersion} (nothing rolls); EKS picks the latest release at the next version bump`,
        rollback: { edits: [{ path: `${path}.releaseVersion`, value: bg.releaseVersion }], takesEffect: "nothing to roll (the nodes run that release)", note: "Pin the release again." },
      });
    }
    // A desired-only edit changes nothing on a running group: it gets its own word and nothing to undo.
    const sizeOnly = desiredOnly(bg, ag);
    const configFields = changedFields(bg, ag, NODE_GROUP_CONFIG_FIELDS).filter((f) => !(sizeOnly && f === "scaling"));
    if (configFields.length > 0) {
      const bounds = configFields.includes("scaling")
        ? ` (scaling ${formatScaling(bg.scaling)} → ${formatScaling(ag.scaling)}: EKS gets min, max and a desired size, the group's live size clamped into [${ag.scaling.min}, ${ag.scaling.max}] as read at deploy time; scaling.desired counts at creation only)`
        : "";
      changes.push({
        kind: "config-change", subject, path, fields: configFields, irreversible: false, refusals: [],
        before: pick(bg, configFields), after: pick(ag, configFields),
        summary: `update node group ${clusterName}/${name}: ${configFields.join(", ")}${ag.retiring && !bg.retiring ? " (retiring: tainted NoSchedule)" : ""}${bounds}`,
        rollback: { edits: revertFields(path, bg as Record<string, unknown>, configFields), takesEffect: "an in-place node group update (no nodes replaced)", note: "Revert these fields." },
      });
    }
    if (sizeOnly) {
      changes.push({
        kind: "config-change", subject, path: `${path}.scaling.desired`, fields: ["scaling.desired"], irreversible: false, refusals: [],
        before: bg.scaling.desired, after: ag.scaling.desired,
        summary: `no change to node group ${clusterName}/${name}: scaling.desired ${bg.scaling.desired} → ${ag.scaling.desired} is the size at creation only; a running group's size belongs to the cluster autoscaler (or whoever scales it), and pulumi up sends nothing for it. To resize now, move min or max (the live size is clamped into them), or scale the group yourself`,
        rollback: { edits: [], takesEffect: "not applicable", note: "Nothing to undo: pulumi up changes nothing in AWS for this edit." },
      });
    }
  }
  for (const [name, ag] of Object.entries(a.nodeGroups)) {
    if (name in b.nodeGroups) continue;
    const path = configPath(["clusters", clusterName, "nodeGroups", name]);
    changes.push({
      kind: "create", subject: `node group ${clusterName}/${name}`, path, fields: [], after: ag, irreversible: false, refusals: [],
      summary: `create node group ${clusterName}/${name} (${ag.scaling.desired} × ${ag.instanceTypes.join("/")})`,
      rollback: { edits: [{ path, remove: true }], takesEffect: "a node group deletion (drains its nodes)", note: "Remove the group again." },
    });
  }
  return changes;
}

/**
 * A release-only roll with no traffic to move away: the way back is node group blue/green (a new
 * group on the old release), which says more than "build a cluster".
 */
function releaseRollback(rollback: Rollback, oldRelease: string | undefined, group: string): Rollback {
  if (rollback.edits.length > 0) return rollback;
  return {
    ...rollback,
    note: `EKS cannot take ${group} back to an earlier AMI release; to run ${oldRelease ?? "the release it ran"} again, add a node group pinned to it next to this one and retire this one.`,
  };
}

const formatScaling = (s: NodeGroupSpec["scaling"]) => `{ min: ${s.min}, desired: ${s.desired}, max: ${s.max} }`;

/** A scaling change that moves only `desired`, which the node group ignores after creation. */
function desiredOnly(before: NodeGroupSpec, after: NodeGroupSpec): boolean {
  return before.scaling.desired !== after.scaling.desired && before.scaling.min === after.scaling.min && before.scaling.max === after.scaling.max;
}

const SERVICE_CONFIG_FIELDS = ["namespace", "serviceName", "port", "targetPort", "routing", "gates"] as const;

function planServices(before: FleetSpec, after: FleetSpec): Change[] {
  const changes: Change[] = [];
  for (const [name, b] of Object.entries(before.services)) {
    const path = configPath(["services", name]);
    const a = after.services[name];
    if (!a) {
      changes.push({
        kind: "decommission", subject: `service ${name}`, path, fields: [], before: b, irreversible: false, refusals: [],
        summary: `stop routing service ${name} (its listener rule or records and target groups are deleted)`,
        rollback: { edits: [{ path, value: b }], takesEffect: weightChangeSpeed(b), note: "Re-adding the block restores the routing." },
      });
      continue;
    }
    if (!isEqual(b.weights, a.weights)) {
      changes.push({
        kind: "traffic-shift", subject: `service ${name}`, path: `${path}.weights`, fields: ["weights"],
        before: b.weights, after: a.weights, irreversible: false, refusals: [],
        summary: `shift ${name}: ${formatWeights(b.weights)} → ${formatWeights(a.weights)}`,
        rollback: { edits: [{ path: `${path}.weights`, value: b.weights }], takesEffect: weightChangeSpeed(a), note: `Set ${name}'s weights back.` },
      });
    }
    const routingBlock = (s: ServiceSpec) => (s.routing === "alb" ? s.alb : s.route53);
    const fields = [
      ...changedFields(b, a, SERVICE_CONFIG_FIELDS),
      ...(b.routing === a.routing && !isEqual(routingBlock(b), routingBlock(a)) ? [b.routing] : []),
    ];
    if (fields.length > 0) {
      changes.push({
        kind: "config-change", subject: `service ${name}`, path, fields, irreversible: false,
        refusals: checkServingPathReplacements(before, after, name),
        summary: `update service ${name}: ${fields.join(", ")}`,
        rollback: { edits: revertFields(path, b as unknown as Record<string, unknown>, fields), takesEffect: weightChangeSpeed(b), note: "Revert these fields." },
      });
    }
  }
  for (const [name, a] of Object.entries(after.services)) {
    if (name in before.services) continue;
    const path = configPath(["services", name]);
    changes.push({
      kind: "create", subject: `service ${name}`, path, fields: [], after: a, irreversible: false, refusals: [],
      summary: `start routing service ${name} (${a.routing}) to ${formatWeights(a.weights)}`,
      rollback: { edits: [{ path, remove: true }], takesEffect: weightChangeSpeed(a), note: "Remove the service block again." },
    });
  }
  return changes;
}

/** Classifies every change from `before` to `after` (both valid) and applies the transition rules. */
export function planChanges(before: FleetSpec, after: FleetSpec, context: Partial<PlanContext> = {}): Change[] {
  const full: PlanContext = { today: context.today ?? isoDate(new Date()), ...(context.versions !== undefined ? { versions: context.versions } : {}) };
  return [...planServices(before, after), ...planClusters(before, after, full)];
}

export interface PlanOptions extends ValidateOptions {
  /** The proposed stack config's `baton:override` (raw): refusals it names become warnings (see overrides.ts). */
  readonly overrides?: unknown;
  /**
   * How each version was reached, as the stack's last deployment recorded it: the evidence a
   * control-plane rollback is judged on (created at N: refused; upgraded on a day: the 7-day
   * window). Undefined (offline): not known, and the rollback's note says what EKS requires.
   */
  readonly versions?: VersionHistory;
}

/**
 * Plans a transition between two raw specs (as read from stack files): validates both, classifies
 * every change, and refuses any that breaks a rule. The change is judged, not the calendar: a
 * problem the current spec already has and the proposed one does not make worse (a version that
 * has since left EKS support, a rule added since it was deployed) is a warning on the current
 * state, so the change that fixes it (the upgrade, moving traffic away) is allowed. A refusal the
 * proposed config's `baton:override` names is a warning that carries its reason.
 */
export function plan(beforeInput: unknown, afterInput: unknown, options: PlanOptions = {}): Plan {
  const today = options.today === undefined ? {} : { today: options.today };
  const before = validateFleet(beforeInput, today);
  const after = validateFleet(afterInput, { ...today, deployed: beforeInput });
  // A current spec that does not even parse cannot be diffed: that stays an error.
  const unreadable = before.fleet === undefined
    ? before.problems.filter((p) => p.severity === "error").map((p) => ({ ...p, message: `(current spec) ${p.message}` }))
    : [];
  const context = { ...(options.today !== undefined ? { today: options.today } : {}), ...(options.versions !== undefined ? { versions: options.versions } : {}) };
  const judged = applyOverrides(before.fleet && after.fleet ? planChanges(before.fleet, after.fleet, context) : [], options.overrides);
  const changes = judged.items;
  const problems = [...unreadable, ...after.problems, ...judged.problems, ...judged.overridden];
  const refusals = changes.flatMap((c) => c.refusals);
  const blocking = [...errorsOf(problems), ...refusals];
  return {
    allowed: before.fleet !== undefined && after.ok && blocking.length === 0,
    changes,
    problems,
    refusedRules: [...new Set(blocking.map((p) => p.rule))],
  };
}

/**
 * Every change's rollback edits, in order, the traffic escapes of irreversible steps included, so
 * a key can appear more than once. The edit a reviewer applies is `planRollbackSteps` (rollback.ts).
 */
export function planRollback(planned: Plan): ConfigEdit[] {
  return planned.changes.flatMap((c) => c.rollback.edits);
}
