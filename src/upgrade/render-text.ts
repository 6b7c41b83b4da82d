/** An upgrade plan, and a comparison of methods, for a terminal. */
import { formatEdit, type Paint } from "../fleet/format-plan.js";
import { formatProblem } from "../fleet/problems.js";
import { formatWeights } from "../fleet/traffic.js";
import { formatInsights } from "../traffic/format-status.js";
import type { ClusterInsights } from "./insights.js";
import { notReadyReasons, type MethodPlan, type UpgradeStep, type UpgradeTotals } from "./upgrade-plan.js";

const same = (s: string) => s;
const plain: Paint = { red: same, green: same, yellow: same, dim: same, bold: same };

import { formatMinutes } from "./estimate.js";

export { formatMinutes };

export const METHOD_NAMES = { "in-place": "in place", "node-group": "node group blue/green", "blue-green": "cluster blue/green", "ami-releases": "node AMI releases" } as const;

export function formatTotals(t: UpgradeTotals): string[] {
  const lines = [
    `steps: ${t.steps} (${t.irreversibleSteps} irreversible)`,
    `estimated wall time: ${formatMinutes(t.minutes)} (at most ${formatMinutes(t.upperBoundMinutes)} if every drain runs into EKS's 15-minute eviction limit)`,
    `extended support on the way: ${t.extendedSupportDays} cluster-day(s), $${t.extendedSupportUsd.toFixed(2)}` +
      (t.extendedSupport.length > 0 ? ` (${t.extendedSupport.map((s) => `${s.cluster} on ${s.version}: ${s.days} d`).join(", ")})` : ""),
  ];
  if (t.extraClusterHours > 0 || t.extraNodeHours > 0) {
    lines.push(`running side by side: ${t.extraClusterHours} extra cluster-hour(s) ($${t.extraClusterUsd.toFixed(2)} of control plane), ${t.extraNodeHours} extra node-hour(s)`);
  }
  return lines;
}

function formatStep(step: UpgradeStep, c: Paint): string[] {
  const tag = step.rollback.window ? c.yellow(`  [rollback: ${step.rollback.window.files.length} file(s), ${step.rollback.window.when}]`) : step.irreversible ? c.red("  [irreversible]") : "";
  const lines = [`${c.bold(step.file)}  ${step.title}${tag}`];
  for (const change of step.changes) lines.push(`    - ${change.summary}`);
  lines.push(`  estimate: ${formatMinutes(step.estimate.minutes)} (at most ${formatMinutes(step.estimate.upperBoundMinutes)})`);
  for (const roll of step.estimate.rolls) {
    lines.push(`    roll ${roll.nodeGroup} ${roll.from} → ${roll.to}: ${roll.nodes} node(s), ${roll.updateConfig}: ${roll.nodesPerBatch} per batch, ${roll.batches} batch(es), up to ${roll.surgeNodes} surge node(s); ${formatMinutes(roll.minutes)} (at most ${formatMinutes(roll.upperBoundMinutes)})`);
  }
  for (const move of step.traffic) {
    lines.push(`  traffic ${move.service}: ${formatWeights(move.before)} → ${formatWeights(move.after)} (${move.receiver} ${move.receiverPercent} %); takes effect ${move.takesEffect}; bake ${formatMinutes(move.bakeMinutes)}`);
  }
  if (step.checks) {
    const k = step.checks;
    const line = `  checks for ${k.target}: ${k.errors} error(s), ${k.warnings} warning(s) in ${k.objects} object(s)`;
    lines.push(k.errors > 0 ? c.red(line) : line);
    for (const f of k.findings.filter((f) => f.severity === "error")) lines.push(c.red(`    ${f.rule} ${f.file}:${f.line}: ${f.message}`));
  }
  for (const input of step.inputs) lines.push(c.yellow(`  needs input: ${input.path} = ${input.placeholder}: replace it with ${input.why}`));
  for (const warning of step.warnings) lines.push(c.dim(`  warning: ${warning}`));
  lines.push(`  rollback: ${step.rollback.file ? `apply ${step.rollback.file} again. ` : ""}${step.rollback.file ? step.rollback.takesEffect : step.rollback.note}`);
  if (!step.rollback.file) for (const edit of step.rollback.edits) lines.push(`    ${formatEdit(edit)}`);
  if (step.rollback.window) {
    const w = step.rollback.window;
    lines.push(`    ${w.when}: apply ${w.files.join(", then ")} (each its own change and pulumi up; about ${formatMinutes(w.minutes)}, at most ${formatMinutes(w.upperBoundMinutes)})`);
  }
  return lines;
}

