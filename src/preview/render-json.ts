/** The review for tools and tests: resources as registered, per-resource changes, and the spec's plan. */
import type { Capture } from "./model.js";
import type { Review } from "./review.js";
import { OFFLINE_LIMITS } from "./wording.js";

export interface PreviewJson {
  readonly offline: boolean;
  /**
   * Offline, what the preview cannot know, the made-up values among them: the ids, ARNs and
   * endpoints in `resources[].inputs`, and add-on versions no pin names (`addons[].fromStandIn`,
   * `toStandIn`). Absent for a real preview.
   */
  readonly offlineLimits?: readonly string[];
  readonly subject: string;
  /** What the head config registers, with inputs exactly as passed to the provider (offline preview only). */
  readonly resources: readonly {
    urn: string; type: string; name: string; parent?: string; provider?: string;
    /** URNs the resource depends on: the engine creates it after them and deletes it before them. */
    dependencies: readonly string[];
    inputs: Readonly<Record<string, unknown>>;
  }[];
  readonly changes: readonly { type: string; name: string; op: string; paths: readonly string[]; replacePaths?: readonly string[]; reason?: string }[];
  readonly plan: Review["plan"] | null;
  readonly verdict: Review["verdict"] | null;
  readonly traffic: Review["traffic"];
  readonly irreversible: Review["irreversible"];
  readonly rollbackWindows: Review["rollbackWindows"];
  readonly notes: Review["notes"];
  readonly rolls: Review["rolls"];
  readonly addons: Review["addons"];
  readonly rollback: Review["rollback"];
  /** The stack outputs the head's deployment leaves for the next one (offline preview of an allowed change only). */
  readonly stackOutputs?: Readonly<Record<string, unknown>>;
}

export function toPreviewJson(review: Review, head?: Capture, stackOutputs?: Readonly<Record<string, unknown>>): PreviewJson {
  return {
    offline: review.offline,
    ...(review.offline ? { offlineLimits: OFFLINE_LIMITS } : {}),
    subject: review.subject,
    resources: (head?.resources ?? []).map((r) => ({
      urn: r.urn, type: r.type, name: r.name, ...(r.parent ? { parent: r.parent } : {}), ...(r.provider ? { provider: r.provider } : {}),
      dependencies: r.dependencies ?? [], inputs: r.inputs,
    })),
    changes: review.changes.map((c) => ({
      type: c.type, name: c.name, op: c.op, paths: c.paths,
      ...(c.replacePaths ? { replacePaths: c.replacePaths } : {}), ...(c.reason ? { reason: c.reason } : {}),
    })),
    plan: review.plan ?? null,
    verdict: review.verdict ?? null,
    traffic: review.traffic,
    irreversible: review.irreversible,
    rollbackWindows: review.rollbackWindows,
    notes: review.notes,
    rolls: review.rolls,
    addons: review.addons,
    rollback: review.rollback,
    ...(stackOutputs !== undefined ? { stackOutputs } : {}),
  };
}

export function renderJson(review: Review, head?: Capture, stackOutputs?: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(toPreviewJson(review, head, stackOutputs), null, 2);
}
