import type { Problem } from "../problems.js";
import { effectiveNodeGroupVersion } from "../nodegroups.js";
import type { AmiType, ClusterSpec, NodeGroupSpec, UpdateConfigSpec } from "../types.js";
import { checkEksVersion, compareVersions, isIsoDate } from "../versions.js";

/** Kubernetes' skew policy: kubelets may be up to three minors older than the API server, never newer. */
export const MAX_NODE_SKEW = 3;

/** Graviton instance families carry a "g" right after the generation digit: m7g, c6gn, t4g, r8gd. */
const GRAVITON_FAMILY = /^[a-z]+\d+g[a-z]*\./;

/** Rules on one node group: version skew against its cluster, its AMI release against its minor, then its own settings. */
export function checkNodeGroup(cluster: ClusterSpec, nodeGroup: NodeGroupSpec, path: string, today: string): Problem[] {
  return [
    ...checkNodeGroupSkew(cluster, nodeGroup, path, today),
    ...checkReleaseVersionMinor(effectiveNodeGroupVersion(cluster, nodeGroup), nodeGroup, path),
    ...checkNodeGroupSettings(nodeGroup, path),
  ];
}

/** The AMI families EKS names releases for: Amazon Linux 2023 (per Kubernetes minor) and Bottlerocket (its own OS version). */
export type AmiFamily = "al2023" | "bottlerocket";

/** What the AMI release rules read of a node group (the policy pack passes the provider's arguments). */
export type ReleasedGroup = Pick<NodeGroupSpec, "releaseVersion" | "amiType" | "version">;

export function amiFamily(amiType: AmiType): AmiFamily {
  return amiType.startsWith("BOTTLEROCKET") ? "bottlerocket" : "al2023";
}

/** An EKS-optimized AL2023 release: the Kubernetes patch it carries, then its build date, e.g. "1.34.2-20261120". */
const AL2023_RELEASE = /^1\.(0|[1-9]\d*)\.(0|[1-9]\d*)-(\d{4})(\d{2})(\d{2})$/;
/** A Bottlerocket release: its OS version and build commit, e.g. "1.55.0-d93bb1b1" (SSM's `image_version`). */
const BOTTLEROCKET_RELEASE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)-[0-9a-f]{7,8}$/;

/** The Kubernetes minor an AL2023 release is built for ("1.34"), or undefined when it is no AL2023 release. */
export function releaseMinor(releaseVersion: string): string | undefined {
  const match = AL2023_RELEASE.exec(releaseVersion);
  return match ? `1.${match[1]}` : undefined;
}

/**
 * Whether `releaseVersion` has the shape of a release of `family`. An AL2023 release's date must be
 * a real calendar date; its eight digits are also valid hex, so a Bottlerocket release is one that
 * is not also an AL2023 release (a Bottlerocket commit of eight decimal digits that read as a date
 * would be refused: unlikely, and the message says what was read).
 */
export function isReleaseOf(family: AmiFamily, releaseVersion: string): boolean {
  const match = AL2023_RELEASE.exec(releaseVersion);
  const al2023 = match !== null && isIsoDate(`${match[3]}-${match[4]}-${match[5]}`);
  return family === "al2023" ? al2023 : !al2023 && BOTTLEROCKET_RELEASE.test(releaseVersion);
}

