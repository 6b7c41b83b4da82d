/**
 * The health-gated rollout's state machine. For each step: record the weights in the stack file,
 * apply them (`pulumi up`), verify them on AWS, then watch the gates for the bake time. A failed
 * gate halts and restores the last weights that passed; missing data pauses. Every side effect
 * goes through the ports below, so tests drive it with fakes and scripted observations.
 */
import { formatWeights, type Weights } from "../fleet/traffic.js";
import { bakeUnderGates, retrying as retryingRead, type BakeOutcome, type Clock } from "./bake.js";
import { evaluateGates, type GateCheck, type GateObservation, type GateVerdict } from "./gates.js";
import type { RolloutStep, Schedule } from "./schedule.js";
import { sameWeights } from "./weights.js";

/** The service's weights in the stack file: the record of what is (to be) applied. */
export interface WeightsStore {
  read(): Weights;
  /** Records `weights`; rejects (the file untouched) when someone else changed this service's weights meanwhile. */
  write(weights: Weights): Promise<void>;
}

/** The Pulumi stack the file belongs to. */
export interface StackApplier {
  /** What an update would change now besides this service's weights (one line each); empty when nothing else. */
  otherChanges(): Promise<readonly string[]>;
  /** `pulumi up` targeted to this service's weight resources; rejects when the update fails. Aborting `cancel` asks Pulumi to cancel it. */
  up(onOutput: (line: string) => void, cancel?: AbortSignal): Promise<void>;
  /** The service's weights as the stack's state records them: what the last update actually applied. */
  stackWeights(): Promise<Weights>;
}

/** Live reads for one service and its receiving cluster. */
export interface LiveTraffic {
  /** The weights actually on the listener rule or the Route53 records, per cluster. */
  appliedWeights(): Promise<Weights>;
  observeGates(): Promise<GateObservation>;
}

/**
 * Where a halt (a failed gate, a failed apply, or a stop by signal) takes the traffic:
 * - `last-passed`: back to the last step whose gates passed, then bake it again; if its gates
 *   fail there too, on to the origin (the weights before the rollout);
 * - `origin`: straight back to the weights before the rollout.
 */
export type HaltPolicy = "last-passed" | "origin";
export const HALT_POLICIES: readonly HaltPolicy[] = ["last-passed", "origin"];

export type { Clock } from "./bake.js";

export interface RolloutTiming {
  /** How long each step must pass its gates. */
  readonly bakeMs: number;
  /** Time between gate observations. @default 30 s */
  readonly pollMs: number;
  /** How long missing data may pause one step before the rollout stops where it is. @default 30 min */
  readonly maxPauseMs: number;
  /** Reads of the live weights after an apply before calling it a mismatch. @default 3 */
  readonly verifyAttempts: number;
  /** A failed AWS read (throttled, a network blip) is tried again this many times, backing off, before it counts. @default 5 */
  readonly readRetries: number;
  /** The first back-off; each retry doubles it, up to 30 s. @default 1 s */
  readonly retryBaseMs: number;
}

export const DEFAULT_TIMING: Omit<RolloutTiming, "bakeMs"> = { pollMs: 30_000, maxPauseMs: 30 * 60_000, verifyAttempts: 3, readRetries: 5, retryBaseMs: 1000 };

export type RolloutEvent =
  | { readonly type: "step"; readonly index: number; readonly count: number; readonly step: RolloutStep }
  | { readonly type: "write"; readonly weights: Weights; readonly why: "step" | "rollback" | "stack" }
  | { readonly type: "retry"; readonly what: string; readonly attempt: number; readonly waitMs: number; readonly error: string }
  | { readonly type: "halting"; readonly reason: string; readonly to: Weights }
  | { readonly type: "pulumi"; readonly line: string }
  | { readonly type: "applied"; readonly weights: Weights }
  | { readonly type: "gates"; readonly verdict: GateVerdict; readonly bakedMs: number; readonly bakeMs: number; readonly pausedMs: number }
  | { readonly type: "passed"; readonly step: RolloutStep };

