/**
 * Baking under health gates: observe until the gates pass for the bake time, fail, or lack data
 * for too long; and reads tried again with back-off when AWS throttles or the network blips.
 * Shared by the rollout (one service's gates) and a plan's run (every gated service of a stack).
 */
import type { GateVerdict } from "./gates.js";

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Node fires a timer longer than this at once; the commands' bounds stay far below it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A clock on real time whose sleep ends early on Ctrl-C (the signal), as `rollout` and `run-plan` use it. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.min(ms, MAX_TIMER_MS));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  }),
};

export interface BakeTiming {
  /** Time between gate observations. */
  readonly pollMs: number;
  /** How long missing data may pause a bake before it stops where it is. */
  readonly maxPauseMs: number;
  /** A failed read is tried again this many times, backing off, before it counts. */
  readonly readRetries: number;
  /** The first back-off; each retry doubles it, up to 30 s. */
  readonly retryBaseMs: number;
}

export type BakeOutcome =
  | { readonly state: "pass" }
  | { readonly state: "fail" | "paused"; readonly verdict: GateVerdict }
  | { readonly state: "interrupted" };

const MAX_BACKOFF_MS = 30_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface RetryEvent {
  readonly what: string;
  readonly attempt: number;
  readonly waitMs: number;
  readonly error: string;
}

/** A read, tried again with exponential back-off (1 s, 2 s, 4 s, ... up to 30 s) when it throws. */
export async function retrying<T>(
  what: string, read: () => Promise<T>, timing: BakeTiming, clock: Clock, signal: AbortSignal | undefined, onRetry: (event: RetryEvent) => void,
): Promise<{ value: T } | { error: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await read() };
    } catch (error) {
      if (attempt > timing.readRetries || signal?.aborted === true) return { error: errorText(error) };
      const waitMs = Math.min(timing.retryBaseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      onRetry({ what, attempt, waitMs, error: errorText(error) });
      await clock.sleep(waitMs, signal);
    }
  }
}

/**
 * Judges the gates (`judge`: one observation, read and evaluated) until they pass for `bakeMs`,
 * fail, or lack data for longer than `maxPauseMs`. Only time under passing gates counts toward the
 * bake; missing data stops the clock. `signal` aborting ends it at the next safe point.
 */
export async function bakeUnderGates(
  judge: () => Promise<GateVerdict>, bakeMs: number, timing: BakeTiming, clock: Clock, signal: AbortSignal | undefined,
  onVerdict: (verdict: GateVerdict, bakedMs: number, pausedMs: number) => void,
): Promise<BakeOutcome> {
  const aborted = () => signal?.aborted === true;
  let bakedMs = 0;
  let pausedMs = 0;
  for (;;) {
    if (aborted()) return { state: "interrupted" };
    const verdict = await judge();
    if (aborted()) return { state: "interrupted" };
    onVerdict(verdict, bakedMs, pausedMs);
    if (verdict.state === "fail") return { state: "fail", verdict };
    if (verdict.state === "pass" && bakedMs >= bakeMs) return { state: "pass" };
    if (verdict.state === "no-data" && pausedMs >= timing.maxPauseMs) return { state: "paused", verdict };
    const wait = verdict.state === "pass" ? Math.min(timing.pollMs, bakeMs - bakedMs) : timing.pollMs;
    const started = clock.now();
    await clock.sleep(wait, signal);
    if (aborted()) return { state: "interrupted" };
    if (verdict.state === "pass") bakedMs += clock.now() - started;
    else pausedMs += clock.now() - started;
  }
}
