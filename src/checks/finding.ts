import type { ManifestObject } from "./manifest.js";

export type Severity = "error" | "warning";

/** What `baton check` reports about one object: where (the object's location fields), which rule, what is wrong and what to change. */
export interface Finding extends Omit<ManifestObject, "body"> {
  /** Stable rule id, e.g. `removed-api`; CI filters and SARIF key on it. */
  readonly rule: RuleId;
  readonly severity: Severity;
  /** What is wrong, in one or two sentences. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
}

/** Every rule `baton check` applies, with its severity and why it matters (shown in SARIF and the docs). */
export const CHECK_RULES = {
  "removed-api": { severity: "error", summary: "The object's apiVersion is no longer served at the target Kubernetes version: applying it fails." },
  "deprecated-api": { severity: "warning", summary: "The object's apiVersion is still served at the target but deprecated, and a later release removes it." },
  "pdb-blocks-eviction": { severity: "error", summary: "A PodDisruptionBudget that can never allow an eviction: a managed node group roll fails with PodEvictionFailure after 15 minutes." },
  "workload-no-pdb": { severity: "warning", summary: "A multi-replica workload that no PodDisruptionBudget selects: a node drain may evict all its pods at once." },
  "single-replica": { severity: "warning", summary: "A workload that runs a single pod: it is down from the moment its node is drained until the new pod is Ready." },
  "no-readiness-probe": { severity: "warning", summary: "A container without a readiness probe receives traffic before it can serve, so every drain-driven reschedule shows errors." },
  "service-target-port": { severity: "error", summary: "A Service the fleet binds sends its port to a pod port the TargetGroupBinding does not admit: the load balancer cannot reach the pods." },
  "no-zone-spread": { severity: "warning", summary: "Several replicas with no topology spread or anti-affinity across zones: they may all land in one zone, or on one node being drained." },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type RuleId = keyof typeof CHECK_RULES;

/** Builds a finding for `object` under `rule`, with the rule's severity. */
export function finding(object: ManifestObject, rule: RuleId, message: string, fix: string): Finding {
  return {
    file: object.file,
    document: object.document,
    line: object.line,
    ...(object.source !== undefined ? { source: object.source } : {}),
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.name !== undefined ? { name: object.name } : {}),
    ...(object.namespace !== undefined ? { namespace: object.namespace } : {}),
    rule,
    severity: CHECK_RULES[rule].severity,
    message,
    fix,
  };
}

/** `Kind namespace/name` as messages name an object. */
export function describeObject(object: { kind: string; name?: string; namespace?: string }): string {
  const name = object.name ?? "(unnamed)";
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${name}`;
}
