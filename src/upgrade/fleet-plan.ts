/**
 * The upgrade of a fleet of stacks: each stack's road to the target version (the same plan
 * `upgrade-plan` makes for one stack), grouped into the waves its stack files name. What runs it
 * is an engine that exists (GitHub Actions, see workflow.ts); this only decides what each stack
 * does and in which wave.
 */
import { createHash } from "node:crypto";
import { groupByWave, waveLabel, type Wave } from "../fleet/waves.js";
import { methodPlanData } from "./render-json.js";
import { formatMinutes, METHOD_NAMES } from "./render-text.js";
import type { StackDocument } from "./stack-document.js";
import { planUpgrade, type MethodPlan, type PlanMethod, type UpgradeMethod, type UpgradePlanOptions } from "./upgrade-plan.js";

export interface FleetStackInput {
  /** The stack's name, from its file name `Pulumi.<stack>.yaml`. */
  readonly name: string;
  readonly wave?: number;
  /** The stack file the plan starts from. */
  readonly file: string;
  /** Its text, as read: a run refuses to start from anything else. */
  readonly text: string;
  readonly doc: StackDocument;
  /** `aws:region`, for the CI job's AWS credentials. */
  readonly region?: string;
}

export interface StackUpgrade {
  readonly name: string;
  readonly wave?: number;
  readonly file: string;
  readonly text: string;
  readonly region?: string;
  readonly plan: MethodPlan;
}

export interface FleetUpgrade {
  readonly method: UpgradeMethod;
  readonly to: string;
  readonly today: string;
  /** False when any stack's method cannot reach the target. */
  readonly ok: boolean;
  /** Every stack, grouped into waves in the order they run. */
  readonly waves: readonly Wave<StackUpgrade>[];
}

/** Plans every stack by `method`, then groups them by wave (lower first, none last). */
export function planFleetUpgrade(stacks: readonly FleetStackInput[], method: UpgradeMethod, options: UpgradePlanOptions): FleetUpgrade {
  const planned = stacks.map((s): StackUpgrade => ({
    name: s.name, file: s.file, text: s.text, plan: planUpgrade(s.doc, method, options),
    ...(s.wave !== undefined ? { wave: s.wave } : {}), ...(s.region !== undefined ? { region: s.region } : {}),
  }));
  return { method, to: options.to, today: options.today, ok: planned.every((s) => s.plan.ok), waves: groupByWave(planned) };
}

/** The stacks that have steps to run, by wave; waves with none are left out. */
export function wavesWithSteps(fleet: FleetUpgrade): Wave<StackUpgrade>[] {
  return fleet.waves
    .map((w) => ({ ...w, stacks: w.stacks.filter((s) => s.plan.steps.length > 0) }))
    .filter((w) => w.stacks.length > 0);
}

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The file a stack's run reads (`<out>/<stack>/plan.json`): what `baton run-plan` needs and nothing it must guess. */
export interface RunnablePlan {
  readonly format: "baton-run-plan/1";
  readonly stack: string;
  readonly wave?: number;
  /** The stack file, relative to the plan's folder. */
  readonly stackFile: string;
  /** The text the plan starts from is kept beside the steps, as `original.yaml`; its digest is checked. */
  readonly originalSha256: string;
  readonly method: PlanMethod;
  readonly to: string;
  readonly today: string;
  /** How long each step is watched under the health gates, unless `run-plan --bake` says otherwise. */
  readonly bakeMinutes: number;
  readonly steps: readonly {
    readonly number: number;
    readonly file: string;
    readonly sha256: string;
    readonly title: string;
    readonly irreversible: boolean;
    /** Placeholders the step's file holds until someone replaces them; a run refuses the step until then. */
    readonly placeholders: readonly string[];
    /** Where traffic moves: the receiving cluster per service, which the gates watch. */
    readonly receivers: Readonly<Record<string, string>>;
    /** What to do if the step misbehaves, when no config edit undoes it. */
    readonly rollbackNote: string;
  }[];
  /** The whole plan as `upgrade-plan --format json` gives it, for readers. */
  readonly plan: unknown;
}

/** The file `run-plan` reads for one stack; `stackFile` is the stack file's path relative to the plan's folder. */
export function runnablePlan(stack: StackUpgrade, stackFile: string): RunnablePlan {
  const plan = stack.plan;
  return {
    format: "baton-run-plan/1", stack: stack.name, ...(stack.wave !== undefined ? { wave: stack.wave } : {}),
    stackFile, originalSha256: sha256(stack.text), method: plan.method, to: plan.to, today: plan.today,
    bakeMinutes: plan.assumptions.bakeMinutes,
    steps: plan.steps.map((step, i) => ({
      number: step.number, file: step.file, sha256: sha256(plan.files[i]!.text), title: step.title, irreversible: step.irreversible,
      placeholders: step.inputs.map((input) => input.placeholder),
      receivers: Object.fromEntries(step.traffic.map((move) => [move.service, move.receiver])),
      rollbackNote: step.rollback.note,
    })),
    plan: methodPlanData(plan),
  };
}

