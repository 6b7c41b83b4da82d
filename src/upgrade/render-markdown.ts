/** An upgrade plan as a tracking issue's body: totals, then one checkbox per step (a pull request each). */
import { formatEdit } from "../fleet/format-plan.js";
import { formatWeights } from "../fleet/traffic.js";
import { fenced, stepsGantt } from "../preview/mermaid.js";
import { GITHUB_COMMENT_LIMIT } from "../preview/render-markdown.js";
import { formatMinutes, irreversibleCell, METHOD_NAMES } from "./render-text.js";
import { notReadyReasons, type MethodPlan, type UpgradeTotals } from "./upgrade-plan.js";

/** The insights read for the plan: each cluster's counts, and every insight not PASSING with its recommendation and the clients of its deprecated APIs. */
function insightsSection(plan: MethodPlan): string[] {
  const lines = ["### EKS upgrade insights", ""];
  for (const c of plan.insights ?? []) {
    if (!c.read) {
      lines.push(`- **${c.cluster}** (${c.versions.join(", ")}): not read: ${c.error ?? "unknown"}`);
      continue;
    }
    const counts = ["ERROR", "WARNING", "UNKNOWN"].map((s) => [s, c.read!.insights.filter((i) => i.status === s).length] as const).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
    lines.push(`- **${c.cluster}** (${c.versions.join(", ")}): ${[...counts, `${c.read.passing} passing`].join(", ")}`);
    for (const i of c.read.insights) {
      lines.push(`  - ${i.status === "ERROR" ? "⛔" : "⚠️"} ${i.status} **${i.name}**${i.kubernetesVersion ? ` (${i.kubernetesVersion})` : ""}${i.recommendation ? `: ${i.recommendation}` : ""}`);
      for (const api of i.deprecatedApis) {
        lines.push(`    - \`${api.usage}\`${api.replacedWith ? ` → \`${api.replacedWith}\`` : ""}; clients: ${api.clients.map((k) => `\`${k.userAgent}\`${k.lastRequestTime ? ` (last ${k.lastRequestTime})` : ""}`).join(", ") || "none in the last 30 days"}${api.moreClients > 0 ? ` and ${api.moreClients} more` : ""}`);
      }
    }
  }
  if ((plan.insights ?? []).length === 0) lines.push("No cluster is below the target: no insight read.");
  return lines;
}

function totalsTable(t: UpgradeTotals): string[] {
  return [
    "| | |",
    "|---|---|",
    `| steps | ${t.steps} (${t.irreversibleSteps} irreversible) |`,
    `| estimated wall time | ${formatMinutes(t.minutes)} (at most ${formatMinutes(t.upperBoundMinutes)}) |`,
    `| extended support on the way | ${t.extendedSupportDays} cluster-day(s), $${t.extendedSupportUsd.toFixed(2)}${t.extendedSupport.length > 0 ? ` (${t.extendedSupport.map((s) => `${s.cluster} on ${s.version}: ${s.days} d`).join(", ")})` : ""} |`,
    `| running side by side | ${t.extraClusterHours} extra cluster-hour(s) ($${t.extraClusterUsd.toFixed(2)}), ${t.extraNodeHours} extra node-hour(s) |`,
  ];
}

/** The steps on a timeline from `today`, each step's bake drawn after its work. */
function timeline(plan: MethodPlan): string[] {
  if (plan.steps.length === 0) return [];
  const tasks = plan.steps.map((s) => ({
    name: s.title, starts: s.starts, minutes: s.estimate.minutes, bakeMinutes: s.estimate.bakeMinutes, critical: s.irreversible,
  }));
  return ["### Timeline", "", ...fenced(stepsGantt(`${METHOD_NAMES[plan.method]} to ${plan.to} (UTC, estimated)`, tasks)), ""];
}

/**
 * The plan as a tracking issue's body. A GitHub issue body has the same length limit as a
 * comment: the timeline (it repeats the step list) is left out first when the body is too long.
 */
export function renderPlanMarkdown(plan: MethodPlan, maxLength = GITHUB_COMMENT_LIMIT): string {
  const full = renderPlan(plan, true);
  return full.length <= maxLength ? full : renderPlan(plan, false);
}

function renderPlan(plan: MethodPlan, pictures: boolean): string {
  const lines = [plan.method === "ami-releases" ? `## Node AMI releases: ${plan.to}` : `## Upgrade to Kubernetes ${plan.to}: ${METHOD_NAMES[plan.method]}`, ""];
  if (!plan.ok) lines.push(`> ⛔ Not reachable by this method: ${plan.ruledOut}`, "");
  for (const reason of plan.ok ? notReadyReasons(plan) : []) lines.push(`> ✏️ Not ready: ${reason}`, "");
  lines.push(...totalsTable(plan.totals), "");
  for (const note of plan.notes) lines.push(`> ${note}`);
  if (plan.notes.length > 0) lines.push("");
  if (plan.insights) lines.push(...insightsSection(plan), "");
  if (pictures) lines.push(...timeline(plan));
  lines.push("### Steps", "", "Each step is one stack change: open a pull request with the file, review it against the file before it (`baton preview <step> --from <the file before it>`), merge, `pulumi up`.", "");
  for (const step of plan.steps) {
    const tag = step.rollback.window ? ` — ↩️ rollback ${step.rollback.window.when}` : step.irreversible ? " — ⚠️ **irreversible**" : "";
    lines.push(`- [ ] **${step.number}.** ${step.title} — \`${step.file}\`${tag} — about ${formatMinutes(step.estimate.minutes)} (at most ${formatMinutes(step.estimate.upperBoundMinutes)})`);
    for (const change of step.changes) lines.push(`  - ${change.summary}`);
    for (const roll of step.estimate.rolls) lines.push(`  - roll ${roll.nodeGroup}: ${roll.nodes} node(s), ${roll.updateConfig}, ${roll.batches} batch(es) of ${roll.nodesPerBatch}, up to ${roll.surgeNodes} surge node(s)`);
    for (const move of step.traffic) lines.push(`  - traffic \`${move.service}\`: \`${formatWeights(move.before)}\` → \`${formatWeights(move.after)}\` (${move.receiver} ${move.receiverPercent} %), then bake ${formatMinutes(move.bakeMinutes)}`);
    if (step.checks) lines.push(`  - \`baton check\` for ${step.checks.target}: ${step.checks.errors} error(s), ${step.checks.warnings} warning(s)${step.checks.findings.filter((f) => f.severity === "error").map((f) => `; \`${f.rule}\` ${f.file}:${f.line}`).join("")}`);
    for (const input of step.inputs) lines.push(`  - ✏️ replace \`${input.placeholder}\` at \`${input.path}\` with ${input.why}`);
    const rollback = step.rollback.file ? `apply \`${step.rollback.file}\` again (${step.rollback.takesEffect})` : step.rollback.note;
    lines.push(`  - rollback: ${rollback}${step.rollback.file ? "" : step.rollback.edits.map((e) => ` \`${formatEdit(e)}\``).join(";")}`);
    if (step.rollback.window) lines.push(`  - ${step.rollback.window.when}: apply ${step.rollback.window.files.map((f) => `\`${f}\``).join(", then ")}, each its own change and \`pulumi up\` (about ${formatMinutes(step.rollback.window.minutes)})`);
  }
  if (plan.steps.length === 0) lines.push(plan.ok ? `Nothing to do: every cluster runs ${plan.to} or newer.` : "No step can be taken.");
  return lines.join("\n");
}

