import type { z } from "zod";
import { configPath, errorsOf, type Problem } from "./problems.js";
import { checkApiAccess } from "./rules/api-access.js";
import { checkCluster } from "./rules/cluster.js";
import { checkDerivedNames } from "./rules/names.js";
import { checkNodeGroup, checkNodeGroupSettings } from "./rules/nodegroup.js";
import { checkListenerPriorities, checkService } from "./rules/service.js";
import { Cluster, Fleet, NodeGroup, type ClusterSpec, type FleetSpec } from "./schema.js";
import { isoDate } from "./versions.js";

export interface ValidateOptions {
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
}

export type Validation =
  | { readonly ok: true; readonly fleet: FleetSpec; readonly problems: readonly Problem[] }
  | { readonly ok: false; readonly fleet?: FleetSpec; readonly problems: readonly Problem[] };

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

const segments = (path: ReadonlyArray<PropertyKey>) => path.map((k) => (typeof k === "number" ? k : String(k)));

/** Turns zod's issues into problems a user can act on: one per unknown key, one per bad value. */
function schemaProblems(input: unknown, issues: readonly z.core.$ZodIssue[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      // The strict objects of the schema put one line per key in the message, with a suggestion.
      for (const line of issue.message.split("\n")) {
        const key = /^unknown key "(.*?)"/.exec(line)?.[1] ?? "";
        const guess = /did you mean "(.*?)"/.exec(line)?.[1];
        problems.push({
          severity: "error", rule: "unknown-key", path: configPath([...segments(issue.path), key]),
          value: valueAt(input, [...issue.path, key]),
          message: line.charAt(0).toUpperCase() + line.slice(1) + ".",
          fix: guess ? `Rename it to "${guess}".` : "Remove it, or move it to where it belongs (see the config reference in the README).",
        });
      }
      continue;
    }
    const value = valueAt(input, issue.path);
    const missing = value === undefined && issue.code === "invalid_type";
    const [message = "", fix] = issue.message.split(" | fix: ");
    problems.push({
      severity: "error", rule: missing ? "required" : "invalid-value", path: configPath(segments(issue.path)), value,
      message: missing ? `This setting is required (${message.replace(/^Invalid input: /, "")}).` : capitalise(message),
      fix: fix !== undefined ? capitalise(fix)
        : missing ? "Add it; the README's config reference lists every setting."
        : "Correct the value as described; the README's config reference lists what each setting takes.",
    });
  }
  return problems;
}

const capitalise = (s: string) => (s.charAt(0).toUpperCase() + s.slice(1)).replace(/([^.])$/, "$1.");

/** Rules that need more than one field, on a spec whose shape is already valid. */
export function checkFleet(fleet: FleetSpec, today: string): Problem[] {
  const problems: Problem[] = [];
  for (const [clusterName, cluster] of Object.entries(fleet.clusters)) problems.push(...checkClusterTree(clusterName, cluster, today));
  for (const [serviceName, service] of Object.entries(fleet.services)) {
    problems.push(...checkService(fleet, serviceName, service, configPath(["services", serviceName])));
  }
  problems.push(...checkListenerPriorities(fleet), ...checkDerivedNames(fleet), ...checkApiAccess(fleet));
  return problems;
}

/**
 * When the fleet as a whole does not parse, the clusters that do still get their rules checked,
 * so a user sees every problem in one run rather than one layer at a time.
 */
function checkValidClusters(input: unknown, today: string): Problem[] {
  const clusters = valueAt(input, ["clusters"]);
  if (!clusters || typeof clusters !== "object") return [];
  const problems: Problem[] = [];
  for (const [name, raw] of Object.entries(clusters as Record<string, unknown>)) {
    const cluster = Cluster.safeParse(raw);
    if (cluster.success) {
      problems.push(...checkClusterTree(name, cluster.data, today));
      continue;
    }
    const groups = valueAt(raw, ["nodeGroups"]);
    if (!groups || typeof groups !== "object") continue;
    for (const [groupName, rawGroup] of Object.entries(groups as Record<string, unknown>)) {
      const group = NodeGroup.safeParse(rawGroup);
      if (group.success) problems.push(...checkNodeGroupSettings(group.data, configPath(["clusters", name, "nodeGroups", groupName])));
    }
  }
  return problems;
}

function checkClusterTree(clusterName: string, cluster: ClusterSpec, today: string): Problem[] {
  const clusterPath = configPath(["clusters", clusterName]);
  const problems = checkCluster(cluster, clusterPath, today);
  for (const [groupName, group] of Object.entries(cluster.nodeGroups)) {
    problems.push(...checkNodeGroup(cluster, group, `${clusterPath}.nodeGroups.${groupName}`, today));
  }
  return problems;
}

/**
 * Validates what a user wrote under `baton:fleet`: its shape first, then every rule, reporting all
 * problems at once. Warnings (extended support) do not make a spec invalid.
 */
export function validateFleet(input: unknown, options: ValidateOptions = {}): Validation {
  const today = options.today ?? isoDate(new Date());
  if (input === undefined || input === null) {
    return {
      ok: false,
      problems: [{
        severity: "error", rule: "required", path: configPath([]),
        message: "The stack config has no baton:fleet key.",
        fix: "Add a baton:fleet block under config: (see stacks/Pulumi.migration.yaml for a complete example).",
      }],
    };
  }
  const parsed = Fleet.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: [...schemaProblems(input, parsed.error.issues), ...checkValidClusters(input, today)] };
  }
  const problems = checkFleet(parsed.data, today);
  return errorsOf(problems).length === 0
    ? { ok: true, fleet: parsed.data, problems }
    : { ok: false, fleet: parsed.data, problems };
}

export type PartParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Parses one part of a fleet on its own (a cluster, a node group, a service) against its schema,
 * for components that take that part directly; problems carry the part's full config path `at`.
 */
export function parsePart<Schema extends z.ZodType>(schema: Schema, input: unknown, at: ReadonlyArray<string | number>): PartParse<z.output<Schema>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  // Nest the part where it sits in a fleet, so paths and values read as they do for a whole fleet.
  const root = at.reduceRight<unknown>((inner, key) => (typeof key === "number" ? Object.assign([], { [key]: inner }) : { [key]: inner }), input);
  const issues = parsed.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] }));
  return { ok: false, problems: schemaProblems(root, issues) };
}
