import { describeObject, finding, type Finding } from "../finding.js";
import { budgetSelects, scaled, showIntOrPercent, type DisruptionBudget } from "../pdb.js";
import { describeReplicas, type Workload } from "../workload.js";

const CONSEQUENCE = "a node drain can never evict its pods, so a managed node group update fails with PodEvictionFailure after 15 minutes";

/**
 * Rule `pdb-blocks-eviction`: a budget that allows no eviction even at the workloads' largest
 * size. `maxUnavailable: 0` and `minAvailable: 100%` always do; a count or smaller percentage does
 * when it reaches the number of pods the budget's workloads run (only judged when those workloads
 * are among the checked manifests).
 */
export function checkPdbBlocksEviction(budget: DisruptionBudget, workloads: readonly Workload[]): Finding[] {
  const { object, minAvailable, maxUnavailable } = budget;
  const name = describeObject(object);
  if (maxUnavailable && scaled(maxUnavailable, 1) === 0) {
    return [finding(object, "pdb-blocks-eviction",
      `${name} sets maxUnavailable: ${showIntOrPercent(maxUnavailable)}: ${CONSEQUENCE}.`,
      "Set maxUnavailable: 1 (or a percentage above 0%) so one pod at a time may move.")];
  }
  if (!minAvailable) return [];
  if ("percent" in minAvailable && minAvailable.percent >= 100) {
    return [finding(object, "pdb-blocks-eviction",
      `${name} sets minAvailable: ${showIntOrPercent(minAvailable)}: ${CONSEQUENCE}.`,
      "Use maxUnavailable: 1 instead, which keeps all but one pod running during a drain.")];
  }
  const selected = workloads.filter((w) => budgetSelects(budget, w));
  // Pods the budget guards when every selected workload runs at its largest size.
  const pods = selected.reduce((sum, w) => sum + w.replicas.max, 0);
  if (selected.length === 0 || pods === 0 || scaled(minAvailable, pods) < pods) return [];
  const which = selected.map((w) => `${describeObject(w.object)} (${describeReplicas(w)})`).join(", ");
  return [finding(object, "pdb-blocks-eviction",
    `${name} requires minAvailable: ${showIntOrPercent(minAvailable)} of the ${pods} pod${pods === 1 ? "" : "s"} it selects [${which}]: ${CONSEQUENCE}.`,
    pods === 1
      ? "Run at least 2 replicas and use maxUnavailable: 1, or drop the budget for a workload that may stop during a drain."
      : `Use maxUnavailable: 1, or lower minAvailable below ${pods}.`)];
}
