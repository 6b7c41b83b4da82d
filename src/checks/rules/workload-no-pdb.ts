import { describeObject, finding, type Finding } from "../finding.js";
import { budgetSelects, type DisruptionBudget } from "../pdb.js";
import { describeReplicas, type Workload } from "../workload.js";

/** Rule `workload-no-pdb`: a workload that can run several pods, and no budget among the manifests selects them. */
export function checkWorkloadHasPdb(workload: Workload, budgets: readonly DisruptionBudget[]): Finding[] {
  if (workload.replicas.max < 2 || budgets.some((b) => budgetSelects(b, workload))) return [];
  return [finding(workload.object, "workload-no-pdb",
    `${describeObject(workload.object)} runs ${describeReplicas(workload)} and no PodDisruptionBudget selects its pods: a drain may evict them all at once.`,
    `Add a policy/v1 PodDisruptionBudget in the same namespace with maxUnavailable: 1 and a selector matching the pod template's labels.`)];
}
