import { unpublishedVersion, VERSION_PATTERN } from "../fleet/versions.js";
import type { Finding } from "./finding.js";
import type { InputText } from "./inputs.js";
import { parseManifests, type InputError, type ManifestObject } from "./manifest.js";
import { findDisruptionBudgets } from "./pdb.js";
import { checkApiVersion } from "./rules/api-version.js";
import { checkPdbBlocksEviction } from "./rules/pdb-blocks-eviction.js";
import { checkReadinessProbe } from "./rules/readiness-probe.js";
import { checkServiceTargetPort, type BoundService } from "./rules/service-target-port.js";
import { checkSingleReplica } from "./rules/single-replica.js";
import { checkWorkloadHasPdb } from "./rules/workload-no-pdb.js";
import { checkZoneSpread } from "./rules/zone-spread.js";
import { findWorkloads, namespaceKey } from "./workload.js";

export interface CheckReport {
  /** The Kubernetes minor the manifests were checked against (`"1.NN"`). */
  readonly target: string;
  readonly files: number;
  readonly objects: number;
  readonly findings: readonly Finding[];
  /** Documents that could not be parsed. */
  readonly errors: readonly InputError[];
}

export class InvalidTargetError extends Error {
  override name = "InvalidTargetError";
}

/** Rejects a target that is not a `1.NN` minor version, naming the value and the expected form. */
export function assertTarget(target: string): void {
  if (!VERSION_PATTERN.test(target)) {
    throw new InvalidTargetError(`--target ${JSON.stringify(target)} is not a Kubernetes minor version: write it as 1.NN, e.g. --target 1.32`);
  }
  // The same judgement the fleet spec makes of a version: one EKS has published.
  const unpublished = unpublishedVersion(target);
  if (unpublished) throw new InvalidTargetError(`--target ${target}: ${unpublished.message}. ${unpublished.fix}.`);
}

/**
 * Applies every rule to a set of objects. The drain-safety rules look across objects (a budget and
 * the workloads it selects, a workload and its autoscaler), so all inputs are checked together.
 */
export function checkObjects(objects: readonly ManifestObject[], target: string, bound: readonly BoundService[] = []): Finding[] {
  assertTarget(target);
  const findings: Finding[] = [];
  for (const object of objects) findings.push(...checkApiVersion(object, target), ...checkServiceTargetPort(object, bound));
  const workloads = findWorkloads(objects);
  const budgets = findDisruptionBudgets(objects);
  // Budgets only select pods in their own namespace: grouping keeps the matching linear in practice.
  const workloadsIn = groupBy(workloads, (w) => namespaceKey(w.object));
  const budgetsIn = groupBy(budgets, (b) => namespaceKey(b.object));
  for (const budget of budgets) findings.push(...checkPdbBlocksEviction(budget, workloadsIn.get(namespaceKey(budget.object)) ?? []));
  for (const workload of workloads) {
    findings.push(
      ...checkWorkloadHasPdb(workload, budgetsIn.get(namespaceKey(workload.object)) ?? []),
      ...checkSingleReplica(workload),
      ...checkReadinessProbe(workload),
      ...checkZoneSpread(workload),
    );
  }
  // Input order (files as given, then line) keeps output stable and grouped by file.
  const order = new Map<string, number>();
  for (const object of objects) if (!order.has(object.file)) order.set(object.file, order.size);
  return findings.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/**
 * Parses and checks texts (files or standard input) against `target`, and the Services a fleet binds
 * (`--fleet`); `unreadable` files are reported with the rest.
 */
export function checkTexts(inputs: readonly InputText[], target: string, bound: readonly BoundService[] = [], unreadable: readonly InputError[] = []): CheckReport {
  assertTarget(target);
  const objects: ManifestObject[] = [];
  const errors: InputError[] = [...unreadable];
  for (const input of inputs) {
    const parsed = parseManifests(input.text, input.file);
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  return { target, files: inputs.length, objects: objects.length, findings: checkObjects(objects, target, bound), errors };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
