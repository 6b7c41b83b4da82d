import type { Problem } from "../problems.js";
import type { ClusterSpec, NodeGroupSpec, UpdateConfigSpec } from "../types.js";
import { checkEksVersion, compareVersions } from "../versions.js";

/** Kubernetes' skew policy: kubelets may be up to three minors older than the API server, never newer. */
export const MAX_NODE_SKEW = 3;

/** Graviton instance families carry a "g" right after the generation digit: m7g, c6gn, t4g, r8gd. */
const GRAVITON_FAMILY = /^[a-z]+\d+g[a-z]*\./;

/** Rules on one node group: version skew against its cluster, then its own settings. */
export function checkNodeGroup(cluster: ClusterSpec, nodeGroup: NodeGroupSpec, path: string, today: string): Problem[] {
  return [...checkNodeGroupSkew(cluster, nodeGroup, path, today), ...checkNodeGroupSettings(nodeGroup, path)];
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

/** Scaling bounds, updateConfig and AMI architecture: rules that need only the node group. */
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
