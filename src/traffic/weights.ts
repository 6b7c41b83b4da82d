/**
 * Weight arithmetic for `baton shift` and `baton rollout`: turning "green=25%" into whole weights.
 * The rules on weights (ranges, all-zero, target-group limit) stay in the spec; this only
 * computes candidate weights, which the spec then validates.
 */
import { WEIGHT_LIMITS, type Weights } from "../fleet/traffic.js";

/** One `<cluster>=<weight>` or `<cluster>=<percent>%` argument. */
export interface WeightAssignment {
  readonly cluster: string;
  readonly value: number;
  /** True for the `25%` form: a share of the service's total rather than a raw weight. */
  readonly percent: boolean;
}

/** Parses `green=25` or `green=25%`; returns an error message instead when the argument is malformed. */
export function parseAssignment(arg: string): WeightAssignment | string {
  const match = /^([a-z][a-z0-9-]*)=(\d+(?:\.\d+)?)(%?)$/.exec(arg);
  if (!match) return `"${arg}" is not <cluster>=<weight> or <cluster>=<percent>% (e.g. green=25 or green=25%)`;
  const value = Number(match[2]);
  const percent = match[3] === "%";
  if (percent && value > 100) return `"${arg}": a percentage is at most 100%`;
  return { cluster: match[1]!, value, percent };
}

/**
 * Splits `total` into whole numbers proportional to `parts` (largest remainder), so the result
 * sums exactly to `total`. All-zero parts are split evenly.
 */
export function apportion(parts: Readonly<Record<string, number>>, total: number): Record<string, number> {
  const names = Object.keys(parts);
  const out: Record<string, number> = {};
  if (names.length === 0) return out;
  const sum = names.reduce((s, n) => s + (parts[n] ?? 0), 0);
  const exact = names.map((n) => ({ n, x: sum === 0 ? total / names.length : ((parts[n] ?? 0) * total) / sum }));
  let left = total;
  for (const { n, x } of exact) {
    out[n] = Math.floor(x);
    left -= out[n]!;
  }
  // Ties go to the name listed first, so the result does not depend on sort stability.
  const byRemainder = [...exact].sort((a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)));
  for (const { n } of byRemainder) {
    if (left <= 0) break;
    out[n]! += 1;
    left -= 1;
  }
  return out;
}

/**
 * The total that percentages are taken of: the current total, but at least 100 (so a whole
 * percent is exact) and at most the routing's per-weight limit (so 100% still fits one weight).
 */
export function percentBase(weights: Weights, routing: keyof typeof WEIGHT_LIMITS): number {
  const total = Object.values(weights).reduce((s, w) => s + w, 0);
  return Math.min(Math.max(total, 100), WEIGHT_LIMITS[routing]);
}

/**
 * Sets the named clusters to their percentage of the total and scales every other listed cluster
 * so they keep their proportions between themselves and share what is left.
 */
export function weightsForPercentages(
  weights: Weights,
  routing: keyof typeof WEIGHT_LIMITS,
  percentages: Readonly<Record<string, number>>,
): Record<string, number> {
  const base = percentBase(weights, routing);
  const fixed: Record<string, number> = {};
  for (const [cluster, percent] of Object.entries(percentages)) fixed[cluster] = Math.round((percent * base) / 100);
  const fixedSum = Object.values(fixed).reduce((s, w) => s + w, 0);
  const others = Object.fromEntries(Object.entries(weights).filter(([c]) => !(c in percentages)));
  const scaled = apportion(others, Math.max(base - fixedSum, 0));
  // Keep the order the user wrote the clusters in; new clusters go last.
  const out: Record<string, number> = {};
  for (const cluster of Object.keys(weights)) out[cluster] = fixed[cluster] ?? scaled[cluster] ?? 0;
  for (const [cluster, weight] of Object.entries(fixed)) out[cluster] = weight;
  return out;
}

/**
 * Applies `cluster=value` assignments to a service's weights. Raw weights and percentages cannot be
 * mixed in one shift (what the percentages would be a share of is ambiguous); that and percentages
 * over 100% in sum are returned as an error message.
 */
export function applyAssignments(
  weights: Weights,
  routing: keyof typeof WEIGHT_LIMITS,
  assignments: readonly WeightAssignment[],
): Record<string, number> | string {
  const seen = new Set<string>();
  for (const a of assignments) {
    if (seen.has(a.cluster)) return `cluster ${a.cluster} is assigned twice`;
    seen.add(a.cluster);
  }
  const percent = assignments.filter((a) => a.percent);
  if (percent.length === 0) {
    const out: Record<string, number> = { ...weights };
    for (const a of assignments) out[a.cluster] = a.value;
    return out;
  }
  if (percent.length !== assignments.length) return "use either weights (green=25) or percentages (green=25%) in one shift, not both";
  const sum = percent.reduce((s, a) => s + a.value, 0);
  if (sum > 100) return `the percentages add up to ${sum}%, more than 100%`;
  if (sum < 100 && Object.keys(weights).every((c) => seen.has(c))) {
    return `the percentages add up to ${sum}% and no other cluster is listed to take the rest`;
  }
  return weightsForPercentages(weights, routing, Object.fromEntries(percent.map((a) => [a.cluster, a.value])));
}

/** The share of `cluster` in whole percent (rounded), 0 when the weights are all zero. */
export function percentOf(weights: Weights, cluster: string): number {
  const total = Object.values(weights).reduce((s, w) => s + w, 0);
  return total === 0 ? 0 : Math.round(((weights[cluster] ?? 0) * 100) / total);
}

export function sameWeights(a: Weights, b: Weights): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}
