/**
 * The review of many stacks at once: each stack's own review (the same rules as one stack), its
 * wave, and whether it was added, removed, changed or left alone; and the summary row a reviewer
 * reads first. The whole is refused when any stack is.
 */
import { byWave } from "../fleet/waves.js";
import { errorsOf, type Problem } from "../fleet/problems.js";
import type { Capture } from "./model.js";
import { cloudChanges } from "./model.js";
import type { Review } from "./review.js";
import { percent } from "./wording.js";

export type StackChange = "added" | "removed" | "changed" | "unchanged";

export interface StackReview {
  /** The stack's name, from its file name `Pulumi.<stack>.yaml`. */
  readonly stack: string;
  readonly change: StackChange;
  /** The head's `baton:wave` (the base's for a removed stack); undefined: last. */
  readonly wave?: number;
  /** The head's file, absent for a removed stack. */
  readonly headFile?: string;
  /** The base's file, absent for an added stack. */
  readonly baseFile?: string;
  readonly review: Review;
  /** The head's captured graph (offline previews), for `--format json`. */
  readonly capture?: Capture;
}

export interface StackSetReview {
  readonly offline: boolean;
  /** What was compared, e.g. `` `stacks/` against `base/` ``. */
  readonly subject: string;
  /** Every stack of either side, in the order they are upgraded: by wave, then by name. */
  readonly stacks: readonly StackReview[];
  /** False when any stack is refused. */
  readonly allowed: boolean;
}

const refusedOf = (review: Review) => review.verdict?.allowed === false;

/** Whether a stack in both base and head changes: its fleet, its resources, or a problem of its own. */
export function changeOf(inBase: boolean, inHead: boolean, review: Review): StackChange {
  if (!inBase) return "added";
  if (!inHead) return "removed";
  const fleetChanges = review.plan?.changes.length ?? 0;
  const resourceChanges = cloudChanges(review.changes).filter((c) => c.op !== "same").length;
  return fleetChanges > 0 || resourceChanges > 0 || refusedOf(review) ? "changed" : "unchanged";
}

/**
 * A review with problems of the stack file beside its fleet (a bad `baton:wave`): they block the
 * change as the fleet's own problems do.
 */
export function withStackProblems(review: Review, problems: readonly Problem[]): Review {
  const errors = errorsOf(problems);
  if (errors.length === 0) return review;
  const verdict = review.verdict;
  return {
    ...review,
    verdict: {
      allowed: false,
      refusedRules: [...new Set([...errors.map((p) => p.rule), ...(verdict?.refusedRules ?? [])])],
      blocking: [...errors, ...(verdict?.blocking ?? [])],
      warnings: verdict?.warnings ?? [],
      basis: verdict?.basis ?? "the stack file",
    },
  };
}

/** The stacks in upgrade order, and the verdict on the whole. */
export function stackSetReview(offline: boolean, subject: string, stacks: readonly StackReview[]): StackSetReview {
  const ordered = [...stacks].sort((a, b) => byWave({ name: a.stack, ...(a.wave === undefined ? {} : { wave: a.wave }) }, { name: b.stack, ...(b.wave === undefined ? {} : { wave: b.wave }) }));
  return { offline, subject, stacks: ordered, allowed: !stacks.some((s) => refusedOf(s.review)) };
}

export type StackVerdict = "allowed" | "refused" | "valid" | "invalid" | "no verdict";

/** One row of the summary: what a reviewer scans before opening a stack's review. */
export interface StackSummary {
  readonly stack: string;
  readonly change: StackChange;
  readonly wave?: number;
  readonly verdict: StackVerdict;
  readonly refusedRules: readonly string[];
  /** One entry per service whose traffic moves: `web: blue 90% → 50%, green 10% → 50%`. */
  readonly trafficMoves: readonly string[];
  /** Node groups that roll, and their nodes. */
  readonly rolls: { readonly groups: number; readonly nodes: number };
  /** What cannot be undone, by subject: `cluster blue`. */
  readonly irreversible: readonly string[];
  /** Version upgrades EKS can roll back in place, and until when: `cluster blue, node group blue/general (for 7 days after it completes)`. */
  readonly rollbackWindows: readonly string[];
}

function verdictOf(review: Review): StackVerdict {
  const v = review.verdict;
  if (!v) return "no verdict";
  if (!review.plan) return v.allowed ? "valid" : "invalid";
  return v.allowed ? "allowed" : "refused";
}

export function summarize(stack: StackReview): StackSummary {
  const { review } = stack;
  const trafficMoves = review.traffic.filter((s) => s.changed).map((s) => {
    // A new service's shares, a removed one's, or the targets whose share moves.
    if (s.rows.every((r) => r.shareBefore === undefined)) return `${s.service} (new): ${s.rows.map((r) => `${r.target} ${percent(r.shareAfter)}`).join(", ")}`;
    if (s.rows.every((r) => r.shareAfter === undefined)) return `${s.service} (removed): ${s.rows.filter((r) => (r.shareBefore ?? 0) > 0).map((r) => `${r.target} ${percent(r.shareBefore)}`).join(", ")}`;
    const moved = s.rows.filter((r) => r.shareBefore !== r.shareAfter);
    return `${s.service}: ${moved.map((r) => `${r.target} ${percent(r.shareBefore)} → ${percent(r.shareAfter)}`).join(", ")}`;
  });
  return {
    stack: stack.stack, change: stack.change, ...(stack.wave === undefined ? {} : { wave: stack.wave }),
    verdict: verdictOf(review), refusedRules: review.verdict?.refusedRules ?? [],
    trafficMoves,
    rolls: { groups: review.rolls.length, nodes: review.rolls.reduce((n, r) => n + r.nodes, 0) },
    irreversible: [...new Set(review.irreversible.map((s) => s.subject))],
    rollbackWindows: review.rollbackWindows.map((w) => `${w.subjects.join(", ")} (${w.when})`),
  };
}

/** The counts a summary line gives: `3 changed, 1 added, 1 removed, 7 unchanged`. */
export function changeCounts(set: StackSetReview): Record<StackChange, number> {
  const counts: Record<StackChange, number> = { changed: 0, added: 0, removed: 0, unchanged: 0 };
  for (const s of set.stacks) counts[s.change] += 1;
  return counts;
}
