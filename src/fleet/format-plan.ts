import type { Change, ConfigEdit, Plan } from "./plan.js";
import { formatProblem } from "./problems.js";

/** Colour functions (picocolors-shaped); identity functions render plain text. */
export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

/** A config edit as a user would type it into the stack file. */
export function formatEdit(edit: ConfigEdit): string {
  if (edit.remove) return `remove ${edit.path}`;
  return `${edit.path}: ${formatYamlValue(edit.value)}`;
}

/** A flow-style YAML rendering of a small value, as written in the example stacks. */
export function formatYamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatYamlValue).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{ ${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${formatYamlValue(v)}`).join(", ")} }`;
  }
  if (typeof value === "string") return /^[\w./:-]+$/.test(value) && !/^\d/.test(value) ? value : JSON.stringify(value);
  return String(value);
}

/** True when `path` is `under` or below it: a validation error on `services.web.weights.green` refuses the shift of `services.web.weights`. */
const isUnder = (path: string, under: string) => path === under || path.startsWith(`${under}.`);

function formatChange(change: Change, paint: Paint, planned: Plan): string {
  const refusedBy = [...change.refusals, ...planned.problems.filter((p) => p.severity === "error" && isUnder(p.path, change.path))];
  // In a refused plan nothing is applied: a change that breaks no rule itself is blocked by the
  // others, never "allowed", and there is nothing to roll back.
  const verdict = refusedBy.length > 0 ? paint.red("REFUSED") : planned.allowed ? paint.green("allowed") : paint.yellow("blocked");
  const timeBoxed = change.rollback.timeBoxed;
  const tag = timeBoxed
    ? paint.yellow(timeBoxed.windowDays !== undefined ? ` [rollback: ${timeBoxed.windowDays} days, ${timeBoxed.steps.length} step(s)]` : ` [rollback: ${timeBoxed.steps.length} step(s)]`)
    : change.irreversible ? paint.yellow(" [irreversible]") : "";
  const lines = [`${verdict} ${paint.bold(change.kind)} ${change.summary}${tag}`];
  for (const problem of change.refusals) lines.push(...formatProblem(problem).split("\n").map((l) => `    ${l}`));
  for (const note of change.notes ?? []) lines.push(`    note: ${note}`);
  if (!planned.allowed) {
    if (refusedBy.length > change.refusals.length) lines.push(`    refused by ${[...new Set(refusedBy.map((p) => p.rule))].join(", ")} above`);
    return lines.join("\n");
  }
  const rollback = change.rollback;
  lines.push(`    rollback: ${rollback.note}`);
  if (timeBoxed) {
    lines.push(`      ${timeBoxed.steps.length > 1 ? "stack changes, in order, each applied before the next" : "one stack change"} (${timeBoxed.when}):`);
    timeBoxed.steps.forEach((step, i) => {
      lines.push(`      ${i + 1}. ${step.title}`);
      for (const edit of step.edits) lines.push(`           ${formatEdit(edit)}`);
    });
    if (rollback.edits.length > 0) lines.push("      meanwhile, to move its traffic away at once:");
  }
  for (const edit of rollback.edits) lines.push(`      ${formatEdit(edit)}`);
  if (rollback.edits.length > 0) lines.push(paint.dim(`      takes effect: ${rollback.takesEffect}`));
  return lines.join("\n");
}

/** The plan as `baton plan` prints it: verdict first, then each change with its rollback. */
export function formatPlan(planned: Plan, paint: Paint): string {
  const head = planned.allowed
    ? paint.green(`allowed: ${planned.changes.length} change(s)`)
    : paint.red(`refused: ${planned.refusedRules.join(", ")}`);
  const sections = [head];
  const problems = planned.problems.map((p) => (p.severity === "error" ? paint.red(formatProblem(p)) : paint.yellow(formatProblem(p))));
  if (problems.length > 0) sections.push(problems.join("\n"));
  if (planned.changes.length === 0 && planned.allowed) sections.push("no changes");
  sections.push(...planned.changes.map((c) => formatChange(c, paint, planned)));
  return sections.join("\n\n");
}
