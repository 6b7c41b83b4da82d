/**
 * Two stack files given the wrong way round. `plan`, `preview` and `comment` take the proposed
 * config first and the deployed one after `--from`; swapped, an upgrade reads as a downgrade and is
 * refused for a reason that sends the reader the wrong way. When a refused plan moves a version
 * down and the same two files planned the other way round are allowed, the files are most likely
 * swapped: this says which change gave it away.
 */
import { plan, type Change, type Plan } from "./plan.js";
import type { ValidateOptions } from "./validate.js";

const DOWNGRADES = new Set(["control-plane-downgrade", "nodegroup-downgrade"]);

/** The downgrade that suggests `before` and `after` are swapped, or undefined when nothing does. */
export function swappedDowngrade(planned: Plan, before: unknown, after: unknown, options: ValidateOptions = {}): Change | undefined {
  if (planned.allowed) return undefined;
  const downgrade = planned.changes.find((c) => c.refusals.some((r) => DOWNGRADES.has(r.rule)));
  if (downgrade === undefined) return undefined;
  return plan(after, before, options).allowed ? downgrade : undefined;
}
