import { describeObject, finding, type Finding } from "../finding.js";
import type { Workload } from "../workload.js";

/** Rule `no-readiness-probe`: containers (not init containers) with no readinessProbe. */
export function checkReadinessProbe(workload: Workload): Finding[] {
  if (workload.replicas.max === 0) return [];
  const containers = Array.isArray(workload.podSpec["containers"]) ? workload.podSpec["containers"] : [];
  const missing = containers
    .filter((c): c is Record<string, unknown> => typeof c === "object" && c !== null && !("readinessProbe" in c && c.readinessProbe))
    .map((c) => (typeof c["name"] === "string" ? c["name"] : "(unnamed)"));
  if (missing.length === 0) return [];
  const list = missing.map((n) => `"${n}"`).join(", ");
  return [finding(workload.object, "no-readiness-probe",
    `${describeObject(workload.object)} has no readinessProbe on container${missing.length === 1 ? "" : "s"} ${list}, so a pod rescheduled by a drain gets traffic before it can serve.`,
    `Add a readinessProbe (an HTTP GET on a health path, or a TCP socket) to ${list}.`)];
}
