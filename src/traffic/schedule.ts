/**
 * A rollout's schedule: the weights of every step, worked out and checked by the spec before
 * anything is touched, and where a rerun resumes.
 */
import { formatPlan, type Paint } from "../fleet/format-plan.js";
import { plan, type Plan } from "../fleet/plan.js";
import { gatesOf } from "../fleet/schema.js";
import type { GatesSpec, ServiceSpec } from "../fleet/types.js";
import { closest } from "../fleet/suggest.js";
import { validateFleet, type ValidateOptions } from "../fleet/validate.js";
import { weightsForPercentages, percentOf } from "./weights.js";

export interface RolloutStep {
  /** The receiving cluster's share, in percent. */
  readonly percent: number;
  readonly weights: Readonly<Record<string, number>>;
  /** The weights the file already holds, re-applied and re-baked on a rerun. */
  readonly resumed: boolean;
}

export interface Schedule {
  readonly service: string;
  readonly to: string;
  readonly routing: ServiceSpec["routing"];
  readonly gates: GatesSpec;
  /** The weights in the file now. */
  readonly current: Readonly<Record<string, number>>;
  /** What a halt restores before any step passes: the file's weights, or on a rerun the step below them. */
  readonly fallback: Readonly<Record<string, number>>;
  /** Steps still to run, in order. Empty when the file is already at the last step. */
  readonly steps: readonly RolloutStep[];
}

/** A schedule the spec refuses, or arguments that cannot make one. */
export class ScheduleError extends Error {
  override name = "ScheduleError";
  constructor(message: string, readonly refusal?: Plan) {
    super(message);
  }
}

/** At most this many steps: each one is an update and a bake. */
export const MAX_STEPS = 20;

/**
 * Parses `10,25,50,100`: whole percentages from 1 to 100, strictly rising, at most 20. A fraction of
 * a percent cannot be expressed in whole weights, so it would be a step that moves nothing.
 */
export function parseSteps(text: string): number[] {
  const steps = text.split(",").map((s) => s.trim().replace(/%$/, ""));
  if (steps.length > MAX_STEPS) throw new ScheduleError(`--steps: ${steps.length} steps; at most ${MAX_STEPS} (each is an update and a bake)`);
  const values = steps.map(Number);
  values.forEach((v, i) => {
    if (!/^\d{1,3}$/.test(steps[i]!) || v <= 0 || v > 100) {
      throw new ScheduleError(`--steps: "${steps[i]}" is not a whole percentage above 0 and at most 100 (e.g. --steps 10,25,50,100)`);
    }
    if (i > 0 && v <= values[i - 1]!) throw new ScheduleError(`--steps must rise: ${values[i - 1]} is followed by ${v}`);
  });
  return values;
}

/** Bounds on a duration option: [least, most] in milliseconds. */
export type DurationBounds = readonly [number, number];
const HOUR = 3_600_000;
/** The bounds of each rollout duration option; all below Node's 24.8-day timer limit. */
export const DURATION_BOUNDS = {
  "--bake": [0, 24 * HOUR],
  "--poll": [1000, HOUR],
  "--max-pause": [0, 24 * HOUR],
  // One pulumi command (preview, up, stack export): long enough for a large stack's preview, never unbounded.
  "--pulumi-timeout": [10_000, 24 * HOUR],
} as const satisfies Record<string, DurationBounds>;

/** Parses a duration like `10m`, `90s`, `1h30m` or `0` into milliseconds, within `bounds`. */
export function parseDuration(text: string, option: string, bounds: DurationBounds = [0, 24 * HOUR]): number {
  const trimmed = text.trim();
  const match = /^(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,6})s)?$/.exec(trimmed);
  if (trimmed !== "0" && (!match || trimmed === "")) throw new ScheduleError(`${option}: "${text}" is not a duration like 10m, 90s or 1h30m`);
  const [, h = "0", m = "0", s = "0"] = match ?? [];
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  const [least, most] = bounds;
  if (ms < least || ms > most) {
    throw new ScheduleError(`${option}: ${text} is out of range; it takes ${formatBound(least)} to ${formatBound(most)}`);
  }
  return ms;
}

const formatBound = (ms: number) => (ms === 0 ? "0" : ms % HOUR === 0 ? `${ms / HOUR}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

/** ` (did you mean "x"?)` when a known name is close to `name`. */
function didYouMean(name: string, known: readonly string[]): string {
  const guess = closest(name, known);
  return guess === undefined ? "" : ` (did you mean "${guess}"?)`;
}

/** The raw fleet with one service's weights replaced. */
function withWeights(rawFleet: unknown, service: string, weights: Readonly<Record<string, number>>): unknown {
  const copy = structuredClone(rawFleet) as { services: Record<string, { weights: unknown }> };
  copy.services[service]!.weights = { ...weights };
  return copy;
}

/**
 * Works out every step of a rollout of `service` to cluster `to` from the file's current weights,
 * and asks the spec to allow each move: forward from the previous step, and back to the fallback
 * (a halt's rollback). A rerun starts at the file's weights: steps at or below its share are done.
 */
export function buildSchedule(
  rawFleet: unknown,
  service: string,
  to: string,
  percents: readonly number[],
  paint: Paint,
  options: ValidateOptions = {},
): Schedule {
  // The file holds the weights last applied: problems it already has are the current state's, so a
  // rollout away from a cluster past EKS support is still possible.
  const validation = validateFleet(rawFleet, { ...options, deployed: rawFleet });
  if (!validation.ok) throw new ScheduleError("the stack config is invalid; run baton validate", plan(rawFleet, rawFleet, options));
  const fleet = validation.fleet;
  const spec = Object.hasOwn(fleet.services, service) ? fleet.services[service] : undefined;
  if (!spec) throw new ScheduleError(`service "${service}" is not defined${didYouMean(service, Object.keys(fleet.services))} (services: ${Object.keys(fleet.services).join(", ") || "none"})`);
  if (!Object.hasOwn(fleet.clusters, to)) throw new ScheduleError(`--to: "${to}" is not a cluster of fleet ${fleet.name}${didYouMean(to, Object.keys(fleet.clusters))} (clusters: ${Object.keys(fleet.clusters).join(", ")})`);
  if (percents.length === 0) throw new ScheduleError("--steps needs at least one step");

  const current = spec.weights;
  const routing = spec.routing;
  const at = (percent: number) => weightsForPercentages(current, routing, { [to]: percent });
  const currentPercent = percentOf(current, to);
  const resumed = currentPercent > 0 && currentPercent < percents.at(-1)!;
  // On a rerun the file's weights were applied but perhaps never baked: fall back below them.
  const below = percents.filter((p) => p < currentPercent).at(-1);
  const fallback = resumed ? at(below ?? 0) : current;
  const steps: RolloutStep[] = [
    ...(resumed ? [{ percent: currentPercent, weights: current, resumed: true }] : []),
    ...percents.filter((p) => p > currentPercent).map((p) => ({ percent: p, weights: at(p), resumed: false })),
  ];

  let previous = fallback;
  for (const step of steps) {
    for (const [from, into, what] of [[previous, step.weights, `step ${step.percent}%`], [step.weights, fallback, `the rollback from step ${step.percent}%`]] as const) {
      const verdict = plan(withWeights(rawFleet, service, from), withWeights(rawFleet, service, into), options);
      if (!verdict.allowed) throw new ScheduleError(`the spec refuses ${what}:\n\n${formatPlan(verdict, paint)}`, verdict);
    }
    previous = step.weights;
  }
  return { service, to, routing, gates: gatesOf(spec), current, fallback, steps };
}
