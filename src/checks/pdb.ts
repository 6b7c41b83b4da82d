import type { ManifestObject } from "./manifest.js";
import { isEmptySelector, readSelector, selects, type LabelSelector } from "./selector.js";
import { namespaceKey, type Workload } from "./workload.js";

/** A count of pods or a percentage of them, as `minAvailable` and `maxUnavailable` take. */
export type IntOrPercent = { readonly count: number } | { readonly percent: number };

export function readIntOrPercent(value: unknown): IntOrPercent | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return { count: value };
  if (typeof value === "string") {
    const match = /^(\d+)%$/.exec(value.trim());
    if (match) return { percent: Number(match[1]) };
    if (/^\d+$/.test(value.trim())) return { count: Number(value) };
  }
  return undefined;
}

/** The disruption controller rounds percentages up, for minAvailable and maxUnavailable alike. */
export function scaled(value: IntOrPercent, pods: number): number {
  return "count" in value ? value.count : Math.ceil((value.percent * pods) / 100);
}

export function showIntOrPercent(value: IntOrPercent): string {
  return "count" in value ? String(value.count) : `"${value.percent}%"`;
}

export interface DisruptionBudget {
  readonly object: ManifestObject;
  readonly minAvailable?: IntOrPercent;
  readonly maxUnavailable?: IntOrPercent;
  /** Undefined: selects no pod (a missing selector, or policy/v1beta1's empty one). */
  readonly selector?: LabelSelector;
}

export function findDisruptionBudgets(objects: readonly ManifestObject[]): DisruptionBudget[] {
  const budgets: DisruptionBudget[] = [];
  for (const object of objects) {
    if (object.kind !== "PodDisruptionBudget" || !object.apiVersion.startsWith("policy/")) continue;
    const spec = (typeof object.body["spec"] === "object" && object.body["spec"] !== null ? object.body["spec"] : {}) as Record<string, unknown>;
    const minAvailable = readIntOrPercent(spec["minAvailable"]);
    const maxUnavailable = readIntOrPercent(spec["maxUnavailable"]);
    let selector = readSelector(spec["selector"]);
    // policy/v1beta1 treated an empty selector as selecting nothing; policy/v1 as selecting everything.
    if (selector && isEmptySelector(selector) && object.apiVersion === "policy/v1beta1") selector = undefined;
    budgets.push({ object, ...(minAvailable ? { minAvailable } : {}), ...(maxUnavailable ? { maxUnavailable } : {}), ...(selector ? { selector } : {}) });
  }
  return budgets;
}

/** Whether the budget covers the workload's pods: same namespace, selector matches the pod template. */
export function budgetSelects(budget: DisruptionBudget, workload: Workload): boolean {
  return budget.selector !== undefined
    && namespaceKey(budget.object) === namespaceKey(workload.object)
    && selects(budget.selector, workload.podLabels);
}
