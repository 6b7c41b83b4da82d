/**
 * `baton upgrade-plan`: the whole road from a fleet to a target Kubernetes version, as a sequence
 * of complete stack files, each a transition the spec's `plan` allows, with what it changes, its
 * rollback, its estimate, its traffic schedule and (given manifests) the checks for the version it
 * moves to; and the totals a team compares methods by.
 */
import { checkTexts } from "../checks/check.js";
import { boundServices } from "../checks/rules/service-target-port.js";
import type { InputText } from "../checks/inputs.js";
import { plan, type ConfigEdit, type Plan } from "../fleet/plan.js";
import { Fleet } from "../fleet/schema.js";
import type { FleetSpec } from "../fleet/types.js";
import { shares, weightChangeSpeed } from "../fleet/traffic.js";
import { checkEksVersion, compareVersions, supportPhase, VERSION_PATTERN } from "../fleet/versions.js";
import { percentOf } from "../traffic/weights.js";
import { DEFAULT_ASSUMPTIONS, type EstimateAssumptions } from "./assumptions.js";
import { planClusterBlueGreen, type BlueGreenOptions } from "./blue-green.js";
import { estimateStep, sharesMove, type StepEstimate } from "./estimate.js";
import { planInPlace } from "./in-place.js";
import { insightReasons, type ClusterInsights } from "./insights.js";
import { planNodeGroupBlueGreen } from "./node-group.js";
import type { StackDocument } from "./stack-document.js";
import { StepBuilder, StepRefusedError, type DraftStep, type InputNeeded } from "./steps.js";

export const UPGRADE_METHODS = ["in-place", "node-group", "blue-green"] as const;
export type UpgradeMethod = (typeof UPGRADE_METHODS)[number];
/** What a plan's road is: a method to a Kubernetes version, or node AMI releases within the versions the groups run. */
export type PlanMethod = UpgradeMethod | "ami-releases";
/** An AMI road's `to`: it moves no version. */
export const AMI_ROAD_TARGET = "AWS's recommended releases";

export interface UpgradePlanOptions extends BlueGreenOptions {
  /** The Kubernetes minor every cluster should reach, `"1.NN"`. */
  readonly to: string;
  /** The date version support is judged on and the plan starts (ISO, UTC). */
  readonly today: string;
  /** Manifests to check for the version each step moves to. */
  readonly manifests?: readonly InputText[];
  /** Minimum minutes between the starts of two steps (review and apply cadence); 0: back to back. */
  readonly stepIntervalMinutes?: number;
  readonly assumptions?: Partial<EstimateAssumptions>;
  /**
   * The AMI releases AWS recommends, by SSM parameter (`baton amis --refresh`'s cache): a pinned
   * group whose minor a step moves is pinned to the new minor's, or unpinned when it is not here.
   */
  readonly releases?: Readonly<Record<string, string>>;
}

export interface TrafficMove {
  readonly service: string;
  readonly before: Readonly<Record<string, number>>;
  readonly after: Readonly<Record<string, number>>;
  /** The share, in percent, of the cluster whose weight rose. */
  readonly receiver: string;
  readonly receiverPercent: number;
  readonly takesEffect: string;
  readonly bakeMinutes: number;
}

export interface StepChecks {
  readonly target: string;
  readonly objects: number;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: readonly { readonly rule: string; readonly severity: string; readonly file: string; readonly line: number; readonly message: string }[];
}

