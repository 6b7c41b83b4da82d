/** `baton status` as text: clusters, node groups, then services with live against config weights. */
import type { Paint } from "../fleet/format-plan.js";
import { formatWeights } from "../fleet/traffic.js";
import type { UpgradeInsight, UpgradeInsights } from "./aws/eks-insights.js";
import type { FleetStatus, Read } from "./status.js";

const updates = (list: readonly { type: string; id: string }[]) => (list.length === 0 ? "" : `, update in progress: ${list.map((u) => `${u.type} (${u.id})`).join(", ")}`);
const failed = <T>(r: Read<T>, paint: Paint) => (r.ok ? "" : paint.red(`unavailable: ${r.error}`));

export function formatStatus(status: FleetStatus, paint: Paint): string {
  const lines = [paint.bold(`fleet ${status.fleet}${status.region ? ` (${status.region})` : ""}, read ${status.readAt}`), "", paint.bold("clusters")];
  for (const c of status.clusters) {
    if (!c.live.ok) {
      lines.push(`  ${c.name} (${c.eksName}): config ${c.configVersion}; ${failed(c.live, paint)}`);
      continue;
    }
    const v = c.live.value;
    const version = v.version === c.configVersion ? v.version : paint.red(`${v.version} (config ${c.configVersion})`);
    lines.push(`  ${c.name} (${c.eksName}): Kubernetes ${version}, ${v.status}${updates(v.updates)}`);
    for (const g of c.nodeGroups) {
      if (!g.live.ok) lines.push(`    ${g.name}: ${failed(g.live, paint)}`);
      else if (g.live.value.length === 0) lines.push(`    ${g.name}: ${paint.red("not found on AWS")}`);
      for (const n of g.live.ok ? g.live.value : []) {
        const nv = n.version === g.configVersion ? n.version : paint.red(`${n.version} (config ${g.configVersion})`);
        lines.push(`    ${g.name} (${n.name}): ${nv}${n.releaseVersion ? ` [${n.releaseVersion}]` : ""}, ${n.status}${updates(n.updates)}`);
      }
    }
    if (c.insights) lines.push(...formatInsights(c.insights, paint));
  }
  lines.push("", paint.bold("services"));
  for (const s of status.services) {
    lines.push(`  ${s.name} (${s.routing})`);
    lines.push(`    config: ${formatWeights(s.configWeights)}`);
    if (!s.live.ok) lines.push(`    live:   ${failed(s.live, paint)}`);
    else {
      const live = `live:   ${formatWeights(s.live.value.weights)}`;
      lines.push(`    ${s.drift ? paint.red(`${live}  DRIFT: AWS differs from the config`) : paint.green(live)}`);
      for (const u of s.live.value.unmapped) lines.push(paint.red(`    not in the config: ${u.id} with weight ${u.weight}`));
    }
    for (const [cluster, t] of Object.entries(s.targets)) {
      if (!t.ok) lines.push(`    targets on ${cluster}: ${failed(t, paint)}`);
      else {
        const text = `${t.value.healthy} healthy, ${t.value.unhealthy} unhealthy, ${t.value.other} other`;
        lines.push(`    targets on ${cluster}: ${t.value.unhealthy > 0 || t.value.healthy === 0 ? paint.yellow(text) : text}`);
      }
    }
  }
  // What the failed reads above have in common, once each, with the fix.
  if (status.awsProblems.length > 0) lines.push("", ...status.awsProblems.map((p) => paint.red(`AWS: ${p}`)));
  return lines.join("\n");
}

const count = (n: number, what: string) => `${n} ${what}`;

/** One cluster's upgrade insights: a summary line, then each one not PASSING with its deprecated APIs and their clients. */
export function formatInsights(read: Read<UpgradeInsights>, paint: Paint, indent = "    "): string[] {
  if (!read.ok) return [`${indent}upgrade insights: ${paint.red(`unavailable: ${read.error}`)}`];
  const r = read.value;
  const by = (s: UpgradeInsight["status"]) => r.insights.filter((i) => i.status === s).length;
  const [errors, warnings, unknown] = [by("ERROR"), by("WARNING"), by("UNKNOWN")];
  const parts = [
    ...(errors > 0 ? [paint.red(count(errors, "ERROR"))] : []),
    ...(warnings > 0 ? [paint.yellow(count(warnings, "WARNING"))] : []),
    ...(unknown > 0 ? [count(unknown, "UNKNOWN")] : []),
    `${r.passing} passing`,
  ];
  const head = errors > 0 ? paint.red("BLOCKED: ") : "";
  const listed = r.insights.length + r.passing === 0 ? "none listed by EKS" : parts.join(", ");
  const lines = [`${indent}upgrade insights for ${r.versions.join(", ")}: ${head}${listed}`];
  if (r.refresh) lines.push(`${indent}  refresh: ${r.refresh.status}${r.refresh.message ? ` (${r.refresh.message})` : ""}${r.refresh.status === "IN_PROGRESS" ? "; showing the last completed check" : ""}`);
  for (const i of r.insights) {
    const label = i.status === "ERROR" ? paint.red(i.status) : i.status === "WARNING" ? paint.yellow(i.status) : i.status;
    lines.push(`${indent}  ${label} ${i.name}${i.kubernetesVersion ? ` (${i.kubernetesVersion})` : ""}${i.lastRefreshTime ? `, checked ${i.lastRefreshTime}` : ""}`);
    if (i.reason) lines.push(`${indent}    ${i.reason}`);
    if (i.recommendation) lines.push(`${indent}    recommendation: ${i.recommendation}`);
    for (const api of i.deprecatedApis) {
      const replaced = api.replacedWith ? ` → ${api.replacedWith}` : "";
      const stops = api.stopServingVersion ? ` (no longer served in ${api.stopServingVersion})` : "";
      lines.push(`${indent}    deprecated API ${api.usage}${replaced}${stops}`);
      if (api.clients.length === 0) lines.push(`${indent}      no client seen in the last 30 days`);
      for (const client of api.clients) {
        const requests = client.requestsLast30Days === undefined ? "" : `, ${client.requestsLast30Days} request(s) in 30 days`;
        lines.push(`${indent}      client ${client.userAgent}${requests}${client.lastRequestTime ? `, last ${client.lastRequestTime}` : ""}`);
      }
      if (api.moreClients > 0) lines.push(`${indent}      and ${api.moreClients} more client(s)`);
    }
    for (const addon of i.addons) lines.push(`${indent}    add-on ${addon.name}: compatible versions ${addon.compatibleVersions.join(", ") || "none listed"}`);
    for (const resource of i.resources.slice(0, 10)) lines.push(`${indent}    resource ${resource}`);
    if (i.resources.length > 10) lines.push(`${indent}    and ${i.resources.length - 10} more resource(s)`);
    if (!i.described) lines.push(paint.dim(`${indent}    details not read (aws eks describe-insight --cluster-name ${r.cluster} --id ${i.id})`));
  }
  if (r.incomplete) lines.push(paint.yellow(`${indent}  incomplete: ${r.incomplete}`));
  return lines;
}
