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

function formatChange(change: Change, paint: Paint): string {
  const verdict = change.refusals.length > 0 ? paint.red("REFUSED") : paint.green("allowed");
  const lines = [`${verdict} ${paint.bold(change.kind)} ${change.summary}${change.irreversible ? paint.yellow(" [irreversible]") : ""}`];
  for (const problem of change.refusals) lines.push(...formatProblem(problem).split("\n").map((l) => `    ${l}`));
  const rollback = change.rollback;
  lines.push(`    rollback: ${rollback.note}`);
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
  sections.push(...planned.changes.map((c) => formatChange(c, paint)));
  return sections.join("\n\n");
}
