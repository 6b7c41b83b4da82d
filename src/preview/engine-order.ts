/**
 * The order a real `pulumi up` would create, update and delete resources in, derived from two
 * captured graphs, and checked against the preconditions table.
 *
 * How the Pulumi engine orders steps: a resource is created or updated only after every resource
 * it depends on (its `dependsOn`, the resources whose outputs its inputs use, its parent and its
 * provider); independent steps run in parallel. A replacement creates the new resource first and
 * deletes the old one later (create-before-delete, Pulumi's default). Resources the program no
 * longer registers, and the old halves of replacements, are deleted after every create and update,
 * in reverse dependency order of the previous graph: a resource is deleted before anything it
 * depended on. Only the dependency edges fix an order, so a precondition holds only when it
 * follows from them (or the resource it needs exists before and after the step).
 */
import { diffCaptures } from "./diff.js";
import type { Capture, CapturedResource, ChangeOp } from "./model.js";
import { LEFT_IN_CLOUD, PRECONDITIONS, preconditionsOf, runsSystemPods, type GraphView, type LeftInCloud, type Preconditions, type Requirement } from "./preconditions.js";

export type EngineOp = "create" | "update" | "replace" | "delete" | "delete-replaced";

export interface EngineStep {
  readonly op: EngineOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
}

export interface OrderViolation {
  readonly op: EngineOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly needs: string;
  readonly message: string;
}

/** An object a delete left in the cloud (`retainOnDelete`): the stack forgot it, the cloud did not. */
export interface LeftBehind {
  readonly type: string;
  /** Its physical identity (see `LeftInCloud.identity`). */
  readonly identity: string;
  /** The logical name it had. */
  readonly name: string;
}

export interface EngineOrder {
  /** One order the engine may follow (steps the dependencies do not order may also run in parallel). */
  readonly steps: readonly EngineStep[];
  readonly violations: readonly OrderViolation[];
  /** What is in the cloud but not in the stack after this step: the next step's `leftBehind`. */
  readonly leftBehind: readonly LeftBehind[];
}

export interface EngineOrderOptions {
  readonly table?: Readonly<Record<string, readonly Preconditions[]>>;
  /** What earlier steps left in the cloud (their `leftBehind`). @default nothing */
  readonly leftBehind?: readonly LeftBehind[];
  readonly leftInCloud?: Readonly<Record<string, LeftInCloud>>;
}

const EKS_CLUSTER = "baton:components:EksCluster";
const ALB_ROUTE = "baton:components:WeightedAlbRoute";

/** A provider reference is `<provider URN>::<id>`. */
const providerUrn = (ref: string) => ref.slice(0, ref.lastIndexOf("::"));

/** One captured graph with the lookups the engine model needs. */
class Graph implements GraphView {
  readonly byUrn: Map<string, CapturedResource>;
  private readonly closure = new Map<string, Set<string>>();

  constructor(readonly capture: Capture) {
    this.byUrn = new Map(capture.resources.map((r) => [r.urn, r]));
  }

  /** What the engine orders the resource after: its dependencies, its parent and its provider. */
  directDependencies(r: CapturedResource): string[] {
    return [...(r.dependencies ?? []), ...(r.parent ? [r.parent] : []), ...(r.provider ? [providerUrn(r.provider)] : [])];
  }

  /** Everything the resource depends on, directly or not. */
  ancestors(urn: string): Set<string> {
    const known = this.closure.get(urn);
    if (known) return known;
    const seen = new Set<string>();
    const stack = [urn];
    while (stack.length > 0) {
      const r = this.byUrn.get(stack.pop()!);
      if (!r) continue;
      for (const dep of this.directDependencies(r)) if (!seen.has(dep)) { seen.add(dep); stack.push(dep); }
    }
    this.closure.set(urn, seen);
    return seen;
  }

