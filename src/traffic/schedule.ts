/**
 * A rollout's schedule: the weights of every step, worked out and checked by the spec before
 * anything is touched, and where a rerun resumes.
 */
import { formatPlan, type Paint } from "../spec/format-plan.js";
import { plan, type Plan } from "../spec/plan.js";
import { gatesOf, type GatesSpec, type ServiceSpec } from "../spec/schema.js";
import { closest } from "../spec/suggest.js";
import { validateFleet, type ValidateOptions } from "../spec/validate.js";
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

/** Parses `10,25,50,100`: whole or decimal percentages, strictly rising, each in (0, 100]. */
export function parseSteps(text: string): number[] {
  const steps = text.split(",").map((s) => s.trim().replace(/%$/, ""));
  const values = steps.map(Number);
  values.forEach((v, i) => {
    if (steps[i] === "" || !Number.isFinite(v) || v <= 0 || v > 100) {
      throw new ScheduleError(`--steps: "${steps[i]}" is not a percentage above 0 and at most 100 (e.g. --steps 10,25,50,100)`);
    }
    if (i > 0 && v <= values[i - 1]!) throw new ScheduleError(`--steps must rise: ${values[i - 1]} is followed by ${v}`);
  });
  return values;
}

/** Parses a duration like `10m`, `90s`, `1h30m` or `0` into milliseconds. */
export function parseDuration(text: string, option: string): number {
  if (text === "0") return 0;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === "") throw new ScheduleError(`${option}: "${text}" is not a duration like 10m, 90s or 1h30m`);
  const [, h = "0", m = "0", s = "0"] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

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
