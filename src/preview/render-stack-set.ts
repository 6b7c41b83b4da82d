/**
 * The review of many stacks as one pull-request comment, a terminal report and JSON. The comment
 * puts the summary first (a row per changed stack: verdict, traffic moves, rolls, what cannot be
 * undone, wave), then each changed stack's review collapsed; within GitHub's limit, stacks whose
 * review does not fit are named, with where the full review is.
 */
import type { Paint } from "../fleet/format-plan.js";
import { waveLabel } from "../fleet/waves.js";
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdownWithin } from "./render-markdown.js";
import { toPreviewJson, type PreviewJson } from "./render-json.js";
import { renderText } from "./render-text.js";
import { changeCounts, summarize, type StackReview, type StackSetReview, type StackSummary } from "./stack-set-review.js";
import { nameList, OFFLINE_NOTE, REAL_PREVIEW_NOTE, verdictLine } from "./wording.js";

/** Where the full review is, for the stacks the comment has no room for. */
export interface FullReviewPointer {
  /** The file the full review was written to (`--full-review`). */
  readonly file?: string;
  /** A link a reader can follow to it, e.g. the CI run whose artifacts hold the file. */
  readonly link?: string;
}

const VERDICT_ICON: Readonly<Record<StackSummary["verdict"], string>> = {
  allowed: "✅", refused: "⛔", valid: "✅", invalid: "⛔", "no verdict": "ℹ️",
};

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
/** A table cell stays one readable line; the stack's review has the rest. */
const CELL_LIMIT = 160;
const clip = (s: string) => (s.length > CELL_LIMIT ? `${s.slice(0, CELL_LIMIT - 1)}…` : s);

function setVerdictLine(set: StackSetReview): string {
  const changed = set.stacks.filter((s) => s.change !== "unchanged");
  const refused = set.stacks.filter((s) => s.review.verdict?.allowed === false).map((s) => s.stack);
  if (refused.length > 0) return `refused: ${refused.length} of ${changed.length} changed stack(s) (${nameList(refused, "stacks")})`;
  if (changed.length === 0) return "no stack changes";
  return `allowed: ${changed.length} changed stack(s)`;
}

function countsLine(set: StackSetReview): string {
  const counts = changeCounts(set);
  return `${set.stacks.length} stack(s): ${counts.changed} changed, ${counts.added} added, ${counts.removed} removed, ${counts.unchanged} unchanged`;
}

const stackLabel = (s: StackSummary) => (s.change === "added" || s.change === "removed" ? `${s.stack} (${s.change})` : s.stack);
const waveCell = (wave: number | undefined) => (wave === undefined ? "last" : String(wave));
const verdictCell = (s: StackSummary) => `${VERDICT_ICON[s.verdict]} ${s.verdict}${s.refusedRules.length > 0 ? `: ${s.refusedRules.join(", ")}` : ""}`;
const rollsCell = (s: StackSummary) => (s.rolls.groups === 0 ? "–" : `${s.rolls.groups} group(s), ${s.rolls.nodes} node(s)`);
const listCell = (items: readonly string[]) => (items.length === 0 ? "–" : items.join("; "));

function summaryRow(s: StackSummary): string {
  return `| ${cell(stackLabel(s))} | ${waveCell(s.wave)} | ${cell(clip(verdictCell(s)))} | ${cell(clip(listCell(s.trafficMoves)))} | ${rollsCell(s)} | ${cell(clip(listCell([...s.irreversible, ...s.rollbackWindows.map((w) => `rolls back ${w}`)])))} |`;
}

const changedStacks = (set: StackSetReview) => set.stacks.filter((s) => s.change !== "unchanged");

/** Refused stacks first, then the upgrade order: who gets room when not everything fits. */
function byUrgency(stacks: readonly StackReview[]): StackReview[] {
  return [...stacks].sort((a, b) => Number(b.review.verdict?.allowed === false) - Number(a.review.verdict?.allowed === false));
}

function whereFull(pointer: FullReviewPointer): string {
  if (pointer.link !== undefined && pointer.file !== undefined) return `the full review, [\`${pointer.file}\`](${pointer.link})`;
  if (pointer.link !== undefined) return `[the full review](${pointer.link})`;
  if (pointer.file !== undefined) return `the full review in \`${pointer.file}\``;
  return "the full review (`--format json`, or `--full-review <file>` to write this comment without the limit)";
}

function detailsBlock(stack: StackReview, body: string): string {
  const label = `${stack.stack}${stack.change === "added" || stack.change === "removed" ? ` (${stack.change})` : ""}`;
  return [`<details><summary><b>${label}</b> · ${waveLabel(stack.wave)} · ${verdictLine(stack.review)}</summary>`, "", body.trimEnd(), "", "</details>", ""].join("\n");
}

/**
 * The comment on many stacks, never longer than `maxLength`. The summary always comes first; each
 * changed stack's review follows, collapsed, trimmed as a single review is when room is short, and
 * named at the end with where to find it when it does not fit at all.
 */
