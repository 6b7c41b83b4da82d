/**
 * The EKS add-ons every baton cluster runs, and the versions they run: a pinned version, or the
 * version EKS names as the default for the cluster's Kubernetes version. Because the lookup is
 * keyed on the cluster's version, a version bump moves every unpinned add-on with it.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec } from "../spec/schema.js";

export type AddonKey = keyof ClusterSpec["addons"];

export interface AddonDefinition {
  /** The spec's key under `addons:` (where a user pins a version). */
  readonly key: AddonKey;
  /** The EKS add-on name. */
  readonly addonName: string;
  /**
   * Whether nodes need the add-on before they can become Ready (networking, credentials), or the
   * add-on needs nodes to become ACTIVE (CoreDNS's pods): EKS reports an add-on whose pods cannot
   * schedule as DEGRADED, and the provider fails its creation.
   */
  readonly phase: "before-nodes" | "after-nodes";
}

export const EKS_ADDONS: readonly AddonDefinition[] = [
  { key: "podIdentityAgent", addonName: "eks-pod-identity-agent", phase: "before-nodes" },
  { key: "kubeProxy", addonName: "kube-proxy", phase: "before-nodes" },
  { key: "vpcCni", addonName: "vpc-cni", phase: "before-nodes" },
  { key: "coreDns", addonName: "coredns", phase: "after-nodes" },
];

/**
 * Looks up add-on versions once per (add-on, Kubernetes version): a fleet of 300 clusters on two
 * versions makes eight lookups, not 1,200.
 */
export class AddonVersions {
  private readonly cache = new Map<string, pulumi.Output<string>>();

  /** The version EKS names as default for `addonName` on `kubernetesVersion`. */
  defaultVersion(addonName: string, kubernetesVersion: string): pulumi.Output<string> {
    const key = `${addonName}@${kubernetesVersion}`;
    let version = this.cache.get(key);
    if (version === undefined) {
      version = aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: false }).version;
      this.cache.set(key, version);
    }
    return version;
  }

  /** The version the cluster runs: the spec's pin, or the default for the cluster's version. */
  versionFor(addon: AddonDefinition, cluster: ClusterSpec): pulumi.Input<string> {
    return cluster.addons[addon.key] ?? this.defaultVersion(addon.addonName, cluster.version);
  }
}