export type RolloutOutcome =
  /** Every step passed. */
  | "completed"
  /** A gate failed, an apply failed or the live weights did not match: the last good weights were restored. */
  | "halted"
  /** Data stayed missing longer than maxPauseMs: the weights stay at the step, recorded in the file. */
  | "paused"
  /** The gates failed before any weight moved, or the stack held other changes: this step changed nothing. */
  | "refused"
  /** Stopped by a signal (Ctrl-C, SIGTERM) at a safe point, and taken back as a halt would be. */
  | "interrupted";

export interface RolloutFailure {
  /** The step's percentage, or undefined for the check before the first step. */
  readonly percent?: number;
  readonly at: Date;
  readonly reason: string;
  readonly checks: readonly GateCheck[];
}

export interface RolloutResult {
  readonly outcome: RolloutOutcome;
  /** The weights the stack file holds at the end, read from the file. */
  readonly weights: Weights;
  /** Set when the file's weights are not what baton last wrote there (edited meanwhile), or could not be read back. */
  readonly fileNote?: string;
  readonly failure?: RolloutFailure;
  /** False when restoring the last good weights itself failed: AWS may not match the file. */
  readonly restored?: boolean;
  readonly restoreError?: string;
  /** What the halt policy did, in order (e.g. "back to 25%: gates passed again"). */
  readonly recovery?: readonly string[];
}

export interface RolloutPorts {
  readonly store: WeightsStore;
  readonly applier: StackApplier;
  readonly live: LiveTraffic;
  readonly clock: Clock;
  readonly onEvent?: (event: RolloutEvent) => void;
  /** Aborted: stop at the next safe point (a running update finishes), then take the traffic back. */
  readonly signal?: AbortSignal;
  /** Aborted: also cancel a running update now (Pulumi's own graceful cancel). */
  readonly cancel?: AbortSignal;
  /** @default "last-passed" */
  readonly onHalt?: HaltPolicy;
}

interface ApplyFailure {
  readonly reason: string;
  /** others: the stack held other changes, nothing was written; conflict: someone else edited the weights. */
  readonly kind: "others" | "conflict" | "up" | "verify";
}

