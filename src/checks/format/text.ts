import type { CheckReport } from "../check.js";

/** Colour functions (picocolors' shape); identity functions print plain text. */
export interface Palette {
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The report for a terminal or a CI log: grouped by file, then a summary line. */
export function formatText(report: CheckReport, c: Palette): string {
  const byFile = new Map<string, Array<{ line: number; text: string }>>();
  const add = (file: string, line: number, text: string) => {
    const lines = byFile.get(file) ?? [];
    lines.push({ line, text });
    byFile.set(file, lines);
  };
  for (const error of report.errors) {
    const where = `${error.line ?? "?"}`.padStart(4);
    if (error.document === undefined && error.line === undefined) add(error.file, 0, `   -  ${c.red("error")}    not checked: ${error.message} ${c.dim("[unreadable]")}`);
    else if (error.reason === "unrendered-template") add(error.file, error.line ?? 0, `${where}  ${c.red("error")}    document ${error.document ?? "?"} is not checked: ${error.message} ${c.dim("[unrendered-template]")}`);
    else add(error.file, error.line ?? 0, `${where}  ${c.red("error")}    document ${error.document ?? "?"} does not parse: ${error.message} ${c.dim("[parse-error]")}`);
  }
  for (const f of report.findings) {
    const severity = f.severity === "error" ? c.red("error  ") : c.yellow("warning");
    const from = f.source ? c.dim(` (from ${f.source})`) : "";
    add(f.file, f.line, `${String(f.line).padStart(4)}  ${severity}  ${f.message}${from} ${c.dim(`[${f.rule}]`)}\n        fix: ${f.fix}`);
  }
  const out: string[] = [];
  for (const [file, lines] of byFile) {
    // A stable sort keeps each object's findings in rule order under its line.
    out.push(c.bold(file), ...lines.sort((a, b) => a.line - b.line).map((l) => l.text), "");
  }
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.length - errors;
  const parts = [plural(errors, "error"), plural(warnings, "warning")];
  const unreadable = report.errors.filter((e) => e.document === undefined && e.line === undefined).length;
  const templates = report.errors.filter((e) => e.reason === "unrendered-template").length;
  if (report.errors.length > unreadable + templates) parts.push(`${plural(report.errors.length - unreadable - templates, "document")} that did not parse`);
  if (templates > 0) parts.push(`${plural(templates, "unrendered template")} not checked`);
  if (unreadable > 0) parts.push(`${plural(unreadable, "file")} that could not be read`);
  const scope = `in ${plural(report.objects, "object")} from ${plural(report.files, "file")}, target Kubernetes ${report.target}`;
  const summary = `${parts.join(", ")} ${scope}`;
  out.push(errors > 0 || report.errors.length > 0 ? c.red(summary) : warnings > 0 ? c.yellow(summary) : c.green(summary));
  return out.join("\n");
}
