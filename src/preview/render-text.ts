/** The review for a terminal: the comment's sections, coloured, readable at 100 columns. */
import { clipLongRuns } from "../fleet/problems.js";
import { formatEdit, type Paint } from "../fleet/format-plan.js";
import { cloudChanges, countOps, shortType } from "./model.js";
import type { Review } from "./review.js";
import { addonVersionText, andList, escapeSubject, escapeWhy, nameList, rollbackWindowSentence, OFFLINE_NOTE, OP_LABEL, REAL_PREVIEW_NOTE, ROLL_NOTE, ROLL_TIME_NOTE, forcedRollNote, rollSentence, shareMove, verdictLine, weight } from "./wording.js";

const WIDTH = 100;

/** Wraps prose at the terminal width, indenting continuation lines. */
function wrap(text: string, indent = ""): string[] {
  const lines: string[] = [];
  const lead = /^\s*/.exec(text)?.[0] ?? "";
  let line = lead;
  for (const word of text.trim().split(/\s+/)) {
    if (line.trim() && line.length + word.length + 1 > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else line = line.trim() ? `${line} ${word}` : line + word;
  }
  if (line) lines.push(line);
  return lines;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

/** Plain list items the terminal shows; the rest is counted. */
const LIST_LIMIT = 40;

export function renderText(review: Review, paint: Paint): string {
  const out: string[] = [];
  const v = review.verdict;
  const head = verdictLine(review);
  out.push(!v ? paint.yellow(head) : v.allowed ? paint.green(head) : paint.red(head));
  for (const p of v?.blocking ?? []) out.push(...formatProblem2(p, paint.red));
  for (const p of v?.warnings ?? []) out.push(...formatProblem2(p, paint.yellow));
  out.push("", ...wrap(`preview of ${review.subject}`));

  if (review.traffic.length > 0) {
    out.push("", paint.bold("traffic"));
    for (const s of review.traffic.filter((t) => t.changed)) {
      out.push(`  ${paint.bold(s.service)} (${s.routing === "alb" ? "ALB" : "Route53"})`);
      const width = Math.max(8, ...s.rows.map((r) => r.target.length));
      for (const row of s.rows.slice(0, LIST_LIMIT)) {
        const moved = row.before !== row.after;
        const w = moved ? `${weight(row.before)} → ${weight(row.after)}` : weight(row.after);
        out.push(`    ${pad(row.target, width)}  ${pad(moved ? paint.yellow(w) : w, 12)}  ${shareMove(row)}`);
      }
      if (s.rows.length > LIST_LIMIT) out.push(paint.dim(`    … ${s.rows.length - LIST_LIMIT} more`));
      out.push(...wrap(`    takes effect ${s.takesEffect}`, "      ").map(paint.dim));
    }
    const unchanged = review.traffic.filter((t) => !t.changed).map((t) => t.service);
    if (unchanged.length > 0) out.push(...wrap(`  unchanged: ${nameList(unchanged, "services")}`, "    "));
  }
  if (review.irreversible.length > 0) {
    out.push("", paint.bold(paint.red("cannot be undone")));
    for (const s of review.irreversible) out.push(...wrap(`  ${paint.bold(s.summary)}: ${s.note}`, "    "));
  }
  if (review.rollbackWindows.length > 0) {
    out.push("", paint.bold(paint.yellow("can be rolled back")));
    for (const w of review.rollbackWindows) {
      out.push(...wrap(`  ${paint.bold(andList(w.subjects))}: ${rollbackWindowSentence(w)}`, "    "));
      w.steps.forEach((step, i) => {
        out.push(...wrap(`    ${i + 1}. ${step.title}`, "       "));
        for (const e of step.edits) out.push(`         ${formatEdit(e)}`);
      });
    }
  }
  if (review.notes.length > 0) {
    out.push("", paint.bold("version rollback"));
    for (const n of review.notes) out.push(...wrap(`  ${paint.bold(n.summary)}: ${n.notes.join(" ")}`, "    "));
  }
  if (review.rolls.length > 0) {
    out.push("", paint.bold("node group rolls"));
    for (const r of review.rolls) out.push(...wrap(`  ${r.subject.replace(/^node group /, "")} (${r.cause}): ${rollSentence(r)}`, "    "));
    out.push(...wrap(`  ${ROLL_NOTE} ${ROLL_TIME_NOTE}`, "  ").map(paint.dim));
    const forced = forcedRollNote(review.rolls);
    if (forced !== undefined) out.push(...wrap(`  ${forced}`, "  ").map(paint.yellow));
  }
  if (review.addons.length > 0) {
    out.push("", paint.bold("add-ons"));
    for (const a of review.addons) out.push(...wrap(`  ${a.cluster} ${a.addon}: ${addonVersionText(a.from, a.fromStandIn)} → ${addonVersionText(a.to, a.toStandIn)}`, "    "));
  }
  const serious = cloudChanges(review.changes).filter((c) => c.op === "replace" || c.op === "delete" || c.op === "may-replace");
  if (serious.length > 0) {
    out.push("", paint.bold("replaced or deleted"));
    for (const c of serious.slice(0, LIST_LIMIT)) {
      const op = c.op === "may-replace" ? paint.yellow(OP_LABEL[c.op]) : paint.red(OP_LABEL[c.op]);
      out.push(...wrap(`  ${op} ${shortType(c.type)} ${c.name}${c.reason ? `: ${c.reason}` : ""}`, "    "));
    }
    if (serious.length > LIST_LIMIT) out.push(paint.dim(`  … ${serious.length - LIST_LIMIT} more`));
  }
  const counts = countOps(cloudChanges(review.changes));
  out.push("", `${paint.bold("other resources")}: ${counts.update} update(s), ${counts.create} create(s), ${counts.same} unchanged`);
  // The same list the comment collapses: every update and create, with what changes.
  const rest = cloudChanges(review.changes).filter((x) => x.op === "update" || x.op === "create");
  for (const c of rest.slice(0, LIST_LIMIT)) {
    const changed = c.op === "update" ? `: ${c.paths.slice(0, 3).join(", ")}${c.paths.length > 3 ? ", …" : ""}` : "";
    out.push(...wrap(`  ${OP_LABEL[c.op]} ${shortType(c.type)} ${c.name}${changed}`, "    ").map(paint.dim));
  }
  if (rest.length > LIST_LIMIT) out.push(paint.dim(`  … ${rest.length - LIST_LIMIT} more (see --format json)`));
  out.push("", paint.bold("rollback"));
  const r = review.rollback;
  if (r.edits.length > 0) {
    out.push(r.escapes.length > 0 ? "  undo the rest of this change with this config edit:" : "  undo this change with this config edit:");
    for (const e of r.edits) out.push(`    ${formatEdit(e)}`);
    for (const t of r.takesEffect) out.push(...wrap(`    takes effect: ${andList(t.subjects)}: ${t.speed}`, "      ").map(paint.dim));
  } else if (r.escapes.length > 0) out.push(r.escapes.every((e) => e.timeBoxed) ? "  no single config edit undoes this change; roll it back as \"can be rolled back\" says" : "  no config edit undoes this change");
  else if (r.notes.length === 0) out.push("  nothing to roll back");
  for (const escape of r.escapes) {
    if (escape.edits.length === 0) {
      out.push(...wrap(`  ${andList(escape.subjects)}: ${escape.notes.join(" ")}`, "    "));
      continue;
    }
    out.push(...wrap(`  if ${escapeSubject(escape)} misbehaves after this change, move its traffic away ${escapeWhy(escape)} with this config edit:`, "    "));
    for (const e of escape.edits) out.push(`    ${formatEdit(e)}`);
    if (escape.takesEffect) out.push(...wrap(`    takes effect: ${escape.takesEffect}`, "      ").map(paint.dim));
  }
  for (const n of r.notes) out.push(...wrap(`  ${n}`, "    "));
  out.push("", ...wrap(review.offline ? OFFLINE_NOTE.replace(/`/g, "") : REAL_PREVIEW_NOTE.replace(/`/g, "")).map(paint.dim));
  return out.join("\n");
}

function formatProblem2(p: { rule: string; path: string; message: string; fix: string }, colour: (s: string) => string): string[] {
  return [...wrap(clipLongRuns(`  ${colour(p.rule)} ${p.path}: ${p.message}`), "    "), ...wrap(`    fix: ${p.fix}`, "      ")];
}
