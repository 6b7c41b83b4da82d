/**
 * Running one stack's upgrade plan, step by step: write the step's file over the stack file, gate
 * it on a real `pulumi preview` (judged with the spec's rules against the step before), `pulumi
 * up`, then bake it under the health gates. A failed gate or update halts and restores the last
 * step that passed (when a config edit can: an irreversible step is left, with what to do); a
 * signal stops at the next safe point the same way. Progress is kept with the plan, so a rerun
 * resumes where the last one stopped. Every side effect goes through the ports below, so tests
 * drive it with fakes and a stand-in `pulumi`.
 */
import { bakeUnderGates, type BakeTiming, type Clock } from "../traffic/bake.js";
import type { GateCheck, GateVerdict } from "../traffic/gates.js";
import { cloudChanges } from "../preview/model.js";
import { parsePulumiPreview } from "../preview/pulumi-preview.js";
import { buildReview } from "../preview/review.js";

export interface RunStep {
  readonly number: number;
  /** The step's file in the plan's folder. */
  readonly path: string;
  readonly text: string;
  /** Its raw `baton:fleet`. */
  readonly fleet: unknown;
  readonly title: string;
  readonly irreversible: boolean;
  /** Placeholders the file must no longer hold when the step runs. */
  readonly placeholders: readonly string[];
  /** The cluster receiving each service's traffic in this step, where it moves. */
  readonly receivers: Readonly<Record<string, string>>;
  readonly rollbackNote: string;
}

export interface RunInput {
  readonly stack: string;
  /** Identifies the plan; a state kept for another plan is never used. */
  readonly planSha256: string;
  /** The stack file as the plan started from it (`original.yaml`). */
  readonly original: { readonly path: string; readonly text: string; readonly fleet: unknown };
  readonly steps: readonly RunStep[];
  /** The date the spec judges versions on. */
  readonly today?: string;
}

export type RunOutcome = "running" | "completed" | "halted" | "refused" | "paused" | "interrupted";

/** What a run keeps with the plan (`run-state.json`): how far it got. */
export interface RunState {
  readonly format: "baton-run-state/1";
  readonly plan: string;
  /** Steps 1..passed passed their gates. */
  readonly passed: number;
  /** A step written to the stack file, perhaps applied, not yet passed: a rerun bakes it again. */
  readonly applied?: number;
  readonly outcome: RunOutcome;
  readonly reason?: string;
  readonly updatedAt: string;
}

export interface StackFileStore {
  read(): string;
  /** Writes `next` if the file still holds `expected` (locked, atomic); rejects otherwise, the file untouched. */
  replace(expected: string, next: string): Promise<void>;
}

export interface StackUpdates {
  /** `pulumi preview --json` of the stack as its file now stands. */
  preview(): Promise<unknown>;
  /**
   * `pulumi up` of the whole stack; rejects when it fails. The stack program judges the file
   * against the stack's last deployment (the step before), as under any `pulumi up`. Aborting
   * `cancel` cancels a running update.
   */
  up(onLine: (line: string) => void, cancel?: AbortSignal): Promise<void>;
}

export interface StackGates {
  /** One observation of every gated service of `fleet` (raw), judged; `receivers` name where traffic moves. */
  judge(fleet: unknown, receivers: Readonly<Record<string, string>>): Promise<GateVerdict>;
}

export interface RunStateStore {
  read(): RunState | undefined;
  write(state: RunState): void;
}

export type RunEvent =
  | { readonly type: "start"; readonly from: number; readonly resumed: boolean; readonly count: number }
  | { readonly type: "step"; readonly step: RunStep; readonly resumed: boolean }
  | { readonly type: "previewed"; readonly step: RunStep }
  | { readonly type: "pulumi"; readonly line: string }
  | { readonly type: "applied"; readonly step: RunStep }
  | { readonly type: "gates"; readonly verdict: GateVerdict; readonly bakedMs: number; readonly bakeMs: number; readonly pausedMs: number }
  | { readonly type: "passed"; readonly step: RunStep }
  | { readonly type: "halting"; readonly reason: string; readonly to: string };

export interface RunTiming extends BakeTiming {
  /** How long each step must pass its gates. */
  readonly bakeMs: number;
}

export interface RunPorts {
  readonly stackFile: StackFileStore;
  readonly pulumi: StackUpdates;
  readonly gates: StackGates;
  readonly state: RunStateStore;
  readonly clock: Clock;
  readonly onEvent?: (event: RunEvent) => void;
  /** Aborted: stop at the next safe point (a running update finishes), then restore as a halt would. */
  readonly signal?: AbortSignal;
  /** Aborted: also cancel a running update now. */
  readonly cancel?: AbortSignal;
}

export interface RunResult {
  readonly outcome: Exclude<RunOutcome, "running">;
  /** Steps that passed their gates, in all runs so far. */
  readonly passed: number;
  readonly failure?: { readonly step: number; readonly reason: string; readonly checks: readonly GateCheck[] };
  /** Whether the last passed step was restored; undefined when nothing needed restoring. */
  readonly restored?: boolean;
  readonly restoreError?: string;
  /** What happened after the failure, in order. */
  readonly recovery?: readonly string[];
  /** For an irreversible step: what to do, as the plan says. */
  readonly note?: string;
}