/** Orders two releases of one AMI family and Kubernetes minor: negative when `a` is older; undefined when they cannot be compared. */
export function compareReleases(family: AmiFamily, a: string, b: string): number | undefined {
  if (!isReleaseOf(family, a) || !isReleaseOf(family, b)) return undefined;
  if (family === "al2023" && releaseMinor(a) !== releaseMinor(b)) return undefined;
  const parts = (r: string) => r.split("-")[0]!.split(".").map(Number).concat(family === "al2023" ? [Number(r.split("-")[1])] : []);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const FAMILY_WORDS: Record<AmiFamily, { name: string; example: string; shape: string }> = {
  al2023: { name: "Amazon Linux 2023", example: '"1.34.2-20261120"', shape: '"1.NN.P-YYYYMMDD" (the Kubernetes version it carries, then its build date)' },
  bottlerocket: { name: "Bottlerocket", example: '"1.55.0-d93bb1b1"', shape: '"MAJOR.MINOR.PATCH-<commit>" (Bottlerocket\'s own version, not Kubernetes\')' },
};

/** Rule `nodegroup-release-version-format`: a pinned release has its AMI family's shape. */
export function checkReleaseVersionFormat(nodeGroup: ReleasedGroup, path: string): Problem[] {
  const release = nodeGroup.releaseVersion;
  if (release === undefined) return [];
  const family = amiFamily(nodeGroup.amiType);
  if (isReleaseOf(family, release)) return [];
  const other: AmiFamily = family === "al2023" ? "bottlerocket" : "al2023";
  const words = FAMILY_WORDS[family];
  const what = isReleaseOf(other, release)
    ? `"${release}" is ${other === "al2023" ? "an" : "a"} ${FAMILY_WORDS[other].name} release, but amiType ${nodeGroup.amiType} is ${words.name}`
    : `"${release}" is not a release of amiType ${nodeGroup.amiType} (${words.name})`;
  return [{
    severity: "error", rule: "nodegroup-release-version-format", path: `${path}.releaseVersion`, value: release,
    message: `${what}; its releases are written ${words.shape}.`,
    fix: `Write a ${words.name} release such as ${words.example} (\`baton amis <stack-config>\` lists the recommended one), or remove releaseVersion to let EKS pick the latest.`,
  }];
}

/**
 * Rule `nodegroup-release-version-minor`: an AL2023 release is built for one Kubernetes minor, the
 * group's. A version bump that keeps the old minor's release is refused here: EKS cannot roll the
 * nodes to 1.NN with a release of another minor.
 */
export function checkReleaseVersionMinor(groupVersion: string, nodeGroup: ReleasedGroup, path: string): Problem[] {
  const release = nodeGroup.releaseVersion;
  if (release === undefined || amiFamily(nodeGroup.amiType) !== "al2023") return [];
  const minor = releaseMinor(release);
  if (minor === undefined || minor === groupVersion) return [];
  const behind = compareVersions(minor, groupVersion) < 0;
  const runs = nodeGroup.version === undefined ? `${groupVersion} (its cluster's version)` : groupVersion;
  return [{
    severity: "error", rule: "nodegroup-release-version-minor", path: `${path}.releaseVersion`, value: release,
    message: `releaseVersion ${release} is an AMI release for Kubernetes ${minor}, but the node group runs ${runs}${behind ? "; a version bump needs a release of the new minor" : ""}.`,
    fix: `Set releaseVersion to a ${groupVersion} release (\`baton amis <stack-config> --write\` writes the recommended one), or remove it so EKS picks the latest ${groupVersion} release.`,
  }];
}

/** Kubelets may never be newer than the API server, nor more than three minors older. */
export function checkNodeGroupSkew(cluster: ClusterSpec, nodeGroup: NodeGroupSpec, path: string, today: string): Problem[] {
  return nodeGroup.version === undefined ? [] : checkVersionSkew(cluster.version, nodeGroup.version, `${path}.version`, today);
}

/**
 * Rules `nodegroup-version-newer-than-cluster` / `nodegroup-version-skew` on a pinned node group
 * version against its control plane's; a version within the skew must still be one EKS offers.
 */
export function checkVersionSkew(clusterVersion: string, nodeGroupVersion: string, path: string, today: string): Problem[] {
  const skew = compareVersions(clusterVersion, nodeGroupVersion);
  if (skew < 0) {
    return [{
      severity: "error", rule: "nodegroup-version-newer-than-cluster", path, value: nodeGroupVersion,
      message: `The node group is newer than its control plane (${clusterVersion}); kubelets may never be newer than the API server.`,
      fix: `Upgrade the control plane first, or remove the pin so the group follows the cluster (${clusterVersion}).`,
    }];
  }
  if (skew > MAX_NODE_SKEW) {
    return [{
      severity: "error", rule: "nodegroup-version-skew", path, value: nodeGroupVersion,
      message: `The node group is ${skew} minors behind its control plane (${clusterVersion}); Kubernetes supports at most ${MAX_NODE_SKEW}.`,
      fix: `Raise the node group to at least 1.${Number(clusterVersion.split(".")[1]) - MAX_NODE_SKEW}, or remove the pin.`,
    }];
  }
  return checkEksVersion(nodeGroupVersion, path, today).filter((p) => p.severity === "error");
}

/** Scaling bounds, updateConfig, the AMI release's shape and AMI architecture: rules that need only the node group. */
export function checkNodeGroupSettings(nodeGroup: NodeGroupSpec, path: string): Problem[] {
  const problems: Problem[] = [];

  const { min, desired, max } = nodeGroup.scaling;
  if (!(min <= desired && desired <= max)) {
    problems.push({
      severity: "error", rule: "nodegroup-scaling-order", path: `${path}.scaling`, value: nodeGroup.scaling,
      message: `Scaling must satisfy 0 ≤ min ≤ desired ≤ max; got min ${min}, desired ${desired}, max ${max}.`,
      fix: "Set min, desired and max so that min ≤ desired ≤ max (max at least 1).",
    });
  }

  if (nodeGroup.updateConfig !== undefined) problems.push(...checkUpdateConfig(nodeGroup.updateConfig, max, `${path}.updateConfig`));
  problems.push(...checkReleaseVersionFormat(nodeGroup, path));

  const arm = nodeGroup.amiType.includes("ARM_64");
  nodeGroup.instanceTypes.forEach((type, index) => {
    if (GRAVITON_FAMILY.test(type) !== arm) {
      problems.push({
        severity: "error", rule: "nodegroup-ami-architecture", path: `${path}.instanceTypes[${index}]`, value: type,
        message: `${type} is ${arm ? "an x86_64" : "an arm64 (Graviton)"} instance type but amiType ${nodeGroup.amiType} is ${arm ? "arm64" : "x86_64"}; the nodes would never join.`,
        fix: arm ? "Use Graviton instance types (m7g, c7g, …) or an x86_64 amiType." : 'Set amiType: "AL2023_ARM_64_STANDARD" for Graviton types, or use x86_64 types.',
      });
    }
  });
  return problems;
}

/**
 * Rules `nodegroup-update-config-one-field` / `nodegroup-update-config-above-max` on an EKS
 * updateConfig (its 1–100 ranges are the schema's `UpdateConfig`).
 */
export function checkUpdateConfig(update: UpdateConfigSpec, maxSize: number, path: string): Problem[] {
  const problems: Problem[] = [];
  const given = [update.maxUnavailable, update.maxUnavailablePercentage].filter((v) => v !== undefined).length;
  if (given !== 1) {
    problems.push({
      severity: "error", rule: "nodegroup-update-config-one-field", path, value: update,
      message: `updateConfig takes exactly one of maxUnavailable or maxUnavailablePercentage; got ${given === 0 ? "neither" : "both"}.`,
      fix: "Keep one: maxUnavailable (1–100 nodes) or maxUnavailablePercentage (1–100 %); or remove updateConfig for baton's default (25 %).",
    });
  }
  if (update.maxUnavailable !== undefined && update.maxUnavailable > maxSize) {
    problems.push({
      severity: "error", rule: "nodegroup-update-config-above-max", path: `${path}.maxUnavailable`, value: update.maxUnavailable,
      message: `maxUnavailable must not exceed scaling.max (${maxSize}), got ${update.maxUnavailable}.`,
      fix: `Lower maxUnavailable to ${maxSize} or less, or use maxUnavailablePercentage.`,
    });
  }
  return problems;
}
