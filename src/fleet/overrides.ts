/**
 * Break-glass: applying a change the transition rules refuse, on purpose and on the record. The
 * stack config's `baton:override` lists each refusal it overrides by rule and config path, with a
 * reason a reviewer reads:
 *
 *     baton:override:
 *       - rule: control-plane-skip-minor
 *         path: baton:fleet.clusters.blue.version
 *         reason: blue was upgraded to 1.34 outside this stack (change 4711); the record still says 1.33
 *
 * An overridden refusal is a warning that carries the reason, in `baton plan`, the preview, the
 * review and `pulumi up` alike. Only the rules on a change can be overridden, never a rule on the
 * config itself. An entry that overrides nothing is an error, so an override cannot stay behind
 * after its change is applied and wave a later one through.
 */
import { z } from "zod";
import type { Problem } from "./problems.js";

/** The stack config key the overrides live under. */
export const OVERRIDE_CONFIG_KEY = "baton:override";

/** The rules `plan` applies to a change between two configs (see plan.ts), the ones an override may name. */
export const TRANSITION_RULES = [
  "control-plane-skip-minor", "control-plane-downgrade", "control-plane-nodegroups-behind",
  "decommission-weighted-cluster", "replace-weighted-cluster", "new-cluster-weighted",
  "nodegroup-remove-unretired", "nodegroup-downgrade", "nodegroup-release-downgrade", "serving-path-replacement",
  "rollback-nodegroups-first", "rollback-target-unsupported", "rollback-window-closed",
] as const;

export interface Override {
  readonly rule: string;
  /** The config path of the refusal, as the refusal names it (`baton:fleet.clusters.blue.version`). */
  readonly path: string;
  readonly reason: string;
  /** Its position in the list, for messages. */
  readonly index: number;
}

const Entry = z.strictObject({ rule: z.string(), path: z.string(), reason: z.string() });

const entryPath = (index: number, field?: string) => `${OVERRIDE_CONFIG_KEY}[${index}]${field ? `.${field}` : ""}`;

const invalid = (path: string, value: unknown, message: string, fix: string): Problem =>
  ({ severity: "error", rule: "override-invalid", path, ...(value !== undefined ? { value } : {}), message, fix });

const EXAMPLE = "- rule: <the refused rule>, path: <the refusal's path>, reason: <why, for the reviewer>";

/** Reads `baton:override` (absent: none). Every malformed entry is a problem; the well-formed ones are returned. */
export function readOverrides(raw: unknown): { readonly overrides: readonly Override[]; readonly problems: readonly Problem[] } {
  if (raw === undefined || raw === null) return { overrides: [], problems: [] };
  if (!Array.isArray(raw)) {
    return { overrides: [], problems: [invalid(OVERRIDE_CONFIG_KEY, raw, "baton:override must be a list of overrides.", `Write it as a YAML list, one entry per refusal: ${EXAMPLE}.`)] };
  }
  const overrides: Override[] = [];
  const problems: Problem[] = [];
  raw.forEach((item, index) => {
    const parsed = Entry.safeParse(item);
    if (!parsed.success) {
      problems.push(invalid(entryPath(index), item, `Each override has exactly three text fields, rule, path and reason (${parsed.error.issues.map((i) => `${i.path.join(".") || "entry"}: ${i.message}`).join("; ")}).`, `Write it as ${EXAMPLE}.`));
      return;
    }
    const { rule, path, reason } = parsed.data;
    const before = problems.length;
    if (!(TRANSITION_RULES as readonly string[]).includes(rule)) {
      problems.push(invalid(entryPath(index, "rule"), rule, `${rule} is not a rule on a change, so it cannot be overridden: only ${TRANSITION_RULES.join(", ")} can.`,
        "Fix the config for a rule on the config itself; for a refused change, copy the rule id from the refusal ([rule] at the end of its line)."));
    }
    if (!path.startsWith("baton:fleet")) {
      problems.push(invalid(entryPath(index, "path"), path, "The path must be the config path the refusal names, starting with baton:fleet.", "Copy the path from the refusal's first line."));
    }
    if (reason.trim() === "") {
      problems.push(invalid(entryPath(index, "reason"), reason, "An override needs a reason: it is what the preview, the review and the deployment log show for it.", "Say why this change must go through although the rule refuses it."));
    }
    if (problems.length === before) overrides.push({ rule, path, reason: reason.trim(), index });
  });
  return { overrides, problems };
}

export interface OverrideJudgement<T> {
  /** The items with their overridden refusals taken out. */
  readonly items: T[];
  /** Each overridden refusal, now a warning that names the override and its reason. */
  readonly overridden: Problem[];
  /** Malformed overrides, and overrides that match no refusal of this change: errors. */
  readonly problems: Problem[];
}

/**
 * Applies `baton:override` to the refusals of a change (each item's `refusals`, e.g. a plan's
 * changes): a refusal whose rule and path an override names becomes a warning. The one place
 * that decides what an override lets through, for `baton plan`, the preview and `pulumi up`.
 */
export function applyOverrides<T extends { readonly refusals: readonly Problem[] }>(items: readonly T[], raw: unknown): OverrideJudgement<T> {
  const { overrides, problems: malformed } = readOverrides(raw);
  const problems = [...malformed];
  const used = new Set<Override>();
  const overridden: Problem[] = [];
  const kept = items.map((item) => {
    const refusals = item.refusals.filter((refusal) => {
      const override = overrides.find((o) => o.rule === refusal.rule && o.path === refusal.path);
      if (override === undefined) return true;
      used.add(override);
      overridden.push({
        ...refusal, severity: "warning", overridden: true,
        message: `Overridden by ${OVERRIDE_CONFIG_KEY} (reason: ${override.reason}): ${refusal.message}`,
        fix: `Once this change is applied, remove the override from ${OVERRIDE_CONFIG_KEY}: the next run refuses an override that overrides nothing.`,
      });
      return false;
    });
    return refusals.length === item.refusals.length ? item : { ...item, refusals };
  });
  overrides.forEach((override) => {
    if (used.has(override)) return;
    problems.push({
      severity: "error", rule: "override-unused", path: entryPath(override.index), value: { rule: override.rule, path: override.path },
      message: `This override lets ${override.rule} at ${override.path} through, but the change breaks no such rule there.`,
      fix: "Remove it: left in place, it would let a later change through unchecked.",
    });
  });
  return { items: kept, overridden, problems };
}