const stackRow = (s: StackUpgrade) => ({
  stack: s.name, wave: s.wave ?? null, ok: s.plan.ok, steps: s.plan.steps.length,
  irreversibleSteps: s.plan.totals.irreversibleSteps, minutes: s.plan.totals.minutes, upperBoundMinutes: s.plan.totals.upperBoundMinutes,
  ...(s.plan.ruledOut !== undefined ? { ruledOut: s.plan.ruledOut } : {}),
});

/** The fleet's plan as data: every wave with its stacks' totals. */
export function fleetPlanData(fleet: FleetUpgrade) {
  return {
    method: fleet.method, to: fleet.to, today: fleet.today, ok: fleet.ok,
    waves: fleet.waves.map((w) => ({
      wave: w.wave ?? null,
      stacks: w.stacks.map(stackRow),
      /** The wave's stacks run side by side: it takes as long as its slowest. */
      minutes: Math.max(0, ...w.stacks.map((s) => s.plan.totals.minutes)),
    })),
  };
}

export function renderFleetPlanJson(fleet: FleetUpgrade): string {
  return JSON.stringify({ ...fleetPlanData(fleet), stacks: fleet.waves.flatMap((w) => w.stacks.map((s) => ({ stack: s.name, ...methodPlanData(s.plan) }))) }, null, 2);
}

const stackLine = (s: StackUpgrade) => s.plan.ok
  ? s.plan.steps.length === 0 ? "already there: nothing to do" : `${s.plan.steps.length} step(s), ${s.plan.totals.irreversibleSteps} irreversible, about ${formatMinutes(s.plan.totals.minutes)} (at most ${formatMinutes(s.plan.totals.upperBoundMinutes)})`
  : `cannot reach ${s.plan.to}: ${s.plan.ruledOut}`;

function headline(fleet: FleetUpgrade): string {
  const stacks = fleet.waves.flatMap((w) => w.stacks);
  const failing = stacks.filter((s) => !s.plan.ok).map((s) => s.name);
  return failing.length > 0
    ? `${METHOD_NAMES[fleet.method]} cannot bring ${failing.length} of ${stacks.length} stack(s) to ${fleet.to}: ${failing.join(", ")}`
    : `${METHOD_NAMES[fleet.method]} to ${fleet.to}: ${stacks.length} stack(s) in ${fleet.waves.length} wave(s)`;
}

export function renderFleetPlanText(fleet: FleetUpgrade, paint: { red: (s: string) => string; bold: (s: string) => string }): string {
  const out = [fleet.ok ? headline(fleet) : paint.red(headline(fleet)), ""];
  for (const wave of fleet.waves) {
    out.push(paint.bold(waveLabel(wave.wave)));
    for (const s of wave.stacks) out.push(`  ${s.name}: ${s.plan.ok ? stackLine(s) : paint.red(stackLine(s))}`);
  }
  return out.join("\n");
}

/** The summary ordered by wave, as the plan folder's README and a tracking issue's body. */
export function renderFleetPlanMarkdown(fleet: FleetUpgrade): string {
  const lines = [`## ${fleet.ok ? "" : "⛔ "}Upgrade to Kubernetes ${fleet.to} in waves: ${METHOD_NAMES[fleet.method]}`, "", headline(fleet) + ".", "",
    "Waves run in order (`baton:wave`, lower first; a stack without one last); the stacks of a wave run side by side, each one's steps in order under its health gates.", "",
    "| wave | stack | steps | irreversible | estimated | at most | |", "|---|---|---|---|---|---|---|"];
  for (const wave of fleet.waves) {
    for (const s of wave.stacks) {
      const t = s.plan.totals;
      lines.push(`| ${wave.wave ?? "last"} | ${s.name} | ${s.plan.steps.length} | ${t.irreversibleSteps} | ${formatMinutes(t.minutes)} | ${formatMinutes(t.upperBoundMinutes)} | ${s.plan.ok ? (s.plan.steps.length === 0 ? "already there" : "") : `⛔ ${s.plan.ruledOut ?? ""}`.replace(/\|/g, "\\|")} |`);
    }
  }
  lines.push("");
  for (const wave of fleet.waves) {
    lines.push(`### ${waveLabel(wave.wave)}`, "");
    for (const s of wave.stacks) {
      lines.push(`- **${s.name}**: ${stackLine(s)}`);
      for (const step of s.plan.steps) lines.push(`  ${step.number}. \`${s.name}/${step.file}\`: ${step.title}${step.irreversible ? " (irreversible)" : ""}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
