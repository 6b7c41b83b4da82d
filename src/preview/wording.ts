/** Words and numbers every preview output shares, so the comment, text and JSON never disagree. */
import { formatMinutes } from "../upgrade/estimate.js";
import { EKS_POD_EVICTION_TIMEOUT_MINUTES, EKS_POST_DRAIN_WAIT_SECONDS } from "../fleet/nodegroups.js";
import { DEFAULT_ASSUMPTIONS } from "../upgrade/assumptions.js";
import type { ChangeOp } from "./model.js";
import type { Escape } from "../fleet/rollback.js";
import type { AddonStandIn, NodeGroupRoll, Review, TrafficRow } from "./review.js";

/** What an offline preview cannot know: said plainly in every output. */
export const OFFLINE_LIMITS = [
  "live drift (anything changed outside this stack since the last `pulumi up`)",
  "AWS-side validation (quotas, permissions, names already taken)",
  "provider defaults and computed values the real providers fill in",
  "real IDs and ARNs (the offline run makes up deterministic ones)",
  "the add-on versions EKS would pick (an add-on no pin names is shown as EKS's default or as deployed, not as a version)",
] as const;

/** One side of an add-on move as a reader sees it: the version, or, offline, what the made-up one stands for. */
export function addonVersionText(version: string, standIn: AddonStandIn | undefined): string {
  if (standIn === undefined) return version;
  if (standIn.kind === "eks-default") return `EKS's default for ${standIn.kubernetes}`;
  if (standIn.kind === "as-deployed") return "as deployed";
  return "not known offline";
}

export const OFFLINE_NOTE = `This is an offline preview: baton ran the fleet program under Pulumi's mock runtime, without cloud credentials. It cannot know ${OFFLINE_LIMITS.join("; ")}. Run \`pulumi preview\` with credentials for the provider's own word.`;

export const REAL_PREVIEW_NOTE = "Rendered from `pulumi preview --json`: the providers' own diff against the stack's state. Replacements follow the provider's replaceReasons.";

export const OP_LABEL: Readonly<Record<ChangeOp, string>> = {
  create: "create", update: "update", replace: "replace", "may-replace": "may replace", delete: "delete", same: "unchanged",
};

export function percent(share: number | undefined): string {
  if (share === undefined) return "–";
  const value = share * 100;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

export const weight = (w: number | undefined) => (w === undefined ? "–" : String(w));

/** `90% → 50%`, or just the share when it does not move. */
export function shareMove(row: TrafficRow): string {
  const b = percent(row.shareBefore);
  const a = percent(row.shareAfter);
  return b === a ? a : `${b} → ${a}`;
}

export function rollSentence(roll: NodeGroupRoll): string {
  return `${roll.nodes} node(s), ${roll.perBatch} at a time: ${roll.batches} batch(es); EKS first adds up to ${roll.surge} surge node(s); ${rollTime(roll)}`;
}

/** A roll's estimate in words: "about 48 min (at most 2 h 6 min)". */
export function rollTime(roll: NodeGroupRoll): string {
  return `about ${formatMinutes(roll.minutes)} (at most ${formatMinutes(roll.upperBoundMinutes)})`;
}

export const ROLL_NOTE = `Each batch is drained before the next starts; EKS fails the update when a node's pods cannot be evicted within ${EKS_POD_EVICTION_TIMEOUT_MINUTES} minutes (a PodDisruptionBudget that never allows an eviction stops it).`;

/** Where a roll's time comes from (the estimate `baton upgrade-plan` makes, with its stated assumptions). */
export const ROLL_TIME_NOTE = `Times are estimates: per batch, new nodes launch (${DEFAULT_ASSUMPTIONS.nodeLaunchMinutes} min), the old ones drain (${DEFAULT_ASSUMPTIONS.typicalDrainMinutes} min; at most ${EKS_POD_EVICTION_TIMEOUT_MINUTES}) and EKS waits ${EKS_POST_DRAIN_WAIT_SECONDS} s before terminating them (assumptions in docs/upgrade-plan.md).`;

/** Said under the rolls when any of them is forced (`forceUpdateVersion`). */
export function forcedRollNote(rolls: readonly NodeGroupRoll[]): string | undefined {
  const forced = rolls.filter((r) => r.forced).map((r) => r.subject.replace(/^node group /, ""));
  if (forced.length === 0) return undefined;
  return `Forced (forceUpdateVersion): ${forced.join(", ")}. EKS does not stop at a PodDisruptionBudget there: after ${EKS_POD_EVICTION_TIMEOUT_MINUTES} minutes it evicts the pods regardless, so more replicas can be down at once than the budgets allow.`;
}

/** The verdict in one line: what a reviewer needs first, without how it was reached. */
export function verdictLine(review: Review): string {
  const v = review.verdict;
  if (!v) return "no fleet config given: no verdict (pass --from/--to to get one)";
  if (!review.plan) return v.allowed ? "valid (no base config: only the proposed config is checked)" : `invalid: ${v.refusedRules.join(", ")}`;
  return v.allowed ? `allowed: ${changeCount(review.plan.changes.length)}` : `refused: ${v.refusedRules.join(", ")}`;
}

const changeCount = (n: number) => (n === 0 ? "no fleet change" : n === 1 ? "1 fleet change" : `${n} fleet changes`);

/** How many names a list shows before it summarises the rest. */
export const NAMES_SHOWN = 5;

/** `web, api`, or at fleet scale `150 services: s001, s002, s003, s004, s005 and 145 more`. */
export function nameList(names: readonly string[], noun: string): string {
  if (names.length <= NAMES_SHOWN + 1) return names.join(", ");
  return `${names.length} ${noun}: ${names.slice(0, NAMES_SHOWN).join(", ")} and ${names.length - NAMES_SHOWN} more`;
}

/** "cluster blue", "cluster blue and node group blue/general", "a, b and c". */
export function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** What an escape moves traffic away from: `cluster blue`. */
export const escapeSubject = (escape: Escape) => (escape.cluster !== undefined ? `cluster ${escape.cluster}` : andList(escape.subjects));

/** The sentence that opens a rollback window's entry: how many stack changes, until when, and after. */
export function rollbackWindowSentence(w: { readonly when: string; readonly steps: readonly unknown[]; readonly closes: boolean }): string {
  const how = w.steps.length > 1 ? `${w.steps.length === 2 ? "two" : w.steps.length} stack changes, in order, each applied (pulumi up) before the next` : "one stack change";
  return `the upgrade can be rolled back ${w.when}, with ${how}${w.closes ? "; after that it cannot be undone" : ""}:`;
}

/** The escape's opening words: "cannot be undone", or, for a change EKS can still roll back, what it is for meanwhile. */
export const escapeWhy = (escape: Escape) => escape.timeBoxed
  ? `at once, while you roll back ${andList(escape.subjects)} (see above) or fix forward,`
  : `(the change to ${andList(escape.subjects)} cannot be undone)`;