type Watch = BakeOutcome;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs a schedule to its end, a halt, a pause or an interruption. */
export async function runRollout(schedule: Schedule, timing: RolloutTiming, ports: RolloutPorts): Promise<RolloutResult> {
  const { store, applier, live, clock, signal } = ports;
  const emit = ports.onEvent ?? (() => undefined);
  const onHalt = ports.onHalt ?? "last-passed";
  const receiving = (weights: Weights) => (weights[schedule.to] ?? 0) > 0;
  const aborted = () => signal?.aborted === true;
  let fileWeights: Weights = store.read();

  /** A read, tried again with exponential back-off (1 s, 2 s, 4 s, ... up to 30 s) when it throws. */
  const retrying = <T>(what: string, read: () => Promise<T>) =>
    retryingRead(what, read, timing, clock, signal, (retry) => emit({ type: "retry", ...retry }));

  /** Observes the gates until they pass for `bakeMs`, fail, or lack data for too long. */
  function watch(weights: Weights, bakeMs: number): Promise<Watch> {
    const judge = async () => {
      const read = await retrying("reading the gates", () => live.observeGates());
      const observation: GateObservation = "value" in read ? read.value : { alarms: [], error: `could not read the gates: ${read.error}` };
      return evaluateGates(schedule.gates, observation, receiving(weights));
    };
    return bakeUnderGates(judge, bakeMs, timing, clock, signal, (verdict, bakedMs, pausedMs) => emit({ type: "gates", verdict, bakedMs, bakeMs, pausedMs }));
  }

  async function write(weights: Weights, why: "step" | "rollback" | "stack"): Promise<void> {
    if (sameWeights(fileWeights, weights)) return;
    await store.write(weights);
    fileWeights = { ...weights };
    emit({ type: "write", weights, why });
  }

  /**
   * Checks the stack holds nothing but this service's weights to apply (steps only: a rollback must
   * not be blocked by someone else's pending edit, and its update is targeted anyway), writes
   * `weights`, applies them with a targeted update and verifies them on AWS.
   */
  async function apply(weights: Weights, why: "step" | "rollback"): Promise<ApplyFailure | undefined> {
    if (why === "step") {
      let others: readonly string[];
      try {
        others = await applier.otherChanges();
      } catch (error) {
        return { kind: "others", reason: `pulumi preview failed: ${errorText(error)}` };
      }
      if (others.length > 0) {
        return { kind: "others", reason: `the stack holds changes besides ${schedule.service}'s weights, and baton applies only those: ${others.join("; ")}. Apply or revert them first` };
      }
    }
    try {
      await write(weights, why);
    } catch (error) {
      return { kind: "conflict", reason: errorText(error) };
    }
    try {
      await applier.up((line) => emit({ type: "pulumi", line }), ports.cancel);
    } catch (error) {
      return { kind: "up", reason: `pulumi up failed: ${errorText(error)}; ${await recordStack()}` };
    }
    let seen: Weights | undefined;
    let readError: string | undefined;
    for (let attempt = 1; attempt <= timing.verifyAttempts; attempt++) {
      const read = await retrying("reading the applied weights", () => live.appliedWeights());
      if ("value" in read) {
        seen = read.value;
        readError = undefined;
        if (sameWeights(seen, weights)) {
          emit({ type: "applied", weights });
          return undefined;
        }
      } else {
        readError = read.error;
      }
      if (attempt < timing.verifyAttempts) await clock.sleep(timing.pollMs);
    }
    return {
      kind: "verify",
      reason: readError !== undefined
        ? `could not read the applied weights (after ${timing.readRetries} retries): ${readError}`
        : `AWS holds ${formatWeights(seen ?? {})} after pulumi up, not ${formatWeights(weights)}`,
    };
  }

  /** After a failed update: the file gets what the stack's state says was applied, not what was asked for. */
  async function recordStack(): Promise<string> {
    const read = await retrying("reading the stack's state", () => applier.stackWeights());
    if ("error" in read) return `the stack's weights could not be read back (${read.error}); ${formatWeights(fileWeights)} in the file may not be applied`;
    try {
      await write(read.value, "stack");
    } catch (error) {
      return `the stack holds ${formatWeights(read.value)}, but the file could not be updated: ${errorText(error)}`;
    }
    return `the stack holds ${formatWeights(read.value)}, now in the file`;
  }

  let lastGood: Weights = schedule.fallback;
  let moved = false;

  /** Takes the traffic back as the halt policy says; returns what happened and whether it worked. */
  async function takeBack(recheck: boolean): Promise<{ restored: boolean; restoreError?: string; recovery: string[] }> {
    const recovery: string[] = [];
    const origin = schedule.fallback;
    const first = onHalt === "origin" ? origin : lastGood;
    emit({ type: "halting", reason: onHalt === "origin" ? "back to the origin" : "back to the last step that passed", to: first });
    const failed = await apply(first, "rollback");
    if (failed) return { restored: false, restoreError: failed.reason, recovery };
    recovery.push(`restored ${formatWeights(first)}${sameWeights(first, origin) ? " (the origin)" : " (the last step that passed)"}`);
    if (!recheck || sameWeights(first, origin)) return { restored: true, recovery };
    // A step that passed once is safe only if it still passes: bake it again before calling it safe.
    const again = await watch(first, timing.bakeMs);
    if (again.state === "pass") {
      recovery.push(`its gates passed again for ${Math.round(timing.bakeMs / 1000)} s`);
      return { restored: true, recovery };
    }
    if (again.state === "interrupted") {
      recovery.push("stopped while re-checking its gates; it stays there");
      return { restored: true, recovery };
    }
    recovery.push(`its gates did not pass again (${again.state === "fail" ? "a gate failed" : "no data"}): on to the origin`);
    emit({ type: "halting", reason: "the last passed step failed its re-check", to: origin });
    const second = await apply(origin, "rollback");
    if (second) return { restored: false, restoreError: second.reason, recovery };
    recovery.push(`restored ${formatWeights(origin)} (the origin)`);
    return { restored: true, recovery };
  }

  async function halt(percent: number | undefined, reason: string, checks: readonly GateCheck[], failure?: ApplyFailure): Promise<RolloutResult> {
    const at = new Date(clock.now());
    const report: RolloutFailure = { ...(percent === undefined ? {} : { percent }), at, reason, checks };
    // Nothing of this step was written; the traffic stays on the last step, which passed its gates.
    if (failure?.kind === "others") return { outcome: "refused", weights: fileWeights, failure: report };
    if (failure?.kind === "conflict") {
      // Someone else decided where this service's traffic goes; a rollout does not overwrite that.
      return { outcome: "halted", weights: fileWeights, failure: report, restored: false, restoreError: "the file was changed by someone else, so baton left it and the stack alone" };
    }
    const back = await takeBack(!aborted());
    return { outcome: "halted", weights: fileWeights, failure: report, ...back };
  }

  async function interrupted(percent: number | undefined): Promise<RolloutResult> {
    const at = new Date(clock.now());
    const report: RolloutFailure = { ...(percent === undefined ? {} : { percent }), at, reason: "stopped by a signal", checks: [] };
    if (!moved) return { outcome: "interrupted", weights: fileWeights, failure: report, restored: true };
    const back = await takeBack(false);
    return { outcome: "interrupted", weights: fileWeights, failure: report, ...back };
  }

  /** The schedule, step by step, to its outcome. */
  async function drive(): Promise<RolloutResult> {
    // Before the first weight moves, the gates must already pass (a single observation, no bake).
    if (schedule.steps[0] && !schedule.steps[0].resumed) {
      const pre = await watch(schedule.current, 0);
      if (pre.state === "interrupted") return interrupted(undefined);
      if (pre.state !== "pass") {
        const failure = { at: new Date(clock.now()), reason: pre.state === "fail" ? "the gates fail before any traffic moves" : "the gates have no data", checks: pre.verdict.checks };
        return { outcome: pre.state === "fail" ? "refused" : "paused", weights: fileWeights, failure };
      }
    }

    for (const [index, step] of schedule.steps.entries()) {
      if (aborted()) return interrupted(schedule.steps[index - 1]?.percent);
      emit({ type: "step", index, count: schedule.steps.length, step });
      // A resumed step was applied by an earlier run: traffic is already off the origin.
      if (step.resumed) moved = true;
      const failure = await apply(step.weights, "step");
      if (failure === undefined || failure.kind !== "others") moved = moved || !sameWeights(step.weights, schedule.fallback);
      // A preview interrupted by the signal wrote nothing: this is the stop, not a refusal.
      if (failure?.kind === "others" && aborted()) return interrupted(schedule.steps[index - 1]?.percent);
      if (failure) return halt(step.percent, failure.reason, [], failure);
      if (aborted()) return interrupted(step.percent);
      const watched = await watch(step.weights, timing.bakeMs);
      if (watched.state === "interrupted") return interrupted(step.percent);
      if (watched.state === "fail") return halt(step.percent, "a health gate failed", watched.verdict.checks);
      if (watched.state === "paused") {
        const failure = { percent: step.percent, at: new Date(clock.now()), reason: `the gates had no data for ${Math.round(timing.maxPauseMs / 60_000)} min`, checks: watched.verdict.checks };
        return { outcome: "paused", weights: fileWeights, failure };
      }
      emit({ type: "passed", step });
      lastGood = step.weights;
    }
    return { outcome: "completed", weights: fileWeights };
  }

  const result = await drive();
  // The report states what the file holds now, read from it: someone may have edited it meanwhile.
  let now: Weights;
  try {
    now = store.read();
  } catch (error) {
    return { ...result, weights: fileWeights, fileNote: `could not be read back (${errorText(error)}); baton last wrote or read ${formatWeights(fileWeights)} there` };
  }
  return { ...result, weights: now, ...(sameWeights(now, fileWeights) ? {} : { fileNote: `changed by someone else since baton last wrote or read ${formatWeights(fileWeights)} there` }) };
}
