/**
 * Node group blue/green: the control plane still moves one minor per step (EKS has no other way),
 * but no node is rolled in place. Before each bump the cluster's node groups are pinned to the
 * version they run; after it, each group gets a new sibling at the new version, the old one is
 * marked `retiring` (tainted NoSchedule), and removed in a later step, when its pods have
 * somewhere to go.
 */
import { effectiveNodeGroupVersion } from "../fleet/nodegroups.js";
import { compareVersions, minorOf, versionFromMinor } from "../fleet/versions.js";
import { clustersBelow, repinRelease, slugVersion } from "./in-place.js";
import type { StepBuilder } from "./steps.js";

/** `general` → `general-1-35`; `general-1-34` → `general-1-35`; a name already taken gets a letter. */
export function successorName(group: string, version: string, taken: ReadonlySet<string>): string {
  const base = group.replace(/-1-\d+$/, "");
  const name = `${base}-${slugVersion(version)}`;
  if (!taken.has(name)) return name;
  for (const letter of "bcdefghijklmnopqrstuvwxyz") if (!taken.has(`${name}-${letter}`)) return `${name}-${letter}`;
  return `${name}-${taken.size}`;
}

/** Replaces the node groups of `cluster` that run behind its control plane with new groups at its version. */
function replaceBehindGroups(builder: StepBuilder, cluster: string): void {
  const spec = builder.spec.clusters[cluster]!;
  const version = spec.version;
  const behind = Object.entries(spec.nodeGroups).filter(([, g]) => compareVersions(effectiveNodeGroupVersion(spec, g), version) < 0);
  if (behind.length === 0) return;
  const taken = new Set(Object.keys(spec.nodeGroups));
  // A group already retiring is on its way out: it is removed with the others, not replaced.
  const replaced = behind.filter(([, g]) => !g.retiring).map(([name]) => {
    const successor = successorName(name, version, taken);
    taken.add(successor);
    return { name, successor };
  });
  const at = (group: string) => ["clusters", cluster, "nodeGroups", group];
  const v = slugVersion(version);
  builder.step(`add-${cluster}-node-groups-${v}`, `Add ${replaced.map((r) => r.successor).join(", ")} to ${cluster} at ${version}, next to ${replaced.map((r) => r.name).join(", ")}`, (doc) => {
    for (const { name, successor } of replaced) {
      doc.copy(at(name), at(successor));
      // The new group follows its cluster; it starts with no taint of retirement.
      if (doc.has([...at(successor), "version"])) doc.delete([...at(successor), "version"]);
      if (doc.has([...at(successor), "retiring"])) doc.delete([...at(successor), "retiring"]);
      // A new group at the new minor starts on a release of it.
      repinRelease(builder, doc, at(successor), spec.nodeGroups[name]!.amiType, version);
    }
  });
  builder.step(`retire-${cluster}-node-groups-${slugVersion(effectiveNodeGroupVersion(spec, behind[0]![1]))}`, `Retire ${replaced.map((r) => r.name).join(", ")} on ${cluster}: no new pods land on them`, (doc) => {
    for (const { name } of replaced) doc.set([...at(name), "retiring"], true);
  });
  builder.step(`remove-${cluster}-retired-node-groups`, `Remove ${behind.map(([name]) => name).join(", ")} from ${cluster}; their pods move to the ${version} groups`, (doc) => {
    for (const [name] of behind) doc.delete(at(name));
  });
}

export function planNodeGroupBlueGreen(builder: StepBuilder, to: string): void {
  for (const cluster of clustersBelow(builder, to)) {
    for (;;) {
      replaceBehindGroups(builder, cluster);
      const spec = builder.spec.clusters[cluster]!;
      if (compareVersions(spec.version, to) >= 0) break;
      const next = versionFromMinor(minorOf(spec.version) + 1);
      const following = Object.entries(spec.nodeGroups).filter(([, g]) => g.version === undefined).map(([name]) => name);
      builder.step(`upgrade-${cluster}-to-${slugVersion(next)}`, `Upgrade ${cluster}'s control plane from ${spec.version} to ${next}; its node groups stay on ${spec.version}`, (doc) => {
        doc.set(["clusters", cluster, "version"], next);
        // Pinned where they are, so the bump rolls no node; the groups are replaced next.
        for (const group of following) doc.set(["clusters", cluster, "nodeGroups", group, "version"], spec.version);
      });
    }
  }
}