export function renderCompareMarkdown(plans: readonly MethodPlan[]): string {
  const lines = [
    `## Upgrade to Kubernetes ${plans[0]?.to ?? "?"}: the methods compared`, "",
    "| method | steps | irreversible | wall time | at most | extended support | extra cluster-hours | extra node-hours |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const p of plans) {
    const t = p.totals;
    lines.push(p.ok
      ? `| ${METHOD_NAMES[p.method]} | ${t.steps} | ${irreversibleCell(t)} | ${formatMinutes(t.minutes)} | ${formatMinutes(t.upperBoundMinutes)} | ${t.extendedSupportDays} d, $${t.extendedSupportUsd.toFixed(2)} | ${t.extraClusterHours} | ${t.extraNodeHours} |`
      : `| ${METHOD_NAMES[p.method]} | ruled out: ${p.ruledOut} | | | | | | |`);
  }
  const notes = [...new Set(plans.flatMap((p) => p.notes))];
  if (notes.length > 0) lines.push("", ...notes.map((n) => `> ${n}`));
  const notReady = plans.flatMap((p) => (p.ok ? notReadyReasons(p) : []).map((r) => `> ✏️ ${METHOD_NAMES[p.method]} ${r}`));
  if (notReady.length > 0) lines.push("", ...notReady);
  return lines.join("\n");
}
