/**
 * The review: everything the comment, text and JSON outputs show, built once from a change list
 * (an offline capture diff or a real preview) and, when known, the fleet specs before and after.
 * The verdict, rollbacks and roll sizes come from the fleet model layer; nothing here re-decides a rule.
 */
import { DEFAULT_ASSUMPTIONS } from "../upgrade/assumptions.js";
import { rollMinutes } from "../upgrade/estimate.js";
import { pinnedAddonVersion } from "../fleet/addon-versions.js";
import { eksClusterName } from "../fleet/names.js";
import { effectiveUpdateConfig, nodesPerBatch, rollBatches, rollSurgeNodes } from "../fleet/nodegroups.js";
import { judgeChange } from "../fleet/judge.js";
import type { Change, ConfigEdit, Plan, RollbackStep } from "../fleet/plan.js";
import type { VersionHistory } from "../fleet/version-history.js";
import { planRollbackSteps, type Escape, type TakesEffect } from "../fleet/rollback.js";
import { errorsOf, type Problem } from "../fleet/problems.js";
import type { FleetSpec, ServiceSpec } from "../fleet/types.js";
import { checkReadinessGateOnExistingNamespaces } from "../fleet/rules/readiness-gate.js";
import { sameValue } from "../fleet/same-value.js";
import { shares, weightChangeSpeed } from "../fleet/traffic.js";
import { emptiedFleet, planRemoval } from "../fleet/stack-set.js";
import { validateFleet, type ValidateOptions } from "../fleet/validate.js";
import type { ResourceChange } from "./model.js";
import { trafficFromChanges } from "./traffic-from-changes.js";

export interface TrafficRow {
  /** A cluster name, or the target group / record set identifier when only the preview is known. */
  readonly target: string;
  readonly before?: number;
  readonly after?: number;
  /** 0–1. */
  readonly shareBefore?: number;
  readonly shareAfter?: number;
}

export interface ServiceTraffic {
  readonly service: string;
  readonly routing: "alb" | "route53";
  readonly changed: boolean;
  readonly rows: readonly TrafficRow[];
  /** How fast the new weights reach clients. */
  readonly takesEffect: string;
}

export interface NodeGroupRoll {
  readonly subject: string;
  /** What starts the roll (a version, a launch template field). */
  readonly cause: string;
  readonly nodes: number;
  readonly perBatch: number;
  readonly batches: number;
  /** Nodes EKS adds before draining (its scale-up phase), an upper bound. */
  readonly surge: number;
  /** The estimate of the roll (`upgrade-plan`'s, with its default assumptions): typical, and every drain at EKS's 15-minute limit. */
  readonly minutes: number;
  readonly upperBoundMinutes: number;
  /** `forceUpdateVersion`: pods are evicted even where a PodDisruptionBudget forbids it. */
  readonly forced?: boolean;
}

/**
 * Offline, what an add-on version the mock runtime made up stands in for: the version the stack
 * runs (`as-deployed`, unknown offline), the version EKS names as default for `kubernetes`
 * (`eks-default`, looked up at `pulumi up`), or `unknown` when there is no fleet config to tell.
 */
export type AddonStandIn =
  | { readonly kind: "as-deployed" }
  | { readonly kind: "eks-default"; readonly kubernetes: string }
  | { readonly kind: "unknown" };

/** An EKS add-on whose version changes. */
export interface AddonMove {
  /** The EKS cluster name. */
  readonly cluster: string;
  /** The EKS add-on name, e.g. `vpc-cni`. */
  readonly addon: string;
  /** As captured. Offline, a version no pin names is a stand-in: see `fromStandIn` and `toStandIn`. */
  readonly from: string;
  readonly to: string;
  /** Set when `from` is the offline mocks' stand-in, not a real version. */
  readonly fromStandIn?: AddonStandIn;
  /** Set when `to` is the offline mocks' stand-in, not a real version. */
  readonly toStandIn?: AddonStandIn;
}

export interface IrreversibleStep {
  readonly subject: string;
  readonly summary: string;
  /** What a rollback can and cannot do about it. */
  readonly note: string;
}

