import { judgeAgainstDeployed } from "./deployed.js";
import { clipLongRuns, configPath, errorsOf, type Problem } from "./problems.js";
import { checkApiAccess } from "./rules/api-access.js";
import { checkCluster } from "./rules/cluster.js";
import { checkSchedulableHome } from "./rules/schedulable-home.js";
import { checkDerivedNames } from "./rules/names.js";
import { checkReservedNames } from "./rules/reserved-names.js";
import { checkNodeGroup, checkNodeGroupSettings } from "./rules/nodegroup.js";
import { checkPlaceholders } from "./rules/placeholders.js";
import { checkListenerPriorities, checkService } from "./rules/service.js";
import { Cluster, Fleet, NodeGroup, Service } from "./schema.js";
import type { ClusterSpec, FleetSpec, ServiceSpec } from "./types.js";
import { schemaProblems, suggestedKey } from "./schema-messages.js";
import { isoDate } from "./versions.js";

export interface ValidateOptions {
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
  /**
   * The fleet as deployed (raw `baton:fleet`). A problem it already has, and that this fleet does
   * not make worse, is a warning on the current state rather than an error (see `deployed.ts`).
   */
  readonly deployed?: unknown;
}

export type Validation =
  | { readonly ok: true; readonly fleet: FleetSpec; readonly problems: readonly Problem[] }
  | { readonly ok: false; readonly fleet?: FleetSpec; readonly problems: readonly Problem[] };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Rules that need more than one field, on a spec whose shape is already valid. */
export function checkFleet(fleet: FleetSpec, today: string): Problem[] {
  const problems: Problem[] = [];
  for (const [clusterName, cluster] of Object.entries(fleet.clusters)) problems.push(...checkClusterTree(clusterName, cluster, today));
  for (const [serviceName, service] of Object.entries(fleet.services)) {
    problems.push(...checkService(fleet, serviceName, service, configPath(["services", serviceName])));
  }
  problems.push(...checkListenerPriorities(fleet), ...checkDerivedNames(fleet), ...checkApiAccess(fleet), ...checkPlaceholders(fleet));
  return problems;
}

function checkClusterTree(clusterName: string, cluster: ClusterSpec, today: string): Problem[] {
  const clusterPath = configPath(["clusters", clusterName]);
  const problems = [...checkCluster(cluster, clusterPath, today), ...checkSchedulableHome(cluster, clusterPath)];
  for (const [groupName, group] of Object.entries(cluster.nodeGroups)) {
    problems.push(...checkNodeGroup(cluster, group, `${clusterPath}.nodeGroups.${groupName}`, today));
  }
  return problems;
}

/** A key renamed to the known key its typo suggests, as config paths (before → after). */
interface Rename {
  readonly original: string;
  readonly repaired: string;
}

/**
 * A copy of the input with each unknown key that has a close known key (and whose known key is
 * absent) renamed to it, so what is inside a typo'd `servics:` is still checked. zod does not look
 * inside an unknown key, so a typo nested in a typo shows up one round later.
 */
function repairTypos(input: unknown): { repaired: unknown; renames: Rename[]; renamedKeys: Problem[] } {
  const repaired = structuredClone(input);
  const renames: Rename[] = [];
  const renamedKeys: Problem[] = [];
  for (let round = 0; round < 4; round++) {
    const parsed = Fleet.safeParse(repaired);
    if (parsed.success) break;
    let renamed = false;
    for (const issue of parsed.error.issues) {
      if (issue.code !== "unrecognized_keys") continue;
      let parent: unknown = repaired;
      for (const key of issue.path) parent = isObject(parent) || Array.isArray(parent) ? (parent as Record<PropertyKey, unknown>)[key] : undefined;
      if (!isObject(parent)) continue;
      for (const line of issue.message.split("\n")) {
        const suggestion = suggestedKey(line);
        if (!suggestion?.guess || suggestion.guess in parent || !(suggestion.key in parent)) continue;
        const at = issue.path.map((k) => (typeof k === "number" ? k : String(k)));
        const unknownKey = configPath([...at, suggestion.key]);
        renamedKeys.push(...schemaProblems(repaired, [issue]).filter((p) => p.path === unknownKey));
        parent[suggestion.guess] = parent[suggestion.key];
        delete parent[suggestion.key];
        renames.push({ original: configPath([...at, suggestion.key]), repaired: configPath([...at, suggestion.guess]) });
        renamed = true;
      }
    }
    if (!renamed) break;
  }
  return { repaired, renames, renamedKeys };
}

/** A repaired path back in the words the user wrote (the innermost rename was made last). */
function originalPath(path: string, renames: readonly Rename[]): string {
  let out = path;
  for (const rename of [...renames].reverse()) {
    if (out === rename.repaired || out.startsWith(`${rename.repaired}.`) || out.startsWith(`${rename.repaired}[`)) {
      out = rename.original + out.slice(rename.repaired.length);
    }
  }
  return out;
}

