/** `baton status` as text: clusters, node groups, then services with live against config weights. */
import type { Paint } from "../fleet/format-plan.js";
import { formatWeights } from "../fleet/traffic.js";
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
