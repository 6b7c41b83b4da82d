/**
 * The pull-request review comment. Order is what a reviewer needs first: the verdict, where
 * traffic moves, what cannot be undone, node group rolls, replacements and deletions, the rest
 * collapsed, and the rollback. Each service whose traffic moves gets its table and a Mermaid
 * picture of the same weights. It stays under GitHub's comment limit by trimming: the collapsed
 * details first, then the pictures, then long lists, never the summary.
 */
import { formatEdit } from "../fleet/format-plan.js";
import { clipLongRuns, formatProblem } from "../fleet/problems.js";
import { cloudChanges, countOps, shortType, type ResourceChange } from "./model.js";
import { fenced, weightsFlowchart } from "./mermaid.js";
import type { Review, ServiceTraffic } from "./review.js";
import { addonVersionText, andList, escapeSubject, escapeWhy, nameList, rollbackWindowSentence, OFFLINE_NOTE, OP_LABEL, REAL_PREVIEW_NOTE, ROLL_NOTE, ROLL_TIME_NOTE, forcedRollNote, rollTime, shareMove, verdictLine, weight } from "./wording.js";

/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** A hidden marker a CI job finds to update its one comment instead of adding another. */
export const COMMENT_MARKER = "<!-- baton-preview -->";

interface Limits {
  /** Rows in the collapsed list of other changes. */
  readonly details: number;
  /** Items in the replacements and deletions list. */
  readonly replacements: number;
  /** Rows per traffic table. */
  readonly trafficRows: number;
  /** A Mermaid picture per service whose traffic moves (the table stays either way). */
  readonly pictures: boolean;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function more(total: number, shown: number, what: string): string[] {
  return total > shown ? [`- … and ${total - shown} more ${what} (see \`--format json\`)`] : [];
}

function verdict(review: Review): string[] {
  const v = review.verdict;
  const icon = !v ? "ℹ️" : v.allowed ? "✅" : "⛔";
  const lines = [`### ${icon} baton: ${verdictLine(review)}`];
  if (v && v.blocking.length > 0) {
    lines.push("", ...v.blocking.map((p) => clipLongRuns(`- **${p.rule}** at ${code(p.path)}: ${p.message}<br>fix: ${p.fix}`)));
  }
  if (v && v.warnings.length > 0) lines.push("", ...v.warnings.map((p) => clipLongRuns(`- ⚠️ ${p.rule} at ${code(p.path)}: ${p.message}`)));
  return lines;
}

function traffic(review: Review, limits: Limits): string[] {
  if (review.traffic.length === 0) return [];
  const lines = ["", "#### Traffic"];
  const unchanged = review.traffic.filter((s) => !s.changed);
  for (const service of review.traffic.filter((s) => s.changed)) {
    const routing = service.routing === "alb" ? "ALB weighted target groups" : "Route53 weighted records";
    lines.push("", `**${service.service}** (${routing}): takes effect ${service.takesEffect}`, "",
      "| target | weight | share |", "|---|---|---|");
    const rows = service.rows.slice(0, limits.trafficRows);
    for (const row of rows) {
      const moved = row.before !== row.after;
      const w = moved ? `${weight(row.before)} → **${weight(row.after)}**` : weight(row.after);
      lines.push(`| ${cell(row.target)} | ${w} | ${shareMove(row)} |`);
    }
    if (service.rows.length > rows.length) lines.push(`| … ${service.rows.length - rows.length} more | | |`);
    if (limits.pictures) lines.push("", ...fenced(weightsFlowchart(routingSource(service), service.rows)));
  }
  if (unchanged.length > 0) lines.push("", `Traffic unchanged: ${nameList(unchanged.map((s) => s.service), "services")}.`);
  return lines;
}

function addons(review: Review): string[] {
  if (review.addons.length === 0) return [];
  return ["", "#### Add-ons", "", "| cluster | add-on | from | to |", "|---|---|---|---|",
    ...review.addons.map((a) => `| ${cell(a.cluster)} | ${cell(a.addon)} | ${cell(addonVersionText(a.from, a.fromStandIn))} | **${cell(addonVersionText(a.to, a.toStandIn))}** |`)];
}

/** The picture's left-hand node: what holds the weights. */
function routingSource(service: ServiceTraffic): string {
  return `${service.service}: ${service.routing === "alb" ? "ALB listener rule" : "Route53 record set"}`;
}

function irreversible(review: Review): string[] {
  if (review.irreversible.length === 0) return [];
  return ["", "#### Cannot be undone", "", ...review.irreversible.map((s) => `- **${s.summary}**: ${s.note}`)];
}

function rollbackWindows(review: Review): string[] {
  if (review.rollbackWindows.length === 0) return [];
  const lines = ["", "#### Can be rolled back"];
  for (const w of review.rollbackWindows) {
    lines.push("", `**${andList(w.subjects)}**: ${rollbackWindowSentence(w)}`, "");
    w.steps.forEach((step, i) => lines.push(`${i + 1}. ${step.title}`, "", ...yaml(step.edits).map((l) => `   ${l}`), ""));
    lines.pop();
  }
  return lines;
}

function changeNotes(review: Review): string[] {
  if (review.notes.length === 0) return [];
  return ["", "#### Version rollback", "", ...review.notes.map((n) => `- **${n.summary}**: ${n.notes.join(" ")}`)];
}

function rolls(review: Review): string[] {
  if (review.rolls.length === 0) return [];
  return ["", "#### Node group rolls", "", "| node group | cause | nodes | at a time | batches | surge (max) | time (estimate) |", "|---|---|---|---|---|---|---|",
    ...review.rolls.map((r) => `| ${cell(r.subject.replace(/^node group /, ""))} | ${cell(r.cause)} | ${r.nodes} | ${r.perBatch} | ${r.batches} | ${r.surge} | ${cell(rollTime(r))} |`),
    "", ROLL_NOTE, ROLL_TIME_NOTE, ...forcedLines(review)];
}

function forcedLines(review: Review): string[] {
  const note = forcedRollNote(review.rolls);
  return note === undefined ? [] : ["", `**${note.slice(0, note.indexOf(".") + 1)}**${note.slice(note.indexOf(".") + 1)}`];
}

function changeLine(change: ResourceChange): string {
  return `- **${OP_LABEL[change.op]}** ${shortType(change.type)} ${code(change.name)}${change.reason ? `: ${change.reason}` : ""}`;
}

function replacements(review: Review, limits: Limits): string[] {
  const serious = cloudChanges(review.changes).filter((c) => c.op === "replace" || c.op === "delete" || c.op === "may-replace");
  if (serious.length === 0) return [];
  const shown = serious.slice(0, limits.replacements);
  return ["", "#### Replaced or deleted", "", ...shown.map(changeLine), ...more(serious.length, shown.length, "replacements and deletions")];
}

function details(review: Review, limits: Limits): string[] {
  const rest = cloudChanges(review.changes).filter((c) => c.op === "update" || c.op === "create");
  const counts = countOps(cloudChanges(review.changes));
  const summary = `${counts.update} update(s), ${counts.create} create(s), ${counts.same} unchanged`;
  if (rest.length === 0) return ["", `Other resources: ${summary}.`];
  const shown = rest.slice(0, limits.details);
  const lines = ["", `<details><summary>Other resources: ${summary}</summary>`, ""];
  if (shown.length > 0) {
    lines.push("| op | type | name | changed |", "|---|---|---|---|",
      ...shown.map((c) => `| ${OP_LABEL[c.op]} | ${shortType(c.type)} | ${code(c.name)} | ${cell(c.paths.slice(0, 4).join(", "))}${c.paths.length > 4 ? ", …" : ""} |`));
  }
  if (rest.length > shown.length) lines.push("", `… and ${rest.length - shown.length} more (see \`--format json\`).`);
  lines.push("", "</details>");
  return lines;
}

const yaml = (edits: Review["rollback"]["edits"]) => ["```yaml", ...edits.map(formatEdit), "```"];

function rollback(review: Review): string[] {
  const r = review.rollback;
  const lines = ["", "#### Rollback"];
  if (r.edits.length > 0) {
    const what = r.escapes.length > 0 ? "Undo the rest of this change" : "Undo this change";
    lines.push("", `${what} with this config edit:`, "", ...yaml(r.edits));
    if (r.takesEffect.length > 0) lines.push("", ...r.takesEffect.map((t) => `- takes effect: ${andList(t.subjects)}: ${t.speed}`));
  } else if (r.escapes.length > 0) {
    lines.push("", r.escapes.every((e) => e.timeBoxed) ? "No single config edit undoes this change; roll it back as **Can be rolled back** says." : "No config edit undoes this change.");
  } else if (review.verdict && review.plan && review.plan.changes.length === 0) {
    lines.push("", "Nothing to roll back: the fleet spec does not change.");
  }
  for (const escape of r.escapes) {
    if (escape.edits.length === 0) {
      lines.push("", `**${andList(escape.subjects)}**: ${escape.notes.join(" ")}`);
      continue;
    }
    lines.push("", `**If ${escapeSubject(escape)} misbehaves after this change, move its traffic away** ${escapeWhy(escape)} with this config edit:`, "", ...yaml(escape.edits));
    if (escape.takesEffect) lines.push("", `- takes effect: ${escape.takesEffect}`);
  }
  if (r.notes.length > 0) lines.push("", ...r.notes.map((n) => `- ${n}`));
  return lines;
}

/** How a review is framed: alone as the comment, or as one stack's part of a comment on many. */
export interface Framing {
  /** The hidden marker a CI job finds its comment by. @default true */
  readonly marker?: boolean;
  /** The note on what kind of preview this is. @default true */
  readonly footer?: boolean;
}

function render(review: Review, limits: Limits, framing: Framing = {}): string {
  return [
    ...(framing.marker === false ? [] : [COMMENT_MARKER]),
    ...verdict(review),
    "",
    `Preview of ${review.subject}.`,
    ...traffic(review, limits),
    ...irreversible(review),
    ...rollbackWindows(review),
    ...changeNotes(review),
    ...rolls(review),
    ...addons(review),
    ...replacements(review, limits),
    ...details(review, limits),
    ...rollback(review),
    "",
    ...(framing.footer === false ? [] : [`<sub>${review.offline ? OFFLINE_NOTE : REAL_PREVIEW_NOTE}</sub>`, ""]),
  ].join("\n");
}

/**
 * Trimming steps, least useful first: the collapsed details, then the pictures (they repeat the
 * traffic tables), then the replacement list, then long traffic tables.
 */
const TRIM_STEPS: readonly Limits[] = [
  { details: Infinity, replacements: Infinity, trafficRows: Infinity, pictures: true },
  { details: 200, replacements: Infinity, trafficRows: Infinity, pictures: true },
  { details: 25, replacements: Infinity, trafficRows: Infinity, pictures: true },
  { details: 25, replacements: Infinity, trafficRows: Infinity, pictures: false },
  { details: 0, replacements: 200, trafficRows: Infinity, pictures: false },
  { details: 0, replacements: 25, trafficRows: 50, pictures: false },
  { details: 0, replacements: 10, trafficRows: 10, pictures: false },
];

/** The review at the least trimming that fits `maxLength`; undefined when even the most trimmed does not. */
export function renderMarkdownWithin(review: Review, maxLength: number, framing: Framing = {}): string | undefined {
  for (const limits of TRIM_STEPS) {
    const text = render(review, limits, framing);
    if (text.length <= maxLength) return text;
  }
  return undefined;
}

/** The review as a GitHub comment, never longer than `maxLength`. */
export function renderMarkdown(review: Review, maxLength = GITHUB_COMMENT_LIMIT): string {
  const fits = renderMarkdownWithin(review, maxLength);
  if (fits !== undefined) return fits;
  const text = render(review, TRIM_STEPS[TRIM_STEPS.length - 1]!);
  const tail = "\n\n… comment cut at GitHub's length limit; see `--format json` for the rest.\n";
  return text.slice(0, maxLength - tail.length) + tail;
}
