import { describeObject, finding, type Finding } from "../finding.js";
import { describeReplicas, type Workload } from "../workload.js";

/** Rule `single-replica`: a workload that runs (or may scale down to) one pod. Zero replicas is a deliberate stop and passes. */
export function checkSingleReplica(workload: Workload): Finding[] {
  if (workload.replicas.min !== 1) return [];
  const scaled = workload.autoscaler !== undefined && workload.replicas.max > 1;
  return [finding(workload.object, "single-replica",
    `${describeObject(workload.object)} ${scaled ? "may scale down to" : "runs"} a single pod (${describeReplicas(workload)}): it is unavailable from the moment its node is drained until the replacement pod is Ready.`,
    scaled
      ? "Set the HorizontalPodAutoscaler's minReplicas to 2 or more."
      : "Set spec.replicas to 2 or more, with a PodDisruptionBudget of maxUnavailable: 1.")];
}
