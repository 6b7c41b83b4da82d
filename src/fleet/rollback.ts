/**
 * The rollback of a whole plan, as a reviewer applies it: one config edit that undoes every
 * reversible change, each key set once, and, apart from it, what to do when a step that no single
 * edit undoes (a version upgrade, rolled back in ordered stack changes within EKS's window; a
 * deleted cluster, never) misbehaves. Each change's own rollback comes
 * from `plan`; this only composes them, so the two can never be mixed into one edit that sets a
 * key twice.
 */
import type { Change, ConfigEdit, Plan } from "./plan.js";

export interface TakesEffect {
  /** How fast, e.g. "at once: the ALB applies new listener-rule weights to the next request". */
  readonly speed: string;
  /** The changes whose rollback takes effect that way, each once. */
  readonly subjects: readonly string[];
}

/** What to do when irreversible steps misbehave: the same traffic escape for every step listed. */
export interface Escape {
  /** The cluster whose traffic the escape moves away (undefined for a step that moves none). */
  readonly cluster?: string;
  /** The changes this covers, e.g. `cluster blue`, `node group blue/general`, each once. */
  readonly subjects: readonly string[];
  /** Why they cannot be undone and what the escape restores, one sentence a change. */
  readonly notes: readonly string[];
  /** Moves traffic away from what misbehaves; empty when no other cluster can take it. */
  readonly edits: readonly ConfigEdit[];
  /** How fast the escape takes effect; undefined when there are no edits. */
  readonly takesEffect?: string;
  /**
   * True when every change it covers can still be rolled back in place for a while (an in-place
   * version upgrade, see Rollback.timeBoxed): the escape is what to do meanwhile, not the only way.
   */
  readonly timeBoxed?: true;
}

export interface PlanRollback {
  /** Undoes every reversible change; each config path appears once. */
  readonly undo: readonly ConfigEdit[];
  readonly takesEffect: readonly TakesEffect[];
  /** One per distinct escape: steps that move the same traffic the same way share one. */
  readonly escapes: readonly Escape[];
}

/** True when setting or removing `outer` also decides `inner` (the same key, or one below it). */
const covers = (outer: string, inner: string) => inner === outer || inner.startsWith(`${outer}.`);

/**
 * The edits with each key once. An edit under a key another edit already sets is dropped (the
 * outer edit decides it); two changes never revert the same key to different values, since each
 * change owns the paths it reverts.
 */
export function mergeEdits(edits: readonly ConfigEdit[]): ConfigEdit[] {
  const merged: ConfigEdit[] = [];
  for (const edit of edits) {
    if (merged.some((kept) => covers(kept.path, edit.path))) continue;
    for (let i = merged.length - 1; i >= 0; i--) if (covers(edit.path, merged[i]!.path)) merged.splice(i, 1);
    merged.push(edit);
  }
  return merged;
}

const unique = (items: readonly string[]) => [...new Set(items)];

/** `blue` from `baton:fleet.clusters.blue.nodeGroups.general.version`. */
const clusterOf = (change: Change) => /(?:^|\.)clusters\.([^.]+)/.exec(change.path)?.[1];

export function planRollbackSteps(planned: Plan): PlanRollback {
  const reversible = planned.changes.filter((c) => !c.irreversible && c.rollback.edits.length > 0);
  const speeds = new Map<string, string[]>();
  for (const change of reversible) speeds.set(change.rollback.takesEffect, [...(speeds.get(change.rollback.takesEffect) ?? []), change.subject]);

  // Irreversible steps that move the same traffic the same way (a cluster's upgrade and its node
  // groups' roll) share one escape.
  const escapes = new Map<string, { changes: Change[]; edits: ConfigEdit[] }>();
  for (const change of planned.changes.filter((c) => c.irreversible)) {
    // A deleted cluster's "re-add the block" builds a new, empty cluster: not an escape.
    const edits = change.kind === "decommission" ? [] : mergeEdits(change.rollback.edits);
    // A control plane's upgrade and its node groups' roll share one time-boxed rollback: one escape.
    const box = change.rollback.timeBoxed;
    const key = edits.length > 0 ? JSON.stringify(edits) : box !== undefined ? `steps:${JSON.stringify(box.steps)}` : `note:${change.subject}`;
    const entry = escapes.get(key) ?? { changes: [], edits };
    entry.changes.push(change);
    escapes.set(key, entry);
  }

  return {
    undo: mergeEdits(reversible.flatMap((c) => c.rollback.edits)),
    takesEffect: [...speeds].map(([speed, subjects]) => ({ speed, subjects: unique(subjects) })),
    escapes: [...escapes.values()].map(({ changes, edits }) => ({
      ...(edits.length > 0 && clusterOf(changes[0]!) !== undefined ? { cluster: clusterOf(changes[0]!)! } : {}),
      subjects: unique(changes.map((c) => c.subject)),
      // Changes sharing a time-boxed rollback say the same thing: the first (the control plane's) says it.
      notes: changes.every((c) => c.rollback.timeBoxed !== undefined) ? [changes[0]!.rollback.note] : unique(changes.map((c) => c.rollback.note)),
      edits,
      ...(edits.length > 0 ? { takesEffect: unique(changes.map((c) => c.rollback.takesEffect)).join("; ") } : {}),
      ...(changes.every((c) => c.rollback.timeBoxed !== undefined) ? { timeBoxed: true as const } : {}),
    })),
  };
}
