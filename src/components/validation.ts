import { errorsOf, FleetSpecError, type Problem } from "../fleet/problems.js";

/**
 * Components apply the spec's rules on construction: an invalid part stops the program with the
 * same message the CLI prints (path, value, rule, fix), before the component registers anything.
 */
export function throwIfInvalid(problems: readonly Problem[], component: string): void {
  if (errorsOf(problems).length > 0) throw new FleetSpecError(problems, `${component}: the spec is invalid`);
}