/** A version upgrade EKS can roll back in place for a while, with the ordered stack changes that do it. */
export interface RollbackWindow {
  /** The changes it covers, e.g. a control plane's upgrade and its node groups' roll. */
  readonly subjects: readonly string[];
  readonly summaries: readonly string[];
  /** Until when, e.g. `for 7 days after it completes`. */
  readonly when: string;
  /** The stack changes, in order, each applied before the next. */
  readonly steps: readonly RollbackStep[];
  /** True when after `when` it cannot be undone (EKS's window); false for a roll without one. */
  readonly closes: boolean;
}

/** A change a reviewer must read more about than its summary (a version rollback: how it reaches EKS). */
export interface ChangeNote {
  readonly summary: string;
  readonly notes: readonly string[];
}

export interface Verdict {
  readonly allowed: boolean;
  readonly refusedRules: readonly string[];
  /** Refusals and validation errors, each with its path, rule and fix. */
  readonly blocking: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** Where the verdict came from, for the reader. */
  readonly basis: string;
}

export interface Review {
  readonly offline: boolean;
  /** What was previewed, e.g. `stacks/Pulumi.b.yaml (base: stacks/Pulumi.a.yaml)`. */
  readonly subject: string;
  /** Undefined when no fleet config was given (a preview of any Pulumi program). */
  readonly verdict?: Verdict;
  readonly plan?: Plan;
  readonly traffic: readonly ServiceTraffic[];
  readonly irreversible: readonly IrreversibleStep[];
  /** Version upgrades EKS can roll back in place, and how: not in `irreversible`. */
  readonly rollbackWindows: readonly RollbackWindow[];
  /** Changes with notes beyond their summary (version rollbacks). */
  readonly notes: readonly ChangeNote[];
  readonly rolls: readonly NodeGroupRoll[];
  /** Add-on version moves: only a version bump or a changed pin should cause one. */
  readonly addons: readonly AddonMove[];
  readonly changes: readonly ResourceChange[];
  readonly rollback: {
    /** Undoes every reversible change, each config path once. */
    readonly edits: readonly ConfigEdit[];
    readonly takesEffect: readonly TakesEffect[];
    /** For steps no config edit undoes: what to do if they misbehave. */
    readonly escapes: readonly Escape[];
    /** When baton cannot name the edit (no fleet configs). */
    readonly notes: readonly string[];
  };
}

export interface ReviewInput {
  readonly offline: boolean;
  readonly subject: string;
  readonly changes: readonly ResourceChange[];
  /** The raw `baton:fleet` as deployed (the base), when known. */
  readonly before?: unknown;
  /** The raw `baton:fleet` proposed (the head), when known. */
  readonly after?: unknown;
  readonly validate?: ValidateOptions;
  /** How each version was reached, from the last deployment's record (`--record`): dates a rollback's window. */
  readonly versions?: VersionHistory;
  /**
   * The head has no file for this stack: it is removed from the fleet of stacks, and `before` is
   * judged as the removal of everything in it (see the spec's `planRemoval`).
   */
  readonly removed?: boolean;
  /** The proposed config's `baton:override` (raw): refusals it names are warnings, as under `pulumi up`. */
  readonly overrides?: unknown;
}

