/**
 * Where AWS publishes the recommended AMI release of each node group: SSM public parameters, one
 * per AMI type and Kubernetes minor (as of 2026-12, EKS user guide "Retrieve recommended Amazon
 * Linux AMI IDs" and "Retrieve recommended Bottlerocket AMI IDs"). Pure: `baton amis` reads the
 * parameters through the AWS SDK and this module says which ones, and what each node group pins.
 */
import { effectiveNodeGroupVersion } from "./nodegroups.js";
import { amiFamily, isReleaseOf, type AmiFamily } from "./rules/nodegroup.js";
import type { AmiType, FleetSpec } from "./types.js";

/** AL2023's path segments under `amazon-linux-2023/` for each AMI type. */
const AL2023_VARIANT: Partial<Record<AmiType, string>> = {
  AL2023_x86_64_STANDARD: "x86_64/standard",
  AL2023_ARM_64_STANDARD: "arm64/standard",
  AL2023_x86_64_NVIDIA: "x86_64/nvidia",
  AL2023_x86_64_NEURON: "x86_64/neuron",
};

/** The SSM public parameter whose value is the recommended release of `amiType` for Kubernetes `version` ("1.34"). */
export function releaseParameter(amiType: AmiType, version: string): string {
  if (amiFamily(amiType) === "bottlerocket") {
    return `/aws/service/bottlerocket/aws-k8s-${version}/${amiType.includes("ARM_64") ? "arm64" : "x86_64"}/latest/image_version`;
  }
  return `/aws/service/eks/optimized-ami/${version}/amazon-linux-2023/${AL2023_VARIANT[amiType]}/recommended/release_version`;
}

/** One node group's release: what the spec pins and where the recommended one is published. */
export interface NodeGroupRelease {
  readonly cluster: string;
  readonly nodeGroup: string;
  readonly amiType: AmiType;
  readonly family: AmiFamily;
  /** The Kubernetes minor the group runs (its pin, or its cluster's). */
  readonly kubernetes: string;
  /** The pinned `releaseVersion`; absent: EKS's pick. */
  readonly pinned?: string;
  readonly parameter: string;
}

/** Every node group of the fleet, in spec order, with the parameter its recommended release is read from. */
export function nodeGroupReleases(fleet: FleetSpec): NodeGroupRelease[] {
  return Object.entries(fleet.clusters).flatMap(([cluster, spec]) => Object.entries(spec.nodeGroups).map(([nodeGroup, group]) => {
    const kubernetes = effectiveNodeGroupVersion(spec, group);
    return {
      cluster, nodeGroup, amiType: group.amiType, family: amiFamily(group.amiType), kubernetes,
      ...(group.releaseVersion !== undefined ? { pinned: group.releaseVersion } : {}),
      parameter: releaseParameter(group.amiType, kubernetes),
    };
  }));
}

/** What a value read from a parameter is worth: a release of the family, or a reason to ignore it. */
export function checkPublishedRelease(row: NodeGroupRelease, value: string): string | undefined {
  if (!isReleaseOf(row.family, value)) return `${row.parameter} holds "${value.slice(0, 80)}", which is no ${row.family === "al2023" ? "AL2023" : "Bottlerocket"} release`;
  if (row.family === "al2023" && !value.startsWith(`${row.kubernetes}.`)) return `${row.parameter} holds "${value}", which is not a ${row.kubernetes} release`;
  return undefined;
}
