import type { PolicyResource } from "@pulumi/policy";

/**
 * The resource that `from.<property>` points at, among `candidates`. The engine records which
 * resources each property depends on, which is exact; when that is absent (a value typed in, not
 * wired from another resource's output) the resources are matched by value instead.
 */
export function findReferenced(
  from: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  matchesByValue: (candidate: PolicyResource) => boolean,
): PolicyResource | undefined {
  const dependencies = from.propertyDependencies[property] ?? [];
  const wired = candidates.find((candidate) => dependencies.some((d) => d.urn === candidate.urn));
  return wired ?? candidates.find(matchesByValue);
}
