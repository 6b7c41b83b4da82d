import type { CapturedResource } from "./model.js";

/**
 * The order every capture is given, whatever order the runtime answered in: depth first down the
 * parent tree, siblings by URN. A graph assembled from parts therefore reads exactly like the
 * same graph captured whole, and each component is followed by what it contains.
 */
export function inTreeOrder(resources: readonly CapturedResource[]): CapturedResource[] {
  const present = new Set(resources.map((r) => r.urn));
  const children = new Map<string | undefined, CapturedResource[]>();
  for (const resource of resources) {
    const parent = resource.parent !== undefined && present.has(resource.parent) ? resource.parent : undefined;
    const siblings = children.get(parent);
    if (siblings) siblings.push(resource);
    else children.set(parent, [resource]);
  }
  for (const siblings of children.values()) siblings.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const ordered: CapturedResource[] = [];
  const stack = [...(children.get(undefined) ?? [])].reverse();
  while (stack.length > 0) {
    const next = stack.pop()!;
    ordered.push(next);
    stack.push(...[...(children.get(next.urn) ?? [])].reverse());
  }
  return ordered;
}