/**
 * Every rule on whatever parts of an invalid fleet do parse: the clusters, node groups and services
 * whose own shape is valid, so one run shows every problem rather than one layer at a time. Rule
 * problems about a part that did not parse are left out: its schema problem already says why.
 */
function checkWhatParsed(raw: unknown, today: string): Problem[] {
  const root = isObject(raw) ? raw : {};
  const rawClusters = isObject(root["clusters"]) ? root["clusters"] : {};
  const rawServices = isObject(root["services"]) ? root["services"] : {};
  const clusters: Record<string, ClusterSpec> = {};
  const services: Record<string, ServiceSpec> = {};
  const unparsed: string[] = [];
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(rawClusters)) {
    const cluster = Cluster.safeParse(value);
    if (cluster.success) {
      clusters[name] = cluster.data;
      continue;
    }
    unparsed.push(configPath(["clusters", name]));
    // The node groups that parse still get their own rules.
    const groups = isObject(value) && isObject(value["nodeGroups"]) ? value["nodeGroups"] : {};
    for (const [groupName, rawGroup] of Object.entries(groups)) {
      const group = NodeGroup.safeParse(rawGroup);
      if (group.success) problems.push(...checkNodeGroupSettings(group.data, configPath(["clusters", name, "nodeGroups", groupName])));
    }
  }
  for (const [name, value] of Object.entries(rawServices)) {
    const service = Service.safeParse(value);
    if (service.success) services[name] = service.data;
    else unparsed.push(configPath(["services", name]));
  }
  const shape = Fleet.shape;
  const name = shape.name.safeParse(root["name"]);
  const network = shape.network.safeParse(root["network"]);
  if (!name.success) unparsed.push(configPath(["name"]));
  if (!network.success) unparsed.push(configPath(["network"]));
  const partial: FleetSpec = {
    name: name.success ? name.data : "",
    network: network.success ? network.data : { vpcId: "", subnetIds: [] },
    clusters,
    services,
  } as FleetSpec;
  const clusterNames = new Set(Object.keys(rawClusters));
  const about = (problem: Problem, part: string) => problem.path === part || problem.path.startsWith(`${part}.`) || problem.path.startsWith(`${part}[`);
  for (const problem of checkFleet(partial, today)) {
    if (unparsed.some((part) => about(problem, part))) continue;
    // A cluster that exists but did not parse is not an unknown cluster.
    if (/-unknown-cluster$/.test(problem.rule) && clusterNames.has(problem.path.split(".").pop() ?? "")) continue;
    // Derived names need the fleet's name; API reachability needs the network's apiAccess.
    if (problem.rule === "name-length" && !name.success) continue;
    if (problem.rule === "cluster-api-unreachable" && !network.success) continue;
    problems.push(problem);
  }
  return problems;
}

/** The fleet's own problems: its shape, then every rule on what parsed. */
function validateAlone(input: unknown, today: string): Validation {
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
  // Before the schema: parsing drops a `__proto__` key without a word.
  const reserved = checkReservedNames(input);
  const parsed = Fleet.safeParse(input);
  if (parsed.success) {
    const problems = [...reserved, ...checkFleet(parsed.data, today)];
    return errorsOf(problems).length === 0 ? { ok: true, fleet: parsed.data, problems } : { ok: false, fleet: parsed.data, problems };
  }
  // Typo'd keys are renamed to what they most likely meant, so what is inside them is checked too;
  // every problem is then reported at the path as the user wrote it.
  const { repaired, renames, renamedKeys } = repairTypos(input);
  const repairedParse = Fleet.safeParse(repaired);
  const schema = repairedParse.success ? [] : schemaProblems(repaired, repairedParse.error.issues);
  const back = (p: Problem) => ({ ...p, path: originalPath(p.path, renames) });
  return { ok: false, problems: [...reserved, ...[...renamedKeys, ...schema, ...checkWhatParsed(repaired, today)].map(back)] };
}

/**
 * Validates what a user wrote under `baton:fleet`: its shape and every rule, reporting all problems
 * at once. Warnings (extended support, problems the deployed fleet already has) do not make a spec
 * invalid.
 */
export function validateFleet(input: unknown, options: ValidateOptions = {}): Validation {
  const today = options.today ?? isoDate(new Date());
  const alone = clipped(validateAlone(input, today));
  if (options.deployed === undefined) return alone;
  const problems = judgeAgainstDeployed(alone.problems, clipped(validateAlone(options.deployed, today)).problems);
  const ok = alone.fleet !== undefined && errorsOf(problems).length === 0;
  return ok ? { ok: true, fleet: alone.fleet!, problems } : { ok: false, ...(alone.fleet ? { fleet: alone.fleet } : {}), problems };
}

/** Messages never carry a huge name whole (an 8 MB key would be printed in every message naming it). */
function clipped(validation: Validation): Validation {
  return { ...validation, problems: validation.problems.map((p) => ({ ...p, message: clipLongRuns(p.message), fix: clipLongRuns(p.fix) })) };
}

