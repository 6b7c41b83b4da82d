/**
 * Judging the change, not the calendar. A fleet that was valid when it was deployed can break a rule
 * later without anyone touching it: its version leaves EKS support, or baton gains a rule. Refusing
 * every change to such a fleet would also refuse the change that fixes it (the upgrade, or moving
 * traffic away). So a problem the deployed config already has, and that the proposed config does
 * not make worse, is reported as a warning on the current state; the change is judged on what it
 * introduces.
 */
import type { Problem } from "./problems.js";
import { PLACEHOLDER_RULE } from "./rules/placeholders.js";
import { compareVersions, findEksVersion, VERSION_PATTERN } from "./versions.js";
import { sameValue as isEqual } from "./same-value.js";

/** Whether `proposed` is no worse than `deployed`, the same rule at the same config path. */
type NotWorse = (deployed: Problem, proposed: Problem) => boolean;


/** A version moved up (or stayed): toward support is never worse, as long as it is a version EKS has. */
const versionNotLower: NotWorse = (deployed, proposed) => {
  if (isEqual(deployed.value, proposed.value)) return true;
  const [from, to] = [deployed.value, proposed.value];
  if (typeof from !== "string" || typeof to !== "string" || !VERSION_PATTERN.test(from) || !VERSION_PATTERN.test(to)) return false;
  return findEksVersion(to) !== undefined && compareVersions(to, from) >= 0;
};

/** A number that may only go down (e.g. the weight sent to a cluster that cannot take it). */
const numberNotHigher: NotWorse = (deployed, proposed) =>
  typeof deployed.value === "number" && typeof proposed.value === "number" && proposed.value <= deployed.value;

/**
 * What "not worse" means for the rules where it is more than "unchanged". Every other rule: the
 * same value at the same path is not worse; any other value is judged as new.
 */
const NOT_WORSE: Readonly<Record<string, NotWorse>> = {
  "eks-version-supported": versionNotLower,
  "eks-version-extended-support": versionNotLower,
  "nodegroup-version-skew": versionNotLower,
  // Traffic moving away from a cluster that cannot serve it only helps.
  "weighted-cluster-capacity": numberNotHigher,
  // A placeholder was never applied (every path refuses it), so it is never "already deployed".
  [PLACEHOLDER_RULE]: () => false,
};

const keyOf = (p: Problem) => `${p.rule}\u0000${p.path}`;

/**
 * Judges the proposed config's problems against the deployed config's: an error the deployed
 * config already has (same rule and path) and that is not worse becomes a warning marked
 * `deployed`; everything else is returned as it was.
 */
export function judgeAgainstDeployed(proposed: readonly Problem[], deployed: readonly Problem[]): Problem[] {
  const before = new Map<string, Problem>();
  for (const p of deployed) if (p.severity === "error") before.set(keyOf(p), p);
  return proposed.map((p) => {
    if (p.severity !== "error") return p;
    const was = before.get(keyOf(p));
    if (!was || !(NOT_WORSE[p.rule] ?? sameValue)(was, p)) return p;
    return {
      ...p, severity: "warning", deployed: true,
      message: `Already so in the deployed config, and this change does not make it worse: ${p.message}`,
    };
  });
}

const sameValue: NotWorse = (deployed, proposed) => isEqual(deployed.value, proposed.value);