export interface UpgradeStep {
  readonly number: number;
  readonly file: string;
  readonly title: string;
  readonly changes: readonly { readonly kind: string; readonly subject: string; readonly summary: string; readonly irreversible: boolean }[];
  readonly irreversible: boolean;
  readonly rollback: {
    /** The file to apply to undo the step, when a config edit undoes it. */
    readonly file?: string;
    readonly edits: readonly ConfigEdit[];
    readonly note: string;
    readonly takesEffect: string;
    /**
     * For an in-place version upgrade EKS can roll back: the rollback files (under `rollback/`),
     * applied in order, each with its own pull request and pulumi up, and until when.
     */
    readonly window?: {
      readonly when: string;
      readonly files: readonly string[];
      /** The estimated wall time of the rollback, its stack changes one after the other (minutes, and at most). */
      readonly minutes: number;
      readonly upperBoundMinutes: number;
    };
  };
  readonly estimate: StepEstimate;
  readonly traffic: readonly TrafficMove[];
  readonly checks?: StepChecks;
  /** Placeholders in this step's file the user must replace before applying it. */
  readonly inputs: readonly InputNeeded[];
  /** Warnings the spec gives for the step's file (e.g. a version in extended support). */
  readonly warnings: readonly string[];
  /** When the step starts and ends if the plan starts on `today` (ISO timestamps, UTC). */
  readonly starts: string;
  readonly ends: string;
}

export interface ExtendedSupportStay {
  readonly cluster: string;
  readonly version: string;
  readonly hours: number;
  readonly days: number;
  readonly usd: number;
}

export interface UpgradeTotals {
  readonly steps: number;
  readonly minutes: number;
  readonly upperBoundMinutes: number;
  readonly irreversibleSteps: number;
  /** Of the irreversible steps, those EKS can still roll back in place for a while (in-place version upgrades). */
  readonly rollbackWindowSteps: number;
  /** The longest of those rollbacks, estimated (minutes; 0 when there is none). */
  readonly longestRollbackMinutes: number;
  readonly extendedSupport: readonly ExtendedSupportStay[];
  readonly extendedSupportDays: number;
  readonly extendedSupportUsd: number;
  /** Hours a cluster runs beside the ones the fleet started with (cluster blue/green). */
  readonly extraClusterHours: number;
  readonly extraClusterUsd: number;
  /** Node-hours beyond the fleet's starting nodes (new groups or clusters next to old ones; roll surges not counted). */
  readonly extraNodeHours: number;
}

/**
 * Whether the files can be applied as written: `ready`; `needs-attention` when `--manifests` found
 * errors for a version a step moves to; `needs-input` when a step's file holds a placeholder the
 * spec refuses until it is filled in; `unreachable` when the method cannot reach the target.
 */
export type PlanStatus = "ready" | "needs-attention" | "needs-input" | "unreachable";

export interface MethodPlan {
  readonly method: PlanMethod;
  readonly to: string;
  readonly today: string;
  /** False when the spec refuses a step on the way or the fleet's shape rules the method out. */
  readonly ok: boolean;
  readonly status: PlanStatus;
  readonly steps: readonly UpgradeStep[];
  readonly totals: UpgradeTotals;
  /** Why the method cannot reach the target, when `ok` is false. */
  readonly ruledOut?: string;
  /** The spec's verdict on the step it refused. */
  readonly refusal?: { readonly step: string; readonly plan: Plan };
  readonly notes: readonly string[];
  /** EKS's upgrade insights for the versions on the road, when read (`--insights`); an ERROR one makes the plan not ready. */
  readonly insights?: readonly ClusterInsights[];
  /** The text of each step's file, in order (not part of the JSON output). */
  readonly files: readonly { readonly name: string; readonly text: string }[];
  /** The rollback files of the in-place version steps, written to `rollback/` beside the steps (not part of the JSON output). */
  readonly rollbackFiles: readonly { readonly name: string; readonly text: string }[];
  readonly assumptions: EstimateAssumptions;
}

/** Arguments that cannot make a plan (a target EKS does not offer, a fleet that does not parse). */
export class UpgradePlanError extends Error {
  override name = "UpgradePlanError";
}

/** Checks `--to` before anything is planned: a `1.NN` minor EKS offers on `today`. */
export function assertTargetVersion(to: string, today: string): void {
  if (!VERSION_PATTERN.test(to)) throw new UpgradePlanError(`--to ${JSON.stringify(to)} is not a Kubernetes minor version: write it as 1.NN, e.g. --to 1.35`);
  const problem = checkEksVersion(to, "--to", today).find((p) => p.severity === "error");
  if (problem) throw new UpgradePlanError(`--to ${to}: ${problem.message} ${problem.fix}`);
}