/** A run that cannot start: the stack file or the kept state do not match the plan. Nothing was touched. */
export class RunPlanError extends Error {
  override name = "RunPlanError";
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/**
 * The preview gate: the real preview of a step, judged by the spec's rules from the step before
 * (the same review `baton comment` gives), and no EKS cluster replaced or deleted unless the step
 * itself removes one. Undefined when the step may go on; otherwise why not.
 */
export function previewRefusal(before: unknown, after: unknown, previewJson: unknown, today?: string): string | undefined {
  const changes = parsePulumiPreview(previewJson).changes;
  const review = buildReview({ offline: false, subject: "", changes, before, after, ...(today ? { validate: { today } } : {}) });
  if (review.verdict?.allowed === false) {
    return `the spec refuses the step against the real preview: ${review.verdict.blocking.map((p) => `${p.rule} at ${p.path}: ${p.message}`).join("; ")}`;
  }
  const removes = new Set((review.plan?.changes ?? []).filter((c) => c.kind === "decommission").map((c) => c.subject.replace(/^cluster /, "")));
  const surprise = cloudChanges(changes).filter((c) => c.type === EKS_CLUSTER && (c.op === "replace" || c.op === "delete" || c.op === "may-replace")
    && ![...removes].some((cluster) => c.name.endsWith(`-${cluster}`)));
  if (surprise.length > 0) {
    return `the real preview would ${surprise.map((c) => `${c.op} EKS cluster ${c.name}${c.reason ? ` (${c.reason})` : ""}`).join(", ")}, which this step does not plan; refresh the stack (pulumi refresh) and look at the drift before running it again`;
  }
  return undefined;
}

/** Runs the plan's steps from where the kept state says, to the end, a halt, a pause or a signal. */
export async function runPlan(input: RunInput, timing: RunTiming, ports: RunPorts): Promise<RunResult> {
  const { steps } = input;
  const emit = ports.onEvent ?? (() => undefined);
  const aborted = () => ports.signal?.aborted === true;
  const textOf = (k: number) => (k === 0 ? input.original.text : steps[k - 1]!.text);
  const fleetOf = (k: number) => (k === 0 ? input.original.fleet : steps[k - 1]!.fleet);
  const labelOf = (k: number) => (k === 0 ? "the stack as the plan found it" : `step ${k}, ${steps[k - 1]!.title}`);

  const kept = ports.state.read();
  if (kept !== undefined && kept.plan !== input.planSha256) {
    throw new RunPlanError("the kept run state (run-state.json) belongs to another plan; plan into a new folder, or remove run-state.json if that plan will never run again");
  }
  let state: RunState = kept ?? { format: "baton-run-state/1", plan: input.planSha256, passed: 0, outcome: "running", updatedAt: "" };
  const save = (next: Omit<RunState, "format" | "plan" | "updatedAt">) => {
    const { reason: _reason, applied: _applied, ...rest } = next;
    state = {
      format: "baton-run-state/1", plan: input.planSha256, ...rest,
      ...(next.applied !== undefined ? { applied: next.applied } : {}), ...(next.reason !== undefined ? { reason: next.reason } : {}),
      updatedAt: new Date(ports.clock.now()).toISOString(),
    };
    ports.state.write(state);
  };
  if (state.outcome === "completed") return { outcome: "completed", passed: state.passed };

  // The stack file must hold what the state says: the step being applied, or the last one passed.
  const current = ports.stackFile.read();
  let resumeAt: number | undefined;
  if (state.applied !== undefined && current === textOf(state.applied)) resumeAt = state.applied;
  else if (current !== textOf(state.passed)) {
    throw new RunPlanError(`the stack file holds neither ${labelOf(state.passed)}${state.applied !== undefined ? ` nor ${labelOf(state.applied)}` : ""}: someone changed it since the plan${state.passed > 0 ? "'s last run" : " was made"}. Bring it back to that file, or plan again from the stack as it is`);
  }

  const judge = (k: number) => () => ports.gates.judge(fleetOf(k), k === 0 ? {} : steps[k - 1]!.receivers);
  const bake = (k: number) => bakeUnderGates(judge(k), timing.bakeMs, timing, ports.clock, ports.signal,
    (verdict, bakedMs, pausedMs) => emit({ type: "gates", verdict, bakedMs, bakeMs: timing.bakeMs, pausedMs }));

  /** Back to step k-1 after step k was written (and perhaps applied); re-baked unless stopped by a signal. */
  async function restore(k: number, recheck: boolean): Promise<Pick<RunResult, "restored" | "restoreError" | "recovery">> {
    emit({ type: "halting", reason: `step ${k} is undone by a config edit`, to: labelOf(k - 1) });
    try {
      await ports.stackFile.replace(textOf(k), textOf(k - 1));
      await ports.pulumi.up((line) => emit({ type: "pulumi", line }), ports.cancel);
    } catch (error) {
      save({ passed: k - 1, applied: k, outcome: "halted", reason: `restoring ${labelOf(k - 1)} failed: ${errorText(error)}` });
      return { restored: false, restoreError: errorText(error), recovery: [] };
    }
    const recovery = [`restored ${labelOf(k - 1)}`];
    if (recheck && k - 1 > 0) {
      const again = await bake(k - 1);
      recovery.push(again.state === "pass" ? `its gates passed again for ${Math.round(timing.bakeMs / 1000)} s`
        : again.state === "interrupted" ? "stopped while re-checking its gates; it stays there"
        : `its gates did not pass again (${again.state === "fail" ? "a gate failed" : "no data"}): it stays there; look at the fleet before going on`);
    }
    return { restored: true, recovery };
  }

  async function halt(k: number, reason: string, checks: readonly GateCheck[]): Promise<RunResult> {
    const step = steps[k - 1]!;
    const failure = { step: k, reason, checks };
    if (step.irreversible) {
      // No config edit undoes it: the file keeps the step, and the plan's escape is for a person to apply.
      save({ passed: k - 1, applied: k, outcome: "halted", reason });
      return { outcome: "halted", passed: k - 1, failure, note: step.rollbackNote };
    }
    const back = await restore(k, !aborted());
    if (back.restored) save({ passed: k - 1, outcome: "halted", reason });
    return { outcome: "halted", passed: k - 1, failure, ...back };
  }

  async function interrupted(k: number, applied: boolean): Promise<RunResult> {
    const failure = { step: k, reason: "stopped by a signal at a safe point", checks: [] };
    if (!applied) {
      save({ passed: k - 1, outcome: "interrupted", reason: failure.reason });
      return { outcome: "interrupted", passed: k - 1, failure };
    }
    const step = steps[k - 1]!;
    if (step.irreversible) {
      save({ passed: k - 1, applied: k, outcome: "interrupted", reason: failure.reason });
      return { outcome: "interrupted", passed: k - 1, failure, note: `step ${k} stays applied (no config edit undoes it); running the plan again bakes it under its gates and goes on. ${step.rollbackNote}` };
    }
    // Traffic is never left on a step nobody watches: take it back as a halt would.
    const back = await restore(k, false);
    if (back.restored) save({ passed: k - 1, outcome: "interrupted", reason: failure.reason });
    return { outcome: "interrupted", passed: k - 1, failure, ...back };
  }

  const first = resumeAt ?? state.passed + 1;
  emit({ type: "start", from: first, resumed: state.passed > 0 || resumeAt !== undefined, count: steps.length });
  for (let k = first; k <= steps.length; k++) {
    const step = steps[k - 1]!;
    const resumed = k === resumeAt;
    if (aborted()) return interrupted(k, resumed);
    emit({ type: "step", step, resumed });
    if (!resumed) {
      const left = step.placeholders.filter((p) => step.text.includes(p));
      if (left.length > 0) {
        const reason = `${step.path} still holds ${left.map((p) => JSON.stringify(p)).join(", ")}: replace ${left.length === 1 ? "it" : "them"} with the real value${left.length === 1 ? "" : "s"} (in this step's file and the later ones) before the step can run`;
        save({ passed: k - 1, outcome: "refused", reason });
        return { outcome: "refused", passed: k - 1, failure: { step: k, reason, checks: [] } };
      }
      save({ passed: k - 1, applied: k, outcome: "running" });
      await ports.stackFile.replace(textOf(k - 1), step.text);
      let refusal: string | undefined;
      try {
        refusal = previewRefusal(fleetOf(k - 1), step.fleet, await ports.pulumi.preview(), input.today);
      } catch (error) {
        refusal = `pulumi preview failed: ${errorText(error)}`;
      }
      if (refusal !== undefined || aborted()) {
        // Nothing was applied: the file goes back to the step before.
        await ports.stackFile.replace(step.text, textOf(k - 1));
        // A signal interrupts a running preview: that is the stop, not a refusal.
        if (aborted()) return interrupted(k, false);
        const reason = refusal ?? "the preview was interrupted";
        save({ passed: k - 1, outcome: "refused", reason });
        return { outcome: "refused", passed: k - 1, failure: { step: k, reason, checks: [] } };
      }
      emit({ type: "previewed", step });
      try {
        await ports.pulumi.up((line) => emit({ type: "pulumi", line }), ports.cancel);
      } catch (error) {
        return halt(k, `pulumi up failed: ${errorText(error)}`, []);
      }
      emit({ type: "applied", step });
    }
    if (aborted()) return interrupted(k, true);
    const baked = await bake(k);
    if (baked.state === "interrupted") return interrupted(k, true);
    if (baked.state === "fail") return halt(k, "a health gate failed", baked.verdict.checks);
    if (baked.state === "paused") {
      const reason = `the gates had no data for ${Math.round(timing.maxPauseMs / 60_000)} min`;
      save({ passed: k - 1, applied: k, outcome: "paused", reason });
      return { outcome: "paused", passed: k - 1, failure: { step: k, reason, checks: baked.verdict.checks } };
    }
    save({ passed: k, outcome: "running" });
    emit({ type: "passed", step });
  }
  save({ passed: steps.length, outcome: "completed" });
  return { outcome: "completed", passed: steps.length };
}
