/**
 * The verdict the stack program acts on under `pulumi preview` and `pulumi up`: the proposed
 * config judged against what the stack's last deployment applied, with the rules `baton plan`
 * applies between two stack files (`plan`), overrides included. With no last deployment known
 * (the stack's first), the config is judged alone, and the verdict says so.
 */
import { applyOverrides, OVERRIDE_CONFIG_KEY } from "./overrides.js";
import { plan, type Plan, type PlanOptions } from "./plan.js";
import { errorsOf, type Problem } from "./problems.js";
import type { FleetSpec } from "./types.js";
import { validateFleet } from "./validate.js";
import { isoDate } from "./versions.js";
import { nextHistory, type VersionHistory } from "./version-history.js";

export interface LastDeployment {
  /** The fleet the last deployment applied (raw `baton:fleet` or the validated spec, as JSON). */
  readonly fleet: unknown;
  /** Where it was read from, for the log line, e.g. `the stack's deploymentRecord output`. */
  readonly source: string;
  /** How each version was reached, when the record says (a rollback's evidence; see version-history.ts). */
  readonly versions?: VersionHistory;
}

export interface Judgement {
  /** True when nothing blocks: the config is valid and every refusal of the change is overridden. */
  readonly ok: boolean;
  /** The proposed fleet, validated (undefined when it does not parse). */
  readonly fleet?: FleetSpec;
  /** Errors (validation, refusals, bad overrides) and warnings (overridden refusals among them). */
  readonly problems: readonly Problem[];
  /** One line for the deployment log: what the change was judged against. */
  readonly basis: string;
  /** The plan, when there was a last deployment to plan from. */
  readonly plan?: Plan;
  /** The version history this deployment records once applied (undefined when the config does not parse). */
  readonly versions?: VersionHistory;
}

const todayOf = (options: PlanOptions) => options.today ?? isoDate(new Date());

/** Judges `proposed` (raw `baton:fleet`) against `last`, or alone when there is no last deployment. */
export function judgeChange(last: LastDeployment | undefined, proposed: unknown, options: PlanOptions = {}): Judgement {
  const today = options.today === undefined ? {} : { today: options.today };
  if (last === undefined) {
    const validation = validateFleet(proposed, today);
    // With nothing to change from, there is no refusal to override: every override is left over.
    const overrides = applyOverrides([], options.overrides);
    const problems = [...validation.problems, ...overrides.problems];
    return {
      ok: errorsOf(problems).length === 0, problems,
      ...(validation.fleet !== undefined ? { fleet: validation.fleet, versions: nextHistory(undefined, undefined, validation.fleet, todayOf(options)) } : {}),
      basis: "No record of a previous deployment in this stack (its first deployment with baton's record): the config is judged alone, not as a change.",
    };
  }
  const planned = plan(last.fleet, proposed, { ...options, ...(last.versions !== undefined ? { versions: last.versions } : {}) });
  const fleet = validateFleet(proposed, { ...today, deployed: last.fleet }).fleet;
  const lastFleet = validateFleet(last.fleet, today).fleet;
  const refusals = planned.changes.flatMap((c) => c.refusals);
  const overridden = planned.problems.filter((p) => p.overridden).length;
  return {
    ok: planned.allowed, problems: [...planned.problems, ...refusals], plan: planned,
    ...(fleet !== undefined ? { fleet, versions: nextHistory(last.versions, lastFleet, fleet, todayOf(options)) } : {}),
    basis: `Judged as a change from ${last.source}: ${planned.changes.length} change(s)${refusals.length > 0 ? `, refused by ${planned.refusedRules.join(", ")}` : ""}${overridden > 0 ? `, ${overridden} refusal(s) overridden by ${OVERRIDE_CONFIG_KEY}` : ""}.`,
  };
}