export function buildReview(input: ReviewInput): Review {
  if (input.removed) return buildRemovalReview(input);
  const { offline, subject, changes } = input;
  // The verdict `pulumi up` reaches on the same configs: the change from the base, or the head alone.
  const judgement = input.after === undefined ? undefined : judgeChange(
    input.before !== undefined ? { fleet: input.before, source: "the base config", ...(input.versions !== undefined ? { versions: input.versions } : {}) } : undefined, input.after,
    { ...input.validate, ...(input.overrides !== undefined ? { overrides: input.overrides } : {}) },
  );
  const afterFleet = judgement?.fleet;
  const planned = judgement?.plan;
  const beforeFleet = planned && input.before !== undefined ? validateFleet(input.before, input.validate).fleet : undefined;

  // Namespaces baton does not create carry no readiness-gate label of baton's: said once, when a binding into one is new.
  const gateWarnings = afterFleet ? checkReadinessGateOnExistingNamespaces(afterFleet, beforeFleet) : [];
  let verdict: Verdict | undefined;
  if (planned) {
    verdict = {
      allowed: planned.allowed, refusedRules: planned.refusedRules,
      blocking: [...errorsOf(planned.problems), ...planned.changes.flatMap((c) => c.refusals)],
      warnings: [...planned.problems.filter((p) => p.severity === "warning"), ...gateWarnings],
      basis: "baton plan (base → head)",
    };
  } else if (judgement) {
    const errors = errorsOf(judgement.problems);
    verdict = {
      allowed: judgement.ok, refusedRules: [...new Set(errors.map((p) => p.rule))], blocking: errors,
      warnings: [...judgement.problems.filter((p) => p.severity === "warning"), ...gateWarnings],
      basis: "baton validate (no base config: only the proposed config is checked)",
    };
  }

  // Without the deployed config, a real preview's own old and new states say how weights move; the
  // proposed config alone would show every weight as new.
  const traffic = afterFleet && (beforeFleet || offline) ? trafficFromSpecs(beforeFleet, afterFleet) : trafficFromChanges(changes);
  const rollback = planned ? rollbackOf(planned) : {
    edits: [], takesEffect: [], escapes: [],
    notes: ["Revert this change and preview again; without the fleet configs baton cannot name the exact edit."],
  };
  return {
    offline, subject, ...(verdict ? { verdict } : {}), ...(planned ? { plan: planned } : {}),
    traffic,
    irreversible: planned ? irreversibleFromPlan(planned) : irreversibleFromChanges(changes),
    rollbackWindows: planned ? rollbackWindowsOf(planned) : [],
    notes: planned ? notesOf(planned) : [],
    rolls: planned && afterFleet ? rollsFromPlan(planned, afterFleet) : rollsFromChanges(changes),
    addons: offline ? markStandIns(addonMoves(changes), beforeFleet, afterFleet) : addonMoves(changes),
    changes, rollback,
  };
}

function trafficRows(before: Record<string, number> | undefined, after: Record<string, number> | undefined): TrafficRow[] {
  const shareBefore = before ? shares(before) : {};
  const shareAfter = after ? shares(after) : {};
  const targets = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return targets.map((target) => ({
    target,
    ...(before?.[target] !== undefined ? { before: before[target], shareBefore: shareBefore[target] } : {}),
    ...(after?.[target] !== undefined ? { after: after[target], shareAfter: shareAfter[target] } : {}),
  }));
}

function trafficFromSpecs(before: FleetSpec | undefined, after: FleetSpec): ServiceTraffic[] {
  const names = [...new Set([...Object.keys(after.services), ...Object.keys(before?.services ?? {})])];
  return names.map((service) => {
    const a: ServiceSpec | undefined = after.services[service];
    const b: ServiceSpec | undefined = before?.services[service];
    const routing = (a ?? b)!.routing;
    return {
      service, routing,
      changed: !sameValue(a?.weights, b?.weights),
      rows: trafficRows(b?.weights, a?.weights),
      takesEffect: weightChangeSpeed((a ?? b)!),
    };
  });
}

function irreversibleFromPlan(planned: Plan): IrreversibleStep[] {
  return planned.changes.filter((c) => c.irreversible && c.rollback.timeBoxed === undefined).map((c) => ({ subject: c.subject, summary: c.summary, note: c.rollback.note }));
}

/** The in-place version upgrades EKS can roll back, one entry per distinct set of stack changes. */
function rollbackWindowsOf(planned: Plan): RollbackWindow[] {
  const windows = new Map<string, { subjects: string[]; summaries: string[]; when: string; steps: readonly RollbackStep[]; closes: boolean }>();
  for (const change of planned.changes) {
    const box = change.rollback.timeBoxed;
    if (box === undefined) continue;
    const key = JSON.stringify(box.steps);
    const entry = windows.get(key) ?? { subjects: [], summaries: [], when: box.when, steps: box.steps, closes: box.windowDays !== undefined };
    entry.subjects.push(change.subject);
    entry.summaries.push(change.summary);
    windows.set(key, entry);
  }
  return [...windows.values()];
}

