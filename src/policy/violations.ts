/**
 * How a spec Problem becomes a policy violation: the spec's rules speak in config paths, the pack
 * speaks in resource properties, so each violation names the resource, the property, the value,
 * the rule and the fix.
 */
import type { ReportViolation } from "@pulumi/policy";
import { showValue, type Problem } from "../fleet/problems.js";

/** A resource as violation messages name it: `aws:eks/cluster:Cluster "prod"`. */
export function resourceLabel(type: string, name: string): string {
  return `${type} "${name}"`;
}

/** One violation message: where, what, which rule, and the fix. */
export function violationMessage(resource: string, problem: Problem): string {
  const value = problem.value === undefined ? " (not set)" : ` = ${showValue(problem.value)}`;
  return `${resource}: ${problem.path}${value}\n  ${problem.message} [${problem.rule}]\n  fix: ${problem.fix}`;
}

/** Reports each problem; `urn` is for stack policies, which must say which resource is at fault. */
export function reportProblems(problems: readonly Problem[], resource: string, report: ReportViolation, urn?: string): void {
  for (const problem of problems) report(violationMessage(resource, problem), urn);
}

/** Re-words a spec problem for a resource property: same rule and finding, the resource's path and fix. */
export function asPropertyProblem(problem: Problem, path: string, fix: string, value: { readonly value?: unknown } = problem): Problem {
  return { ...problem, path, value: value.value, fix };
}
