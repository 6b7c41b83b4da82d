/**
 * The health-gated rollout's state machine. For each step: record the weights in the stack file,
 * apply them (`pulumi up`), verify them on AWS, then watch the gates for the bake time. A failed
 * gate halts and restores the last weights that passed; missing data pauses. Every side effect
 * goes through the ports below, so tests drive it with fakes and scripted observations.
 */
import { formatWeights, type Weights } from "../spec/traffic.js";
import { evaluateGates, type GateCheck, type GateObservation, type GateVerdict } from "./gates.js";
import type { RolloutStep, Schedule } from "./schedule.js";
import { sameWeights } from "./weights.js";

/** The service's weights in the stack file: the record of what is (to be) applied. */
export interface WeightsStore {
  read(): Weights;
  write(weights: Weights): void;
}

/** Applies the stack file to AWS: `pulumi up` for the stack. Rejects when the update fails. */
export interface StackApplier {
  up(onOutput: (line: string) => void): Promise<void>;
}

/** Live reads for one service and its receiving cluster. */
export interface LiveTraffic {
  /** The weights actually on the listener rule or the Route53 records, per cluster. */
  appliedWeights(): Promise<Weights>;
  observeGates(): Promise<GateObservation>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RolloutTiming {
  /** How long each step must pass its gates. */
  readonly bakeMs: number;
  /** Time between gate observations. @default 30 s */
  readonly pollMs: number;
  /** How long missing data may pause one step before the rollout stops where it is. @default 30 min */
  readonly maxPauseMs: number;
  /** Reads of the live weights after an apply before calling it a mismatch. @default 3 */
  readonly verifyAttempts: number;
}

export const DEFAULT_TIMING: Omit<RolloutTiming, "bakeMs"> = { pollMs: 30_000, maxPauseMs: 30 * 60_000, verifyAttempts: 3 };

export type RolloutEvent =
  | { readonly type: "step"; readonly index: number; readonly count: number; readonly step: RolloutStep }
  | { readonly type: "write"; readonly weights: Weights; readonly why: "step" | "rollback" }
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
  /** The gates failed before any weight moved: nothing was changed. */
  | "refused"
  /** Stopped by the user (Ctrl-C): the file holds the weights last written for apply; a rerun resumes. */
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
  /** The weights the stack file holds at the end. */
  readonly weights: Weights;
  readonly failure?: RolloutFailure;
  /** False when restoring the last good weights itself failed: AWS may not match the file. */
  readonly restored?: boolean;
  readonly restoreError?: string;
}

export interface RolloutPorts {
  readonly store: WeightsStore;
  readonly applier: StackApplier;
  readonly live: LiveTraffic;
  readonly clock: Clock;
  readonly onEvent?: (event: RolloutEvent) => void;
  readonly signal?: AbortSignal;
}

