import type { CheckReport } from "../check.js";

/** The machine-readable report: `{ target, summary, findings, errors }`, one finding per rule hit. */
export function formatJson(report: CheckReport): string {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  return JSON.stringify({
    target: report.target,
    summary: { files: report.files, objects: report.objects, errors, warnings: report.findings.length - errors, parseErrors: report.errors.length },
    findings: report.findings,
    errors: report.errors,
  }, null, 2);
}