/** The insights read for a plan (`--insights`), per cluster: ERROR, WARNING and UNKNOWN ones in full, PASSING ones counted. */
export function formatPlanInsights(insights: readonly ClusterInsights[], c: Paint = plain): string[] {
  if (insights.length === 0) return [c.bold("EKS upgrade insights: no cluster is below the target, none read")];
  const lines = [c.bold("EKS upgrade insights")];
  for (const cluster of insights) {
    lines.push(`  ${cluster.cluster} (${cluster.eksName}):`);
    const read = cluster.read ? { ok: true as const, value: cluster.read } : { ok: false as const, error: cluster.error ?? "not read" };
    lines.push(...formatInsights(read, c, "    "));
  }
  return lines;
}

export function renderPlanText(plan: MethodPlan, c: Paint = plain): string {
  const lines: string[] = [];
  const reasons = notReadyReasons(plan);
  const status = !plan.ok ? c.red("incomplete") : reasons.length > 0 ? c.yellow(reasons.join("; ")) : c.green("ready");
  lines.push(`${c.bold(`upgrade plan: ${METHOD_NAMES[plan.method]} to ${plan.to}`)} (${status}; starting ${plan.today})`);
  for (const note of plan.notes) lines.push(c.dim(`note: ${note}`));
  if (plan.insights) lines.push("", ...formatPlanInsights(plan.insights, c));
  if (plan.steps.length === 0 && plan.ok) lines.push("", `nothing to do: every cluster runs ${plan.to} or newer.`);
  for (const step of plan.steps) lines.push("", ...formatStep(step, c));
  lines.push("", ...formatTotals(plan.totals));
  if (!plan.ok) {
    lines.push("", c.red(`not reachable by ${METHOD_NAMES[plan.method]}: ${plan.ruledOut}`));
    if (plan.refusal) {
      for (const p of [...plan.refusal.plan.problems.filter((p) => p.severity === "error"), ...plan.refusal.plan.changes.flatMap((ch) => ch.refusals)]) {
        lines.push(...formatProblem(p).split("\n").map((l) => `  ${l}`));
      }
    }
  }
  return lines.join("\n");
}

/** The steps no config edit undoes, and how many of them EKS can still roll back in place for a while. */
export const irreversibleCell = (t: MethodPlan["totals"]) =>
  `${t.irreversibleSteps}${t.rollbackWindowSteps > 0 ? ` (${t.rollbackWindowSteps} reversible for 7 days, in up to ${formatMinutes(t.longestRollbackMinutes)})` : ""}`;

export function renderCompareText(plans: readonly MethodPlan[], c: Paint = plain): string {
  const header = ["method", "steps", "irreversible", "wall time", "at most", "extended support", "extra cluster-h", "extra node-h"];
  const rows = plans.map((p) => p.ok
    ? [METHOD_NAMES[p.method], String(p.totals.steps), irreversibleCell(p.totals), formatMinutes(p.totals.minutes), formatMinutes(p.totals.upperBoundMinutes),
        `${p.totals.extendedSupportDays} d, $${p.totals.extendedSupportUsd.toFixed(2)}`, String(p.totals.extraClusterHours), String(p.totals.extraNodeHours)]
    : [METHOD_NAMES[p.method], "ruled out", "", "", "", "", "", ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  const lines = [c.bold(`upgrade to ${plans[0]?.to ?? "?"}: the methods compared (starting ${plans[0]?.today ?? "?"})`), "", line(header), ...rows.map(line)];
  for (const p of plans) if (!p.ok) lines.push("", c.red(`${METHOD_NAMES[p.method]} is ruled out: ${p.ruledOut}`));
  for (const p of plans) for (const reason of p.ok ? notReadyReasons(p) : []) lines.push("", c.yellow(`${METHOD_NAMES[p.method]} ${reason}`));
  const notes = [...new Set(plans.flatMap((p) => p.notes))];
  if (notes.length > 0) lines.push("", ...notes.map((n) => c.dim(`note: ${n}`)));
  return lines.join("\n");
}
