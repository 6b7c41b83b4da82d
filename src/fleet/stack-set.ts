/**
 * A fleet of stacks: one `Pulumi.<stack>.yaml` per stack, paired by stack name between a base (as
 * deployed) and a head (as proposed). Pure: the files are read elsewhere. A stack added in the
 * head is judged as a new config; a stack whose file is gone from the head is judged as the
 * removal of its whole fleet, with the same rules `plan` applies to removing a cluster.
 */
import { planChanges, type Plan } from "./plan.js";
import { errorsOf, type Problem } from "./problems.js";
import type { FleetSpec } from "./schema.js";
import { validateFleet, type ValidateOptions } from "./validate.js";

/** `Pulumi.<stack>.yaml`: the file name Pulumi gives a stack's config (`Pulumi.yaml` is the project's). */
export const STACK_FILE_PATTERN = /^Pulumi\.(.+)\.yaml$/;

/** The stack a config file belongs to, from its name; undefined for any other file. */
export function stackNameOf(fileName: string): string | undefined {
  return STACK_FILE_PATTERN.exec(fileName)?.[1];
}

export type StackStatus = "added" | "removed" | "both";

export interface StackPair<T> {
  readonly name: string;
  readonly status: StackStatus;
  readonly base?: T;
  readonly head?: T;
}

/** Every stack of either side, by name: in both, added in the head, or removed from it. */
export function pairStacks<T>(base: ReadonlyMap<string, T>, head: ReadonlyMap<string, T>): StackPair<T>[] {
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  return names.map((name) => {
    const b = base.get(name);
    const h = head.get(name);
    const status: StackStatus = b === undefined ? "added" : h === undefined ? "removed" : "both";
    return { name, status, ...(b !== undefined ? { base: b } : {}), ...(h !== undefined ? { head: h } : {}) };
  });
}

/** The fleet with nothing left in it: what a stack's `pulumi destroy` leaves. */
export function emptiedFleet(fleet: FleetSpec): FleetSpec {
  return { ...fleet, clusters: {}, services: {} };
}

/**
 * Removing a stack's file (to destroy the stack) judged as removing every cluster and service of
 * its fleet: each cluster that still has traffic refuses it (`decommission-weighted-cluster`), as
 * it would in one stack. A base that does not parse cannot be judged and refuses too.
 */
export function planRemoval(beforeInput: unknown, options: ValidateOptions = {}): Plan {
  const before = validateFleet(beforeInput, options.today === undefined ? {} : { today: options.today });
  if (before.fleet === undefined) {
    const problems = errorsOf(before.problems).map((p) => ({ ...p, message: `(current spec) ${p.message}` }));
    return { allowed: false, changes: [], problems, refusedRules: [...new Set(problems.map((p) => p.rule))] };
  }
  const changes = planChanges(before.fleet, emptiedFleet(before.fleet));
  const refusals = changes.flatMap((c) => c.refusals);
  return { allowed: refusals.length === 0, changes, problems: [], refusedRules: [...new Set(refusals.map((p) => p.rule))] };
}

/** A plan with problems of the stack file beside its fleet (a bad `baton:wave`): they refuse it as the fleet's own errors do. */
export function withStackProblems(planned: Plan, problems: readonly Problem[]): Plan {
  const errors = errorsOf(problems);
  if (errors.length === 0) return planned;
  return {
    ...planned, allowed: false, problems: [...errors, ...planned.problems],
    refusedRules: [...new Set([...errors.map((p) => p.rule), ...planned.refusedRules])],
  };
}

/**
 * A stack added in the head, judged as one stack without a base is: its config alone, by every
 * rule (`baton validate`). Its plan lists no changes: everything in it is new.
 */
export function planAddition(afterInput: unknown, options: ValidateOptions = {}): Plan {
  const after = validateFleet(afterInput, options.today === undefined ? {} : { today: options.today });
  return { allowed: after.ok, changes: [], problems: after.problems, refusedRules: [...new Set(errorsOf(after.problems).map((p) => p.rule))] };
}
