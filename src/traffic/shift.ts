/**
 * `baton shift`: a weight edit on a stack file, checked by the spec before it is written.
 * The spec's `plan` decides whether the edit is allowed; this module never restates its rules.
 */
import { plan, type Plan } from "../fleet/plan.js";
import { parseStackConfig } from "../fleet/stack-config.js";
import { closest } from "../fleet/suggest.js";
import type { ValidateOptions } from "../fleet/validate.js";
import { readServiceWeights, writeServiceWeights } from "./stack-file.js";
import { applyAssignments, type WeightAssignment } from "./weights.js";

export interface ShiftProposal {
  readonly service: string;
  readonly before: Readonly<Record<string, number>>;
  readonly after: Readonly<Record<string, number>>;
  /** The whole file with only the weights changed. */
  readonly text: string;
  /** The spec's verdict on the change, with its rollback. */
  readonly plan: Plan;
  /** Arguments for `baton shift` that undo this shift. */
  readonly rollbackArgs: readonly string[];
}

/** A shift the arguments themselves make impossible (before the spec is asked). */
export class ShiftArgumentError extends Error {
  override name = "ShiftArgumentError";
}

/**
 * Computes the edited file for `assignments` and asks the spec about the transition. Nothing is
 * written: the caller writes `text` only when `plan.allowed`.
 */
export function proposeShift(
  text: string,
  file: string,
  service: string,
  assignments: readonly WeightAssignment[],
  options: ValidateOptions = {},
): ShiftProposal {
  const current = readServiceWeights(text, file, service);
  // A cluster name the fleet does not have is a typo in the command, not a weight to refuse.
  const raw = current.fleet as { clusters?: unknown } | null;
  const clusters = raw && typeof raw.clusters === "object" && raw.clusters !== null ? Object.keys(raw.clusters) : [];
  for (const { cluster } of assignments) {
    if (clusters.includes(cluster)) continue;
    const guess = closest(cluster, clusters);
    throw new ShiftArgumentError(`"${cluster}" is not a cluster of ${file}${guess ? ` (did you mean "${guess}"?)` : ""}; clusters: ${clusters.join(", ") || "none"}`);
  }
  const after = applyAssignments(current.weights, current.routing, assignments);
  if (typeof after === "string") throw new ShiftArgumentError(after);
  const edited = writeServiceWeights(text, file, service, after);
  // Plan against what the edited text actually says, so the check covers the bytes to be written.
  const afterFleet = parseStackConfig(edited, file).fleet;
  return {
    service,
    before: current.weights,
    after,
    text: edited,
    plan: plan(current.fleet, afterFleet, options),
    // A cluster the shift added goes back to 0 (same traffic as absent, and the file keeps one edit).
    rollbackArgs: Object.keys(after).map((cluster) => `${cluster}=${current.weights[cluster] ?? 0}`),
  };
}