function schemaSpec(doc: StackDocument): FleetSpec {
  const parsed = Fleet.safeParse(doc.fleet());
  if (!parsed.success) throw new UpgradePlanError("the stack config does not match the fleet schema; run baton validate on it and fix what it reports");
  return parsed.data;
}

const MINUTE = 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function stepFileName(index: number, total: number, slug: string): string {
  return `${String(index + 1).padStart(Math.max(2, String(total).length), "0")}-${slug}.yaml`;
}

function trafficMoves(draft: DraftStep, bakeMinutes: number): TrafficMove[] {
  return draft.plan.changes.filter((c) => c.kind === "traffic-shift" && sharesMove(c.before, c.after)).map((c) => {
    const service = c.path.split(".")[2]!;
    const before = c.before as Record<string, number>;
    const after = c.after as Record<string, number>;
    const receiver = Object.keys(after).find((k) => (after[k] ?? 0) > (before[k] ?? 0)) ?? Object.keys(after)[0]!;
    return { service, before, after, receiver, receiverPercent: percentOf(after, receiver), takesEffect: weightChangeSpeed(draft.afterSpec.services[service]!), bakeMinutes };
  });
}

/** The newest control-plane version a step brings a cluster to (an upgrade or a new cluster), if any. */
function versionMovedTo(draft: DraftStep): string | undefined {
  const moved = Object.entries(draft.afterSpec.clusters)
    .filter(([name, c]) => draft.beforeSpec.clusters[name]?.version !== c.version)
    .map(([, c]) => c.version);
  return moved.sort(compareVersions).at(-1);
}

/** `baton check --fleet` of the manifests, for the version a step moves to and the Services its fleet binds. */
function runChecks(manifests: readonly InputText[], target: string, fleet: FleetSpec): StepChecks {
  const report = checkTexts(manifests, target, boundServices(fleet));
  return {
    target, objects: report.objects,
    errors: report.findings.filter((f) => f.severity === "error").length,
    warnings: report.findings.filter((f) => f.severity === "warning").length,
    findings: report.findings.map((f) => ({ rule: f.rule, severity: f.severity, file: f.file, line: f.line, message: f.message })),
  };
}

function nodesOf(fleet: FleetSpec): Map<string, number> {
  const nodes = new Map<string, number>();
  for (const [cluster, c] of Object.entries(fleet.clusters)) for (const [group, g] of Object.entries(c.nodeGroups)) nodes.set(`${cluster}/${group}`, g.scaling.desired);
  return nodes;
}

