/**
 * Two stack files given the wrong way round. `plan`, `preview` and `comment` take the proposed
 * config first and the deployed one after `--from`; swapped, an upgrade reads as a downgrade and is
 * refused for a reason that sends the reader the wrong way. When a refused plan moves a version
 * down and the same two files planned the other way round are allowed, the files are most likely
 * swapped: this says which change gave it away. A one-step control-plane rollback (N → N-1 with its
 * node groups still at N) reads the same way, so the hint names that reading too (see
 * `isOneStepRollback`).
 */
import { plan, type Change, type Plan } from "./plan.js";
import type { ValidateOptions } from "./validate.js";

const DOWNGRADES = new Set(["control-plane-downgrade", "nodegroup-downgrade", "rollback-nodegroups-first"]);

/** True when the change is a control-plane rollback refused only for its node groups still at the newer version. */
export const isOneStepRollback = (change: Change) => change.refusals.some((r) => r.rule === "rollback-nodegroups-first");

/** The downgrade that suggests `before` and `after` are swapped, or undefined when nothing does. */
export function swappedDowngrade(planned: Plan, before: unknown, after: unknown, options: ValidateOptions = {}): Change | undefined {
  if (planned.allowed) return undefined;
  const downgrade = planned.changes.find((c) => c.refusals.some((r) => DOWNGRADES.has(r.rule)));
  if (downgrade === undefined) return undefined;
  return plan(after, before, options).allowed ? downgrade : undefined;
}
