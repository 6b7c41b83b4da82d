import { configPath, type Problem } from "../problems.js";
import type { FleetSpec } from "../schema.js";

/**
 * The namespace label that makes the AWS Load Balancer Controller inject its pod readiness gate:
 * a pod turns Ready only once the load balancer reports its target healthy, so a rolling update
 * (or a node roll) never takes the old pods away before the new ones serve.
 */
export const READINESS_GATE_LABEL = { key: "elbv2.k8s.aws/pod-readiness-gate-inject", value: "enabled" } as const;

/** The `kubectl label` command that sets the readiness-gate label on a namespace. */
export const readinessGateFix = (namespace: string) =>
  `kubectl label namespace ${namespace} ${READINESS_GATE_LABEL.key}=${READINESS_GATE_LABEL.value}`;

/** (cluster, namespace) pairs where an ALB service binds into a namespace the cluster lists as existing. */
function existingBoundNamespaces(fleet: FleetSpec): Array<{ cluster: string; namespace: string; services: string[] }> {
  const out = new Map<string, { cluster: string; namespace: string; services: string[] }>();
  for (const [serviceName, service] of Object.entries(fleet.services)) {
    if (service.routing !== "alb") continue;
    for (const cluster of Object.keys(service.weights)) {
      if (!fleet.clusters[cluster]?.existingNamespaces.includes(service.namespace)) continue;
      const key = `${cluster}/${service.namespace}`;
      const entry = out.get(key) ?? { cluster, namespace: service.namespace, services: [] };
      entry.services.push(serviceName);
      out.set(key, entry);
    }
  }
  return [...out.values()];
}

/**
 * Rule `existing-namespace-readiness-gate` (a warning): baton labels the namespaces it creates,
 * not the ones a cluster lists in `existingNamespaces`, and cannot see their labels offline. Said
 * for each such namespace an ALB service binds into that `before` did not already bind into (all
 * of them when there is no `before`), so a review says it once, when the binding is new.
 */
export function checkReadinessGateOnExistingNamespaces(after: FleetSpec, before?: FleetSpec): Problem[] {
  const known = new Set(before ? existingBoundNamespaces(before).map((e) => `${e.cluster}/${e.namespace}`) : []);
  return existingBoundNamespaces(after).filter((e) => !known.has(`${e.cluster}/${e.namespace}`)).map((e) => ({
    severity: "warning" as const,
    rule: "existing-namespace-readiness-gate",
    path: `${configPath(["clusters", e.cluster, "existingNamespaces"])}`,
    value: e.namespace,
    message: `Namespace ${e.namespace} in cluster ${e.cluster} is not baton's (existingNamespaces), so baton does not label it; without ${READINESS_GATE_LABEL.key}=${READINESS_GATE_LABEL.value} the controller injects no readiness gate, and during a rollout or node roll pods of ${e.services.join(", ")} turn Ready before the load balancer has registered them healthy (5xx with few replicas).`,
    fix: `Unless it already carries the label, run in cluster ${e.cluster}: ${readinessGateFix(e.namespace)} (then restart the workloads so their pods get the gate).`,
  }));
}
