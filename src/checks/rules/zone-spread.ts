import { describeObject, finding, type Finding } from "../finding.js";
import { describeReplicas, type Workload } from "../workload.js";

/** Node labels that name a zone: the current one and its deprecated beta spelling. */
export const ZONE_KEYS: ReadonlySet<string> = new Set(["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]);

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function spreadsAcrossZones(podSpec: Readonly<Plain>): boolean {
  if (list(podSpec["topologySpreadConstraints"]).some((c) => isPlain(c) && ZONE_KEYS.has(String(c["topologyKey"])))) return true;
  const antiAffinity = isPlain(podSpec["affinity"]) ? podSpec["affinity"]["podAntiAffinity"] : undefined;
  if (!isPlain(antiAffinity)) return false;
  const required = list(antiAffinity["requiredDuringSchedulingIgnoredDuringExecution"]);
  const preferred = list(antiAffinity["preferredDuringSchedulingIgnoredDuringExecution"])
    .map((p) => (isPlain(p) ? p["podAffinityTerm"] : undefined));
  return [...required, ...preferred].some((term) => isPlain(term) && ZONE_KEYS.has(String(term["topologyKey"])));
}

/** Rule `no-zone-spread`: several replicas and nothing that spreads them across zones. */
export function checkZoneSpread(workload: Workload): Finding[] {
  if (workload.replicas.max < 2 || spreadsAcrossZones(workload.podSpec)) return [];
  return [finding(workload.object, "no-zone-spread",
    `${describeObject(workload.object)} runs ${describeReplicas(workload)} with no topologySpreadConstraints or podAntiAffinity on topology.kubernetes.io/zone: the scheduler may put them all in one zone, or on the node being drained.`,
    "Add a topologySpreadConstraint with topologyKey: topology.kubernetes.io/zone, maxSkew: 1, whenUnsatisfiable: ScheduleAnyway, and a labelSelector matching the pod labels.")];
}