function uniqueEdits(edits: readonly ConfigEdit[]): ConfigEdit[] {
  const seen = new Set<string>();
  return edits.filter((e) => !seen.has(JSON.stringify(e)) && seen.add(JSON.stringify(e)) !== undefined);
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function buildSteps(drafts: readonly DraftStep[], original: FleetSpec, options: UpgradePlanOptions, a: EstimateAssumptions) {
  const checks = new Map<string, StepChecks>();
  const names = drafts.map((d, i) => stepFileName(i, drafts.length, d.slug));
  const start = Date.parse(`${options.today}T00:00:00Z`);
  const interval = (options.stepIntervalMinutes ?? 0) * MINUTE;
  const stays = new Map<string, { cluster: string; version: string; hours: number }>();
  const originalClusters = Object.keys(original.clusters).length;
  const originalNodes = sum(nodesOf(original).values());
  let clock = start;
  let previousStart = start - interval;
  let extraClusterHours = 0;
  let extraNodeHours = 0;

  const rollbackFiles: { name: string; text: string }[] = [];
  const steps = drafts.map((draft, i): UpgradeStep => {
    const estimate = estimateStep(draft.plan.changes, draft.beforeSpec, draft.afterSpec, a);
    const begins = Math.max(clock, previousStart + interval);
    const ends = begins + estimate.minutes * MINUTE;
    // The file before this step holds from the end of the previous step (waiting included) to the
    // end of this one: every cluster in it runs meanwhile (a new one counts from its creation step).
    const hours = (ends - clock) / 3_600_000;
    previousStart = begins;
    clock = ends;
    const day = new Date(begins).toISOString().slice(0, 10);
    for (const [cluster, c] of Object.entries(draft.beforeSpec.clusters)) {
      if (supportPhase(c.version, day) !== "extended") continue;
      const key = `${cluster}@${c.version}`;
      const stay = stays.get(key) ?? { cluster, version: c.version, hours: 0 };
      stay.hours += hours;
      stays.set(key, stay);
    }
    const running = new Set([...Object.keys(draft.beforeSpec.clusters), ...Object.keys(draft.afterSpec.clusters)]);
    extraClusterHours += Math.max(0, running.size - originalClusters) * hours;
    const nodes = new Map([...nodesOf(draft.beforeSpec), ...nodesOf(draft.afterSpec)]);
    for (const [key, n] of nodesOf(draft.beforeSpec)) nodes.set(key, Math.max(n, nodes.get(key) ?? 0));
    extraNodeHours += Math.max(0, sum(nodes.values()) - originalNodes) * hours;

    const target = options.manifests && options.manifests.length > 0 ? versionMovedTo(draft) : undefined;
    // The bindings a step's fleet makes are part of what is checked, so a step's key is its version and its fleet's bindings.
    const checksKey = target === undefined ? undefined : `${target} ${JSON.stringify(boundServices(draft.afterSpec))}`;
    if (checksKey !== undefined && !checks.has(checksKey)) checks.set(checksKey, runChecks(options.manifests!, target!, draft.afterSpec));
    const irreversible = draft.plan.changes.some((c) => c.irreversible);
    const escape = draft.plan.changes.filter((c) => c.irreversible).map((c) => c.rollback);
    // Re-adding a deleted cluster's block builds a new, empty cluster: no rollback edit to offer.
    const escapeEdits = draft.plan.changes.filter((c) => c.irreversible && c.kind !== "decommission").flatMap((c) => c.rollback.edits);
    const window = rollbackWindowFiles(draft, names[i]!, options.today, a);
    rollbackFiles.push(...window.files);
    const rollback = irreversible
      ? {
          edits: uniqueEdits(escapeEdits), note: `${escape[0]!.note}${window.refused ? ` (${window.refused}.)` : ""}`, takesEffect: [...new Set(escape.map((r) => r.takesEffect))].join("; "),
          ...(window.files.length > 0 ? { window: { when: window.when!, files: window.files.map((f) => f.name), minutes: window.minutes, upperBoundMinutes: window.upperBoundMinutes } } : {}),
        }
      : {
          file: i === 0 ? "the original stack config" : names[i - 1]!,
          edits: draft.plan.changes.flatMap((c) => c.rollback.edits),
          note: "Apply the previous file again: every change in this step is undone by a config edit.",
          takesEffect: [...new Set(draft.plan.changes.map((c) => c.rollback.takesEffect))].join("; "),
        };
    return {
      number: i + 1, file: names[i]!, title: draft.title,
      changes: draft.plan.changes.map((c) => ({ kind: c.kind, subject: c.subject, summary: c.summary, irreversible: c.irreversible })),
      irreversible, rollback, estimate,
      traffic: trafficMoves(draft, estimate.bakeMinutes),
      ...(checksKey !== undefined ? { checks: checks.get(checksKey)! } : {}),
      inputs: draft.inputs,
      warnings: [...new Set(draft.plan.problems.filter((p) => p.severity === "warning").map((p) => `${p.rule} at ${p.path}: ${p.message}`))],
      starts: new Date(begins).toISOString(), ends: new Date(ends).toISOString(),
    };
  });

  const extendedSupport = [...stays.values()].map((s) => ({
    cluster: s.cluster, version: s.version, hours: round1(s.hours), days: round2(s.hours / 24), usd: round2(s.hours * a.extendedSupportUsdPerClusterHour),
  }));
  const totals: UpgradeTotals = {
    steps: steps.length,
    minutes: round1((clock - start) / MINUTE),
    upperBoundMinutes: round1(sum(steps.map((s) => s.estimate.upperBoundMinutes)) + Math.max(0, (clock - start) / MINUTE - sum(steps.map((s) => s.estimate.minutes)))),
    irreversibleSteps: steps.filter((s) => s.irreversible).length,
    rollbackWindowSteps: steps.filter((s) => s.irreversible && s.rollback.window !== undefined).length,
    longestRollbackMinutes: Math.max(0, ...steps.map((s) => s.rollback.window?.minutes ?? 0)),
    extendedSupport,
    extendedSupportDays: round2(sum(extendedSupport.map((s) => s.days))),
    extendedSupportUsd: round2(sum(extendedSupport.map((s) => s.usd))),
    extraClusterHours: round1(extraClusterHours),
    extraClusterUsd: round2(extraClusterHours * a.standardSupportUsdPerClusterHour),
    extraNodeHours: round1(extraNodeHours),
  };
  return { steps, totals, files: drafts.map((d, i) => ({ name: names[i]!, text: d.after.text() })), rollbackFiles };
}

/** The folder, beside the step files, that holds the rollback files of in-place version steps. */
export const ROLLBACK_FOLDER = "rollback";

/** `baton:fleet.clusters.blue.version` as a path below `baton:fleet`. */
const fleetPath = (path: string) => path.replace(/^baton:fleet\./, "").split(".");

/**
 * The rollback files of a step whose version upgrade EKS can roll back: the step's file with each
 * rollback stack change applied in turn (comments kept), so each file is one pull request. Every
 * file is judged by the spec against the one before it, as `baton plan` would.
 */
function rollbackWindowFiles(draft: DraftStep, stepFile: string, today: string, a: EstimateAssumptions): { files: { name: string; text: string }[]; when?: string; refused?: string; minutes: number; upperBoundMinutes: number } {
  const change = draft.plan.changes.find((c) => c.kind === "control-plane-upgrade" && c.rollback.timeBoxed?.windowDays !== undefined);
  const box = change?.rollback.timeBoxed;
  if (box === undefined) return { files: [], minutes: 0, upperBoundMinutes: 0 };
  const base = stepFile.replace(/\.yaml$/, "");
  let doc = draft.after;
  let spec = draft.afterSpec;
  let minutes = 0;
  let upperBoundMinutes = 0;
  const files: { name: string; text: string }[] = [];
  for (const [j, step] of box.steps.entries()) {
    const next = doc.clone();
    for (const edit of step.edits) {
      if (edit.remove) next.delete(fleetPath(edit.path));
      else next.set(fleetPath(edit.path), edit.value);
    }
    const verdict = plan(doc.fleet(), next.fleet(), { today });
    // E.g. the version rolled back to is in extended support and the cluster's policy is STANDARD.
    if (!verdict.allowed) return { files: [], refused: `the spec refuses its rollback (${verdict.refusedRules.join(", ")}), so no rollback files are written`, minutes: 0, upperBoundMinutes: 0 };
    const nextSpec = schemaSpec(next);
    const estimate = estimateStep(verdict.changes, spec, nextSpec, a);
    minutes += estimate.minutes;
    upperBoundMinutes += estimate.upperBoundMinutes;
    doc = next;
    spec = nextSpec;
    files.push({ name: `${ROLLBACK_FOLDER}/${base}.rollback-${j + 1}-of-${box.steps.length}.yaml`, text: next.text() });
  }
  return { files, when: box.when, minutes: round1(minutes), upperBoundMinutes: round1(upperBoundMinutes) };
}

/** Why the fleet's shape rules a method out before any step is tried, or undefined. */
function shapeRulesOut(method: UpgradeMethod, fleet: FleetSpec): string | undefined {
  if (method === "blue-green" && Object.keys(fleet.services).length === 0) {
    return "the fleet routes no service through baton, so there is no traffic to shift to a second cluster; upgrade in place, or add the services' routing first";
  }
  return undefined;
}

function notesFor(method: UpgradeMethod, fleet: FleetSpec, to: string): string[] {
  const notes: string[] = [];
  const ahead = Object.entries(fleet.clusters).filter(([, c]) => compareVersions(c.version, to) >= 0).map(([n, c]) => `${n} (${c.version})`);
  if (ahead.length > 0) notes.push(`Already at or past ${to}: ${ahead.join(", ")}.`);
  if (method !== "blue-green" && Object.keys(fleet.clusters).length === 1) {
    notes.push("A single cluster has no second to shift traffic to: its control-plane upgrades roll back only through EKS's version rollback (7 days after each completes, node groups first).");
  }
  const pinnedReleases = Object.entries(fleet.clusters).flatMap(([n, c]) => Object.entries(c.nodeGroups).filter(([, g]) => g.releaseVersion !== undefined).map(([g]) => `${n}/${g}`));
  if (pinnedReleases.length > 0) {
    notes.push(`AMI release pins (releaseVersion) on ${pinnedReleases.join(", ")} follow the group's Kubernetes minor: where a step moves it (or copies the group) the pin becomes the new minor's recommended release when \`baton amis --refresh\` cached it, and is removed otherwise (EKS then takes the latest; pin it again with \`baton amis <step-file> --refresh --write\`).`);
  }
  const pinnedAddons = Object.entries(fleet.clusters).filter(([, c]) => Object.keys(c.addons).length > 0).map(([n]) => n);
  if (method !== "blue-green" && pinnedAddons.length > 0) {
    notes.push(`Pinned add-on versions stay as written on ${pinnedAddons.join(", ")}: check each supports the versions on the way (aws eks describe-addon-versions), or remove the pin to follow the cluster.`);
  }
  return notes;
}

/** Plans the upgrade of the fleet in `doc` to `options.to` by one method. */
export function planUpgrade(doc: StackDocument, method: UpgradeMethod, options: UpgradePlanOptions): MethodPlan {
  assertTargetVersion(options.to, options.today);
  const a: EstimateAssumptions = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  const original = schemaSpec(doc);
  const base = { method, to: options.to, today: options.today, notes: notesFor(method, original, options.to), assumptions: a };
  const ruledOut = shapeRulesOut(method, original);
  if (ruledOut) return { ...base, ok: false, status: "unreachable", ruledOut, ...buildSteps([], original, options, a) };
  const builder = new StepBuilder(doc, options.today, options.releases);
  return walkRoad(base, builder, original, options, a, () => {
    if (method === "in-place") planInPlace(builder, options.to);
    else if (method === "node-group") planNodeGroupBlueGreen(builder, options.to);
    else planClusterBlueGreen(builder, options.to, options);
  });
}

/**
 * Takes a road's steps on `builder` and makes the method's plan of them. A step the spec refuses
 * ends the road there: the plan is unreachable, names the refused step, and keeps the steps before it.
 */
function walkRoad(base: Pick<MethodPlan, "method" | "to" | "today" | "notes" | "assumptions">, builder: StepBuilder, original: FleetSpec, options: UpgradePlanOptions, a: EstimateAssumptions, road: () => void): MethodPlan {
  try {
    road();
  } catch (error) {
    if (!(error instanceof StepRefusedError)) throw error;
    const refused = `the spec refuses step ${error.done.length + 1}, "${error.title}" (${error.refusal.refusedRules.join(", ")})`;
    return { ...base, ok: false, status: "unreachable", ruledOut: refused, refusal: { step: error.title, plan: error.refusal }, ...buildSteps(error.done, original, options, a) };
  }
  const built = buildSteps(builder.steps, original, options, a);
  return { ...base, ok: true, status: statusOf(built.steps), ...built };
}

/** A node group to roll onto an AMI release (what `baton amis` recommends). */
export interface AmiPin {
  readonly cluster: string;
  readonly nodeGroup: string;
  readonly release: string;
}

/** The share of all traffic a cluster serves: the sum of its share in each service. */
function trafficShare(fleet: FleetSpec, cluster: string): number {
  return Object.values(fleet.services).reduce((sum, service) => sum + (shares(service.weights)[cluster] ?? 0), 0);
}

/**
 * An AMI-only road: one node group per step, each step pinning its group's `releaseVersion` (a
 * roll in the group's updateConfig batches), each checked by the spec's plan. The groups of the
 * cluster that serves the least traffic roll first (a canary: a bad release shows where it costs
 * least); among equals, in the order given.
 * No version moves, so nothing else changes; a step the spec refuses (an older release, one of
 * another minor) ends the road there, as any method's refused step does.
 */
export function planAmiRoad(doc: StackDocument, pins: readonly AmiPin[], options: Omit<UpgradePlanOptions, "to">): MethodPlan {
  const a: EstimateAssumptions = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  const original = schemaSpec(doc);
  const planOptions: UpgradePlanOptions = { ...options, to: AMI_ROAD_TARGET };
  const base = {
    method: "ami-releases" as const, to: AMI_ROAD_TARGET, today: options.today, assumptions: a,
    notes: pins.length === 0 ? ["Every node group already pins its recommended release, or none is known (baton amis <stack-config> --refresh)."] : [],
  };
  const builder = new StepBuilder(doc, options.today);
  const ordered = pins.map((pin, i) => ({ pin, i, share: trafficShare(original, pin.cluster) }))
    .sort((a, b) => a.share - b.share || a.i - b.i).map((o) => o.pin);
  return walkRoad(base, builder, original, planOptions, a, () => {
    for (const pin of ordered) {
      const group = ["clusters", pin.cluster, "nodeGroups", pin.nodeGroup];
      builder.step(`roll-${pin.cluster}-${pin.nodeGroup}-ami`, `Roll ${pin.cluster}/${pin.nodeGroup} onto AMI release ${pin.release}`, (next) => {
        next.set([...group, "releaseVersion"], pin.release);
      });
    }
  });
}

/** A plan that reaches the target: ready, unless a step's checks found errors or its file needs input. */
function statusOf(steps: readonly UpgradeStep[]): PlanStatus {
  if (steps.some((s) => (s.checks?.errors ?? 0) > 0)) return "needs-attention";
  if (steps.some((s) => s.inputs.length > 0)) return "needs-input";
  return "ready";
}

/** Why a plan that reaches the target is not ready, one phrase each (empty when it is ready). */
export function notReadyReasons(plan: MethodPlan): string[] {
  const reasons: string[] = [];
  const checked = new Map<string, StepChecks>();
  for (const step of plan.steps) if (step.checks && step.checks.errors > 0) checked.set(step.checks.target, step.checks);
  if (checked.size > 0) reasons.push(`needs attention: ${[...checked.values()].map((k) => `${k.errors} manifest error(s) for ${k.target}`).join(", ")}`);
  const placeholders = new Set(plan.steps.flatMap((s) => s.inputs.map((i) => i.path)));
  const files = plan.steps.filter((s) => s.inputs.length > 0).length;
  if (placeholders.size > 0) reasons.push(`needs input: ${placeholders.size} placeholder(s) to fill in, in ${files} step file(s)`);
  for (const reason of insightReasons(plan.insights ?? [])) reasons.push(`needs attention: ${reason}`);
  return reasons;
}

/** Every method's plan, side by side. */
export function compareUpgrades(doc: StackDocument, options: UpgradePlanOptions): MethodPlan[] {
  return UPGRADE_METHODS.map((method) => planUpgrade(doc, method, options));
}
