/**
 * Diffs two captured resource graphs, resource by resource (matched by URN, as Pulumi matches
 * them): create, delete, same, or an update whose changed paths the replacement table classifies.
 */
import type { Capture, CapturedResource, ResourceChange } from "./model.js";
import { classifyUpdate, isUnder } from "./replacement-table.js";

/** Keys the engine adds to inputs that are not the program's own. */
const IGNORED_KEYS = new Set(["__defaults"]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const join = (base: string, key: string | number) => (typeof key === "number" ? `${base}[${key}]` : base ? `${base}.${key}` : key);

/** The leaf paths where two input values differ. */
export function changedPaths(before: unknown, after: unknown, base = ""): string[] {
  if (Object.is(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...(i < before.length && i < after.length ? changedPaths(before[i], after[i], join(base, i)) : [join(base, i)]));
    }
    return out;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const out: string[] = [];
    for (const key of keys) {
      if (base === "" && IGNORED_KEYS.has(key)) continue;
      if (!(key in before) || !(key in after)) out.push(join(base, key));
      else out.push(...changedPaths(before[key], after[key], join(base, key)));
    }
    return out;
  }
  return [base || "(value)"];
}

function changeOf(before: CapturedResource | undefined, after: CapturedResource | undefined): ResourceChange {
  const subject = (after ?? before)!;
  const head = { urn: subject.urn, type: subject.type, name: subject.name, custom: subject.custom };
  if (before === undefined) return { ...head, op: "create", paths: [], after: after!.inputs };
  if (after === undefined) return { ...head, op: "delete", paths: [], before: before.inputs, reason: "no longer registered by the program" };
  // A resource handed to another provider instance (another cluster's kubeconfig) is a change too.
  // The engine keeps ignoreChanges paths at their deployed value: a change there is no change.
  const ignored = after.ignoreChanges ?? [];
  const paths = [
    ...changedPaths(before.inputs, after.inputs).filter((p) => !ignored.some((i) => isUnder(p, i))),
    ...(before.provider !== after.provider ? ["(provider)"] : []),
  ];
  if (paths.length === 0) return { ...head, op: "same", paths: [] };
  // A component has no provider: its own inputs never replace anything.
  const verdict = after.custom ? classifyUpdate(after.type, paths, after.replaceOnChanges ?? []) : { op: "update" as const, paths: [] };
  return {
    ...head, op: verdict.op, paths, before: before.inputs, after: after.inputs,
    ...(verdict.op !== "update" ? { replacePaths: verdict.paths, reason: verdict.reason } : {}),
  };
}

/** Every resource of either capture with what a deployment would do to it: the after-capture's order, then deletions. */
export function diffCaptures(before: Capture, after: Capture): ResourceChange[] {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const registered = new Set(after.resources.map((r) => r.urn));
  return [
    ...after.resources.map((r) => changeOf(old.get(r.urn), r)),
    ...before.resources.filter((r) => !registered.has(r.urn)).map((r) => changeOf(r, undefined)),
  ];
}

/** Without a base, everything the program registers is created. */
export function createAll(after: Capture): ResourceChange[] {
  return after.resources.map((r) => changeOf(undefined, r));
}