export function renderStackSetMarkdown(set: StackSetReview, pointer: FullReviewPointer = {}, maxLength = GITHUB_COMMENT_LIMIT): string {
  const changed = changedStacks(set);
  const unchanged = set.stacks.filter((s) => s.change === "unchanged").map((s) => s.stack);
  const icon = set.allowed ? "✅" : "⛔";
  const footer = ["", `<sub>${set.offline ? OFFLINE_NOTE : REAL_PREVIEW_NOTE}</sub>`, ""].join("\n");
  const head = [COMMENT_MARKER, `### ${icon} baton: ${setVerdictLine(set)}`, "", `Preview of ${set.subject}: ${countsLine(set)}. Stacks are listed in the order they are upgraded (\`baton:wave\`, lower first; a stack without one last).`];
  const tableHead = ["", "| stack | wave | verdict | traffic moves | node group rolls | cannot be undone (or only for a while) |", "|---|---|---|---|---|---|"];
  const summaries = changed.map(summarize);
  const unchangedLine = unchanged.length > 0 ? ["", `Unchanged: ${nameList(unchanged, "stacks")}.`] : [];

  // The summary: every row when it fits; otherwise the refused ones first, and a count of the rest.
  const omittedNote = (names: readonly string[]) => (names.length === 0 ? "" : `\n\nNot shown here for lack of room: ${nameList(names, "stacks")}; see ${whereFull(pointer)}.\n`);
  const worstNote = omittedNote(changed.map((s) => s.stack)).length;
  let rows = summaries.map(summaryRow);
  let summary = [...head, ...(changed.length > 0 ? [...tableHead, ...rows] : []), ...unchangedLine, ""].join("\n");
  if (summary.length + footer.length + worstNote > maxLength) {
    const urgent = byUrgency(changed).map(summarize);
    const kept: string[] = [];
    let length = [...head, ...tableHead, ...unchangedLine].join("\n").length + footer.length + worstNote + 200;
    for (const row of urgent.map(summaryRow)) {
      if (length + row.length + 1 > maxLength) break;
      kept.push(row);
      length += row.length + 1;
    }
    rows = kept;
    const order = new Map(summaries.map((s, i) => [summaryRow(s), i]));
    rows.sort((a, b) => order.get(a)! - order.get(b)!);
    const hidden = changed.length - rows.length;
    summary = [...head, ...tableHead, ...rows, ...(hidden > 0 ? [`| … ${hidden} more stack(s) | | | | | |`] : []), ...unchangedLine, ""].join("\n");
  }

  // Each changed stack's review, collapsed; room goes to refused stacks first.
  let room = maxLength - summary.length - footer.length - worstNote;
  const bodies = new Map<string, string>();
  for (const stack of byUrgency(changed)) {
    const frame = detailsBlock(stack, "").length + 1;
    const body = room - frame > 0 ? renderMarkdownWithin(stack.review, room - frame, { marker: false, footer: false }) : undefined;
    if (body === undefined) continue;
    const block = detailsBlock(stack, body);
    bodies.set(stack.stack, block);
    room -= block.length + 1;
  }
  const omitted = changed.filter((s) => !bodies.has(s.stack)).map((s) => s.stack);
  const details = changed.flatMap((s) => (bodies.has(s.stack) ? [bodies.get(s.stack)!] : []));
  return [summary, ...details].join("\n") + omittedNote(omitted) + footer;
}

/** The report for a terminal: the summary, then each changed stack's review. */
export function renderStackSetText(set: StackSetReview, paint: Paint): string {
  const changed = changedStacks(set);
  const out: string[] = [];
  const line = setVerdictLine(set);
  out.push(set.allowed ? paint.green(line) : paint.red(line), `preview of ${set.subject}: ${countsLine(set)}`, "");
  for (const s of changed.map(summarize)) {
    out.push(`${paint.bold(stackLabel(s))}  ${waveLabel(s.wave)}  ${s.verdict === "refused" || s.verdict === "invalid" ? paint.red(verdictCell(s).slice(2)) : verdictCell(s).slice(2)}`);
    if (s.trafficMoves.length > 0) out.push(`  traffic: ${s.trafficMoves.join("; ")}`);
    if (s.rolls.groups > 0) out.push(`  rolls: ${rollsCell(s)}`);
    if (s.irreversible.length > 0) out.push(`  cannot be undone: ${s.irreversible.join("; ")}`);
    if (s.rollbackWindows.length > 0) out.push(`  can be rolled back: ${s.rollbackWindows.join("; ")}`);
  }
  const unchanged = set.stacks.filter((s) => s.change === "unchanged").map((s) => s.stack);
  if (unchanged.length > 0) out.push(`unchanged: ${nameList(unchanged, "stacks")}`);
  for (const stack of changed) {
    out.push("", paint.bold(`── ${stack.stack} (${waveLabel(stack.wave)}${stack.change === "added" || stack.change === "removed" ? `, ${stack.change}` : ""}) ──`), renderText(stack.review, paint));
  }
  return out.join("\n");
}

export interface StackSetJson {
  readonly offline: boolean;
  readonly subject: string;
  readonly allowed: boolean;
  readonly stacks: readonly (StackSummary & { readonly headFile?: string; readonly baseFile?: string; readonly review: PreviewJson })[];
}

/** Every stack, in upgrade order, with its summary row and its whole review. */
export function toStackSetJson(set: StackSetReview): StackSetJson {
  return {
    offline: set.offline, subject: set.subject, allowed: set.allowed,
    stacks: set.stacks.map((stack) => ({
      ...summarize(stack),
      ...(stack.headFile !== undefined ? { headFile: stack.headFile } : {}),
      ...(stack.baseFile !== undefined ? { baseFile: stack.baseFile } : {}),
      review: toPreviewJson(stack.review, stack.capture),
    })),
  };
}

export function renderStackSetJson(set: StackSetReview): string {
  return JSON.stringify(toStackSetJson(set), null, 2);
}