function notesOf(planned: Plan): ChangeNote[] {
  return planned.changes.filter((c) => (c.notes ?? []).length > 0).map((c) => ({ summary: c.summary, notes: c.notes! }));
}

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/** Without the specs, the steps no config edit undoes are read off the resources themselves. */
function irreversibleFromChanges(changes: readonly ResourceChange[]): IrreversibleStep[] {
  const steps: IrreversibleStep[] = [];
  for (const change of changes) {
    if (change.type !== EKS_CLUSTER) continue;
    const versionChanged = change.paths.includes("version");
    if (change.op === "delete" || change.op === "replace") {
      steps.push({ subject: `EKS cluster ${change.name}`, summary: `${change.op === "delete" ? "delete" : "replace"} EKS cluster ${change.name}`, note: "A deleted cluster cannot be restored; its workloads and state are gone." });
    } else if (versionChanged) {
      steps.push({
        subject: `EKS cluster ${change.name}`,
        summary: `upgrade the control plane of ${change.name} from Kubernetes ${String(change.before?.["version"] ?? "?")} to ${String(change.after?.["version"] ?? "?")}`,
        note: "If it is an in-place upgrade, EKS can roll it back for 7 days after it completes (node groups first, then the control plane, each its own change); after that it cannot be undone, and moving traffic to another cluster is the way back.",
      });
    }
  }
  return steps;
}

const EKS_ADDON = "aws:eks/addon:Addon";

/** Add-ons whose version changes, read off the resources (the same for an offline diff and a real preview). */
function addonMoves(changes: readonly ResourceChange[]): AddonMove[] {
  return changes.filter((c) => c.type === EKS_ADDON && c.paths.includes("addonVersion")).map((c) => ({
    cluster: String(c.after?.["clusterName"] ?? c.before?.["clusterName"] ?? "?"),
    addon: String(c.after?.["addonName"] ?? c.before?.["addonName"] ?? c.name),
    from: String(c.before?.["addonVersion"] ?? "?"),
    to: String(c.after?.["addonVersion"] ?? "?"),
  }));
}

/**
 * Offline, the add-on versions no pin names come from the mock runtime's formula, not from EKS:
 * each such side is marked with what it stands for, so no output shows it as a fact.
 */
function markStandIns(moves: readonly AddonMove[], before: FleetSpec | undefined, after: FleetSpec | undefined): AddonMove[] {
  const clusterOf = (fleet: FleetSpec | undefined, eksName: string) =>
    fleet === undefined ? undefined : Object.entries(fleet.clusters).find(([name]) => eksClusterName(fleet.name, name) === eksName)?.[1];
  return moves.map((move) => {
    if (after === undefined) return { ...move, fromStandIn: { kind: "unknown" }, toStandIn: { kind: "unknown" } };
    const was = clusterOf(before, move.cluster);
    const is = clusterOf(after, move.cluster);
    const fromPinned = was !== undefined && pinnedAddonVersion(was, move.addon) === move.from;
    const toPinned = is !== undefined && pinnedAddonVersion(is, move.addon) === move.to;
    // Unpinned, an add-on keeps what it runs until its cluster's version moves, then takes EKS's default for the new one.
    const toStandIn: AddonStandIn = is !== undefined && is.version !== was?.version ? { kind: "eks-default", kubernetes: is.version } : { kind: "as-deployed" };
    return { ...move, ...(fromPinned ? {} : { fromStandIn: { kind: "as-deployed" } }), ...(toPinned ? {} : { toStandIn }) };
  });
}

function rollOf(subject: string, cause: string, nodes: number, updateConfig: { maxUnavailable?: number; maxUnavailablePercentage?: number }, zones: number): NodeGroupRoll {
  const batches = rollBatches(updateConfig, nodes);
  return {
    subject, cause, nodes,
    perBatch: nodesPerBatch(updateConfig, nodes),
    batches,
    surge: rollSurgeNodes(updateConfig, nodes, zones),
    ...rollMinutes(batches, DEFAULT_ASSUMPTIONS),
  };
}

