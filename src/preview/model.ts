/**
 * The change model every preview output is built from: resources as a program registers them,
 * and what a deployment would do to each. Both the offline capture diff and a real
 * `pulumi preview --json` are turned into this shape, so one renderer serves both.
 */

/** A resource as the program registered it: inputs exactly as passed to the provider. */
export interface CapturedResource {
  readonly urn: string;
  /** Pulumi type token, e.g. `aws:eks/cluster:Cluster`. */
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  /** The parent's URN; undefined at the top of the program. */
  readonly parent?: string;
  /** False for component resources (they have no provider and nothing to replace). */
  readonly custom: boolean;
  /** The provider reference (`urn::id`) when the resource names one explicitly. */
  readonly provider?: string;
  /**
   * URNs the resource depends on, as the SDK sent them to the engine: its `dependsOn` (a component
   * expanded to its resources) and every resource whose outputs its inputs use. The engine creates
   * a resource after these and deletes it before them.
   */
  readonly dependencies?: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The `replaceOnChanges` resource option: input paths whose change replaces the resource whatever the provider says. */
  readonly replaceOnChanges?: readonly string[];
  /** The `ignoreChanges` resource option: input paths the engine keeps at their deployed value. */
  readonly ignoreChanges?: readonly string[];
  /** The `deleteBeforeReplace` resource option: a replacement deletes the old resource first. */
  readonly deleteBeforeReplace?: boolean;
  /** The `import` resource option: the engine adopts the existing cloud resource with this id instead of creating one. */
  readonly importId?: string;
  /** The `retainOnDelete` resource option: a delete only drops the resource from the stack; it stays in the cloud. */
  readonly retainOnDelete?: boolean;
}

/** The resource graph one run of a program registered, in registration order. */
export interface Capture {
  readonly resources: readonly CapturedResource[];
  /** What the program logged through pulumi.log (warnings, errors), in order. */
  readonly diagnostics?: readonly string[];
}

/**
 * What a deployment does to one resource. `may-replace` is an update to a property baton's
 * replacement table does not know: the provider decides at deploy time.
 */
export type ChangeOp = "create" | "update" | "replace" | "may-replace" | "delete" | "same";

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ChangeOp;
  /** False for component resources: grouping only, nothing in the cloud. */
  readonly custom?: boolean;
  /** Changed input property paths, e.g. `actions[0].forward.targetGroups[1].weight`. */
  readonly paths: readonly string[];
  /** For replace and may-replace: the paths that force (or may force) the replacement. */
  readonly replacePaths?: readonly string[];
  /** Why the resource is replaced, deleted or may be replaced, in words a reviewer reads. */
  readonly reason?: string;
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
}

/** The operations that change something in the cloud, in the order a reviewer reads them. */
export const CHANGING_OPS: readonly ChangeOp[] = ["replace", "delete", "may-replace", "update", "create"];

export function countOps(changes: readonly ResourceChange[]): Record<ChangeOp, number> {
  const counts: Record<ChangeOp, number> = { create: 0, update: 0, replace: 0, "may-replace": 0, delete: 0, same: 0 };
  for (const change of changes) counts[change.op] += 1;
  return counts;
}

/** The short type name a reviewer recognises: `aws:eks/nodeGroup:NodeGroup` → `eks.NodeGroup`. */
export function shortType(type: string): string {
  const parts = type.split(":");
  const module = (parts[1] ?? "").split("/")[0] ?? "";
  const last = parts[parts.length - 1] ?? type;
  if (parts[0] === "kubernetes") return `k8s ${last}`;
  if (parts[0] === "pulumi") return type;
  return module && module !== "index" ? `${module}.${last}` : last;
}

/** Changes to resources in the cloud (component resources only group them). */
export const cloudChanges = (changes: readonly ResourceChange[]) => changes.filter((c) => c.custom !== false);
