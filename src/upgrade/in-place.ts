/**
 * In place: one control-plane minor per step, cluster by cluster. Node groups that follow their
 * cluster roll with it in the same step (and the add-ons follow); a pinned node group is brought to
 * its control plane's version in a roll step of its own before the next bump, since EKS moves a
 * control plane only when every node group runs its version.
 */
import { effectiveNodeGroupVersion } from "../fleet/nodegroups.js";
import { releaseParameter } from "../fleet/ami-releases.js";
import { amiFamily, isReleaseOf, releaseMinor } from "../fleet/rules/nodegroup.js";
import type { AmiType, ClusterSpec } from "../fleet/types.js";
import { compareVersions, minorOf, versionFromMinor } from "../fleet/versions.js";
import type { StackDocument } from "./stack-document.js";
import type { StepBuilder } from "./steps.js";

export const slugVersion = (version: string) => version.replace(".", "-");

/** Whether a cluster has not fully reached `to`: its control plane, or any of its node groups, is older. */
export function isBehind(cluster: ClusterSpec, to: string): boolean {
  return compareVersions(cluster.version, to) < 0 || Object.values(cluster.nodeGroups).some((g) => compareVersions(effectiveNodeGroupVersion(cluster, g), to) < 0);
}

/** Clusters that have not fully reached `to`, in the order the file lists them. */
export function clustersBelow(builder: StepBuilder, to: string): string[] {
  return Object.entries(builder.spec.clusters).filter(([, c]) => isBehind(c, to)).map(([name]) => name);
}

/** Pinned node groups of `cluster` that run behind its control plane. */
function pinnedBehind(builder: StepBuilder, cluster: string): string[] {
  const spec = builder.spec.clusters[cluster]!;
  return Object.entries(spec.nodeGroups)
    .filter(([, g]) => compareVersions(effectiveNodeGroupVersion(spec, g), spec.version) < 0)
    .map(([name]) => name);
}

/**
 * A node group whose Kubernetes minor a step moves to `version` cannot keep an AMI release pinned
 * for the old one: the pin becomes the release AWS recommends for the new minor when the plan
 * knows it (`baton amis --refresh`'s cache), and otherwise goes, so EKS takes the latest release
 * of the new minor (`baton amis --write` pins it again). Bottlerocket pins are treated alike:
 * which minors a Bottlerocket release serves is SSM's to say. An unpinned group stays unpinned.
 */
export function repinRelease(builder: StepBuilder, doc: StackDocument, group: readonly string[], amiType: AmiType, version: string): void {
  if (!doc.has([...group, "releaseVersion"])) return;
  const release = builder.releases[releaseParameter(amiType, version)];
  const fits = release !== undefined && isReleaseOf(amiFamily(amiType), release) && (amiFamily(amiType) === "bottlerocket" || releaseMinor(release) === version);
  if (fits) doc.set([...group, "releaseVersion"], release);
  else doc.delete([...group, "releaseVersion"]);
}

function rollPinnedGroups(builder: StepBuilder, cluster: string): void {
  const behind = pinnedBehind(builder, cluster);
  if (behind.length === 0) return;
  const version = builder.spec.clusters[cluster]!.version;
  builder.step(`roll-${cluster}-nodes-to-${slugVersion(version)}`, `Roll ${cluster}'s pinned node group(s) ${behind.join(", ")} to ${version}`, (doc) => {
    for (const group of behind) {
      doc.set(["clusters", cluster, "nodeGroups", group, "version"], version);
      repinRelease(builder, doc, ["clusters", cluster, "nodeGroups", group], builder.spec.clusters[cluster]!.nodeGroups[group]!.amiType, version);
    }
  });
}

export function planInPlace(builder: StepBuilder, to: string): void {
  for (const cluster of clustersBelow(builder, to)) {
    for (;;) {
      rollPinnedGroups(builder, cluster);
      const version = builder.spec.clusters[cluster]!.version;
      if (compareVersions(version, to) >= 0) break;
      const next = versionFromMinor(minorOf(version) + 1);
      const following = Object.entries(builder.spec.clusters[cluster]!.nodeGroups).filter(([, g]) => g.version === undefined);
      builder.step(`upgrade-${cluster}-to-${slugVersion(next)}`, `Upgrade ${cluster}'s control plane from ${version} to ${next}`, (doc) => {
        doc.set(["clusters", cluster, "version"], next);
        // The groups that follow the cluster roll with it, onto a release of the new minor.
        for (const [group, spec] of following) repinRelease(builder, doc, ["clusters", cluster, "nodeGroups", group], spec.amiType, next);
      });
    }
  }
}