  private nearest(r: CapturedResource, type: string): string | undefined {
    for (let at: CapturedResource | undefined = r; at; at = at.parent ? this.byUrn.get(at.parent) : undefined) {
      if (at.type === type) return at.urn;
    }
    return undefined;
  }

  /** The EksCluster a resource belongs to: above it, or above its provider (a Kubernetes object). */
  clusterOf(r: CapturedResource): string | undefined {
    const own = this.nearest(r, EKS_CLUSTER);
    if (own !== undefined || !r.provider) return own;
    const provider = this.byUrn.get(providerUrn(r.provider));
    return provider ? this.nearest(provider, EKS_CLUSTER) : undefined;
  }

  providerOf(r: CapturedResource): CapturedResource | undefined {
    return r.provider ? this.byUrn.get(providerUrn(r.provider)) : undefined;
  }

  routeOf(r: CapturedResource): string | undefined {
    return this.nearest(r, ALB_ROUTE);
  }

  /** The resources that satisfy a requirement of `r`. */
  candidates(r: CapturedResource, req: Requirement): CapturedResource[] {
    const cluster = this.clusterOf(r);
    return this.capture.resources.filter((d) => {
      if (d.type !== req.type || (req.where && !req.where(d.inputs))) return false;
      switch (req.match) {
        case "cluster": return cluster !== undefined && this.clusterOf(d) === cluster;
        case "cluster-system-nodes": return cluster !== undefined && this.clusterOf(d) === cluster && runsSystemPods(d.inputs);
        case "own-namespace":
          return cluster !== undefined && this.clusterOf(d) === cluster && metadata(d)["name"] === metadata(r)["namespace"];
        case "route": return this.routeOf(r) !== undefined && this.routeOf(d) === this.routeOf(r);
      }
    });
  }
}

const metadata = (r: CapturedResource) => (r.inputs["metadata"] ?? {}) as Record<string, unknown>;

const REPLACING: readonly ChangeOp[] = ["replace", "may-replace"];