function rollsFromPlan(planned: Plan, after: FleetSpec): NodeGroupRoll[] {
  return planned.changes.filter((c): c is Change => c.kind === "node-group-roll").flatMap((change) => {
    const [cluster, group] = change.subject.replace(/^node group /, "").split("/");
    const spec = cluster && group ? after.clusters[cluster]?.nodeGroups[group] : undefined;
    if (!spec) return [];
    const release = change.release ? `AMI release ${change.release.from ?? "as EKS picked it"} → ${change.release.to}` : undefined;
    const cause = change.fields.includes("version")
      ? `Kubernetes ${String(change.before)} → ${String(change.after)}${release ? `, ${release}` : ""}`
      : change.fields.map((f) => (f === "releaseVersion" && release ? release : f)).join(", ");
    const roll = rollOf(change.subject, cause, spec.scaling.desired, effectiveUpdateConfig(spec), after.network.subnetIds.length);
    return [change.forced ? { ...roll, forced: true } : roll];
  });
}

const ROLL_PATHS = ["version", "releaseVersion", "launchTemplate.version", "amiType"];

/** Without the specs: node groups whose version, release or launch template version changes roll. */
function rollsFromChanges(changes: readonly ResourceChange[]): NodeGroupRoll[] {
  return changes.filter((c) => c.type === NODE_GROUP && c.op === "update" && c.paths.some((p) => ROLL_PATHS.includes(p))).map((change) => {
    const inputs = change.after ?? {};
    const scaling = (inputs["scalingConfig"] ?? {}) as Record<string, unknown>;
    const update = (inputs["updateConfig"] ?? {}) as Record<string, unknown>;
    const nodes = typeof scaling["desiredSize"] === "number" ? scaling["desiredSize"] : 0;
    const updateConfig = typeof update["maxUnavailable"] === "number"
      ? { maxUnavailable: update["maxUnavailable"] }
      : { maxUnavailablePercentage: typeof update["maxUnavailablePercentage"] === "number" ? update["maxUnavailablePercentage"] : undefined };
    // AWS's default when a group sets neither: one node at a time.
    const effective = updateConfig.maxUnavailable === undefined && updateConfig.maxUnavailablePercentage === undefined ? { maxUnavailable: 1 } : updateConfig;
    const subnets = Array.isArray(inputs["subnetIds"]) ? inputs["subnetIds"].length : 2;
    const cause = change.paths.filter((p) => ROLL_PATHS.includes(p)).join(", ");
    return rollOf(`node group ${change.name}`, cause, nodes, effective, subnets);
  });
}

function rollbackOf(planned: Plan): Review["rollback"] {
  const steps = planRollbackSteps(planned);
  return { edits: steps.undo, takesEffect: steps.takesEffect, escapes: steps.escapes, notes: [] };
}

/**
 * A stack whose file the head removes: what destroying it would take away (every service's traffic,
 * every cluster), refused while a cluster still has traffic. Undoing it is restoring the file,
 * until the stack is destroyed; after that, its clusters are gone.
 */
function buildRemovalReview(input: ReviewInput): Review {
  const planned = planRemoval(input.before, input.validate);
  const beforeFleet = validateFleet(input.before, input.validate?.today === undefined ? {} : { today: input.validate.today }).fleet;
  const verdict: Verdict = {
    allowed: planned.allowed, refusedRules: planned.refusedRules,
    blocking: [...errorsOf(planned.problems), ...planned.changes.flatMap((c) => c.refusals)],
    warnings: [],
    basis: "baton plan (stack removed: its whole fleet goes)",
  };
  return {
    offline: input.offline, subject: input.subject, verdict, plan: planned,
    traffic: beforeFleet ? trafficFromSpecs(beforeFleet, emptiedFleet(beforeFleet)) : [],
    irreversible: irreversibleFromPlan(planned),
    rollbackWindows: rollbackWindowsOf(planned),
    notes: notesOf(planned),
    rolls: [],
    addons: [],
    changes: input.changes,
    rollback: {
      edits: [], takesEffect: [], escapes: [],
      notes: ["Restore the stack file from the base branch: removing it deletes nothing until the stack is destroyed (`pulumi destroy`); once destroyed, its clusters cannot be restored."],
    },
  };
}