type Watch = { readonly state: "pass" } | { readonly state: "fail" | "paused"; readonly verdict: GateVerdict } | { readonly state: "interrupted" };

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs a schedule to its end, a halt, a pause or an interruption. */
export async function runRollout(schedule: Schedule, timing: RolloutTiming, ports: RolloutPorts): Promise<RolloutResult> {
  const { store, applier, live, clock, signal } = ports;
  const emit = ports.onEvent ?? (() => undefined);
  const receiving = (weights: Weights) => (weights[schedule.to] ?? 0) > 0;
  const aborted = () => signal?.aborted === true;

  /** Observes the gates until they pass for `bakeMs`, fail, or lack data for too long. */
  async function watch(weights: Weights, bakeMs: number): Promise<Watch> {
    let bakedMs = 0;
    let pausedMs = 0;
    for (;;) {
      if (aborted()) return { state: "interrupted" };
      let observation: GateObservation;
      try {
        observation = await live.observeGates();
      } catch (error) {
        observation = { alarms: [], error: `could not read the gates: ${errorText(error)}` };
      }
      const verdict = evaluateGates(schedule.gates, observation, receiving(weights));
      emit({ type: "gates", verdict, bakedMs, bakeMs, pausedMs });
      if (verdict.state === "fail") return { state: "fail", verdict };
      if (verdict.state === "pass" && bakedMs >= bakeMs) return { state: "pass" };
      if (verdict.state === "no-data" && pausedMs >= timing.maxPauseMs) return { state: "paused", verdict };
      const wait = verdict.state === "pass" ? Math.min(timing.pollMs, bakeMs - bakedMs) : timing.pollMs;
      const started = clock.now();
      await clock.sleep(wait, signal);
      if (aborted()) return { state: "interrupted" };
      // Only time under passing gates counts toward the bake; missing data stops the clock.
      if (verdict.state === "pass") bakedMs += clock.now() - started;
      else pausedMs += clock.now() - started;
    }
  }

  /** Writes, applies and verifies `weights`; returns why it failed, or undefined. */
  async function apply(weights: Weights, why: "step" | "rollback"): Promise<string | undefined> {
    if (!sameWeights(store.read(), weights)) {
      store.write(weights);
      emit({ type: "write", weights, why });
    }
    try {
      await applier.up((line) => emit({ type: "pulumi", line }));
    } catch (error) {
      return `pulumi up failed: ${errorText(error)}`;
    }
    let seen: Weights | undefined;
    let readError: string | undefined;
    for (let attempt = 1; attempt <= timing.verifyAttempts; attempt++) {
      try {
        seen = await live.appliedWeights();
        readError = undefined;
        if (sameWeights(seen, weights)) {
          emit({ type: "applied", weights });
          return undefined;
        }
      } catch (error) {
        readError = errorText(error);
      }
      if (attempt < timing.verifyAttempts) await clock.sleep(timing.pollMs);
    }
    return readError !== undefined
      ? `could not read the applied weights: ${readError}`
      : `AWS holds ${formatWeights(seen ?? {})} after pulumi up, not ${formatWeights(weights)}`;
  }

  let lastGood: Weights = schedule.fallback;

  async function halt(percent: number | undefined, reason: string, checks: readonly GateCheck[]): Promise<RolloutResult> {
    const failure: RolloutFailure = { ...(percent === undefined ? {} : { percent }), at: new Date(clock.now()), reason, checks };
    const restoreError = await apply(lastGood, "rollback");
    return { outcome: "halted", weights: store.read(), failure, restored: restoreError === undefined, ...(restoreError ? { restoreError } : {}) };
  }

  // Before the first weight moves, the gates must already pass (a single observation, no bake).
  if (schedule.steps[0] && !schedule.steps[0].resumed) {
    const pre = await watch(schedule.current, 0);
    if (pre.state === "interrupted") return { outcome: "interrupted", weights: store.read() };
    if (pre.state !== "pass") {
      const failure = { at: new Date(clock.now()), reason: pre.state === "fail" ? "the gates fail before any traffic moves" : "the gates have no data", checks: pre.verdict.checks };
      return { outcome: pre.state === "fail" ? "refused" : "paused", weights: store.read(), failure };
    }
  }

  for (const [index, step] of schedule.steps.entries()) {
    if (aborted()) return { outcome: "interrupted", weights: store.read() };
    emit({ type: "step", index, count: schedule.steps.length, step });
    const applyError = await apply(step.weights, "step");
    if (applyError) return halt(step.percent, applyError, []);
    const watched = await watch(step.weights, timing.bakeMs);
    if (watched.state === "interrupted") return { outcome: "interrupted", weights: store.read() };
    if (watched.state === "fail") return halt(step.percent, "a health gate failed", watched.verdict.checks);
    if (watched.state === "paused") {
      const failure = { percent: step.percent, at: new Date(clock.now()), reason: `the gates had no data for ${Math.round(timing.maxPauseMs / 60_000)} min`, checks: watched.verdict.checks };
      return { outcome: "paused", weights: store.read(), failure };
    }
    emit({ type: "passed", step });
    lastGood = step.weights;
  }
  return { outcome: "completed", weights: store.read() };
}