/** The engine's steps for moving from `before` to `after`, and every precondition they break. */
export function engineOrder(before: Capture, after: Capture, options: EngineOrderOptions = {}): EngineOrder {
  const table = options.table ?? PRECONDITIONS;
  const leftInCloud = options.leftInCloud ?? LEFT_IN_CLOUD;
  const old = new Graph(before);
  const next = new Graph(after);
  const opOf = new Map<string, ChangeOp>();
  for (const change of diffCaptures(before, after)) if (change.custom !== false) opOf.set(change.urn, change.op);
  const isCustom = (r: CapturedResource) => r.custom;

  const forward = after.resources.filter((r) => isCustom(r) && ["create", "update", "replace", "may-replace"].includes(opOf.get(r.urn) ?? "same"));
  const backward = before.resources.filter((r) => isCustom(r) && ["delete", "replace", "may-replace"].includes(opOf.get(r.urn) ?? "same"));
  const steps: EngineStep[] = [
    ...topological(forward, next).map((r) => step(r, opOf.get(r.urn) === "create" ? "create" : opOf.get(r.urn) === "update" ? "update" : "replace")),
    ...topological(backward, old).reverse().map((r) => step(r, opOf.get(r.urn) === "delete" ? "delete" : "delete-replaced")),
  ];

  const violations: OrderViolation[] = [];
  const fail = (r: CapturedResource, op: EngineOp, needs: string, message: string) =>
    violations.push({ op, urn: r.urn, type: r.type, name: r.name, needs, message: `${op} ${r.type} ${r.name}: ${message}` });

  for (const r of forward) {
    const op: EngineOp = opOf.get(r.urn) === "create" ? "create" : opOf.get(r.urn) === "update" ? "update" : "replace";
    for (const pre of preconditionsOf(r, table)) {
      for (const req of pre.create) {
        const candidates = next.candidates(r, req);
        // Nothing of the kind in the stack: provided outside it (an opt-out), not the engine's to order.
        if (candidates.length === 0) continue;
        // Already there (and not created in this step), or created before `r` because `r` depends on it.
        const ready = (d: CapturedResource) => opOf.get(d.urn) !== "create" || next.ancestors(r.urn).has(d.urn);
        const holds = req.quantifier === "some" ? candidates.some(ready) : candidates.every(ready);
        if (!holds) {
          const missing = candidates.filter((d) => !ready(d)).map((d) => d.name).join(", ");
          fail(r, op, req.type, `may run before ${req.type} ${missing} is created (no dependency orders it after): ${req.why}.`);
        }
      }
    }
  }

  for (const r of backward) {
    const op: EngineOp = opOf.get(r.urn) === "delete" ? "delete" : "delete-replaced";
    for (const pre of preconditionsOf(r, table)) {
      for (const req of pre.delete) {
        const candidates = old.candidates(r, req);
        if (candidates.length === 0) continue;
        // Still there after the step, or deleted after `r` because `r` depended on it.
        const present = (d: CapturedResource) => opOf.get(d.urn) !== "delete" || old.ancestors(r.urn).has(d.urn);
        const holds = req.quantifier === "some" ? candidates.some(present) : candidates.every(present);
        if (!holds) {
          const gone = candidates.filter((d) => !present(d)).map((d) => d.name).join(", ");
          fail(r, op, req.type, `${req.type} ${gone} may be deleted first (no dependency orders it after): ${req.why}.`);
        }
      }
      for (const type of pre.unreferencedBy ?? []) {
        for (const x of before.resources.filter((x) => x.type === type && old.directDependencies(x).includes(r.urn))) {
          // A referrer that stays is updated before any delete runs; one that goes is deleted first, as it depends on `r`.
          const kept = next.byUrn.get(x.urn);
          if (op === "delete" && kept !== undefined && next.directDependencies(kept).includes(r.urn)) fail(r, op, type, `${type} ${x.name} still refers to it.`);
        }
      }
    }
  }
  // A create over an object an earlier delete left in the cloud fails unless it adopts it.
  const left = new Map((options.leftBehind ?? []).map((l) => [`${l.type}\u0000${l.identity}`, l]));
  for (const r of forward.filter((x) => opOf.get(x.urn) === "create")) {
    const kind = leftInCloud[r.type];
    const identity = kind?.identity(r, next);
    if (kind === undefined || identity === undefined) continue;
    const key = `${r.type}\u0000${identity}`;
    if (!left.has(key)) continue;
    if (!kind.adopts(r, next)) fail(r, "create", r.type, `${identity} is still in the cloud (left by the delete of ${left.get(key)!.name}), and nothing adopts it: ${kind.why}.`);
    left.delete(key);
  }
  for (const r of backward.filter((x) => opOf.get(x.urn) === "delete" && x.retainOnDelete)) {
    const identity = leftInCloud[r.type]?.identity(r, old);
    if (identity !== undefined) left.set(`${r.type}\u0000${identity}`, { type: r.type, identity, name: r.name });
  }
  return { steps, violations, leftBehind: [...left.values()] };
}

const step = (r: CapturedResource, op: EngineOp): EngineStep => ({ op, urn: r.urn, type: r.type, name: r.name });

/** The resources in an order that puts each after everything it depends on (among themselves, through any path of the graph). */
function topological(resources: readonly CapturedResource[], graph: Graph): CapturedResource[] {
  const included = new Set(resources.map((r) => r.urn));
  const done = new Set<string>();
  const out: CapturedResource[] = [];
  const visit = (r: CapturedResource) => {
    if (done.has(r.urn)) return;
    done.add(r.urn);
    for (const dep of graph.ancestors(r.urn)) {
      const d = graph.byUrn.get(dep);
      if (d && included.has(dep)) visit(d);
    }
    out.push(r);
  };
  resources.forEach(visit);
  return out;
}
