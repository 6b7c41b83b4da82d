import { configPath, type Problem } from "../problems.js";

/**
 * Names JavaScript objects already answer to (`__proto__`, `constructor`, `toString`, ...). As a
 * key, `__proto__` is dropped on the way through validation (a cluster silently disappears), and
 * the others are "found" in every object (a weight for a cluster that does not exist).
 */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

export const isReservedName = (name: string): boolean => RESERVED.has(name);

/** Where the spec takes user-chosen names: a path pattern per map, `*` for any key. */
const NAME_MAPS: ReadonlyArray<readonly string[]> = [
  ["clusters"],
  ["clusters", "*", "nodeGroups"],
  ["services"],
  ["services", "*", "weights"],
  ["services", "*", "route53", "targets"],
];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Rule `reserved-name`, on the raw input (before validation can drop anything): a reserved name as
 * a cluster, node group, service, weight or Route53 target, and `__proto__` as any key at all.
 */
export function checkReservedNames(input: unknown): Problem[] {
  const problems: Problem[] = [];
  const report = (path: readonly string[], key: string) => problems.push({
    severity: "error", rule: "reserved-name", path: configPath([...path, key]), value: key,
    message: `"${key}" cannot be used as a name or key: JavaScript objects already have a property of that name, so the entry would be lost or confused with it.`,
    fix: "Rename it (names are lowercase letters, digits and hyphens, e.g. green).",
  });
  const nameMap = (path: readonly string[]) => NAME_MAPS.some((pattern) => pattern.length === path.length && pattern.every((p, i) => p === "*" || p === path[i]));
  // Iterative, so a deeply nested input cannot overflow the stack.
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((item) => stack.push({ value: item, path }));
      continue;
    }
    if (!isObject(value)) continue;
    const names = nameMap(path);
    for (const key of Object.keys(value)) {
      if (key === "__proto__" || (names && RESERVED.has(key))) report(path, key);
      stack.push({ value: value[key], path: [...path, key] });
    }
  }
  return problems;
}
