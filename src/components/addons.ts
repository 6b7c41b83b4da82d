/**
 * The EKS add-ons every baton cluster runs, and the versions they run: a pinned version; else the
 * version the last deployment ran while the cluster stays on its Kubernetes version; else the
 * version EKS names as default for the cluster's Kubernetes version (`src/fleet/addon-versions.ts`).
 * A version bump moves every unpinned add-on with it; nothing else does.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { chooseAddonVersion, EKS_ADDON_NAMES, readAddonVersionRecord } from "../fleet/addon-versions.js";
import { compareVersions, VERSION_PATTERN } from "../fleet/versions.js";
import type { ClusterSpec } from "../fleet/types.js";

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
  { key: "podIdentityAgent", addonName: EKS_ADDON_NAMES.podIdentityAgent, phase: "before-nodes" },
  { key: "kubeProxy", addonName: EKS_ADDON_NAMES.kubeProxy, phase: "before-nodes" },
  { key: "vpcCni", addonName: EKS_ADDON_NAMES.vpcCni, phase: "before-nodes" },
  { key: "coreDns", addonName: EKS_ADDON_NAMES.coreDns, phase: "after-nodes" },
];

/**
 * Looks up add-on versions once per (add-on, Kubernetes version): a fleet of 300 clusters on two
 * versions makes eight lookups, not 1,200.
 */
export class AddonVersions {
  private readonly cache = new Map<string, pulumi.Output<string>>();
  private readonly previous: pulumi.Output<unknown> | undefined;

  /**
   * @param previous what the last deployment ran (the stack output `addonVersions`, an
   * `AddonVersionRecord`); without it, every unpinned add-on takes the looked-up default.
   */
  /**
   * @param deployedClusters per EKS cluster name, the cluster as deployed (version and pins), when
   * the fleet as deployed is known but not the add-on versions it ran (an offline preview's part
   * builds): on a version rollback, an unpinned add-on keeps what the deployed version would have
   * run, as `chooseAddonVersion` keeps the recorded version under pulumi up.
   */
  constructor(previous?: pulumi.Input<unknown>, private readonly deployedClusters: Readonly<Record<string, { readonly version?: string; readonly addons?: Partial<Record<AddonKey, string>> }>> = {}) {
    this.previous = previous === undefined ? undefined : pulumi.output(previous);
  }

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

  /** The version the cluster (EKS name `eksName`) runs: the spec's pin, the deployed version on an unchanged Kubernetes version, or the default. */
  versionFor(addon: AddonDefinition, cluster: ClusterSpec, eksName: string): pulumi.Input<string> {
    const pin = cluster.addons[addon.key];
    if (pin !== undefined) return pin;
    if (this.previous === undefined) {
      const deployed = this.deployedClusters[eksName];
      // A version rollback keeps the add-ons as they ran (see chooseAddonVersion).
      if (deployed?.version !== undefined && VERSION_PATTERN.test(deployed.version) && compareVersions(cluster.version, deployed.version) < 0) {
        return deployed.addons?.[addon.key] ?? this.defaultVersion(addon.addonName, deployed.version);
      }
    }
    const lookedUp = this.defaultVersion(addon.addonName, cluster.version);
    if (this.previous === undefined) return lookedUp;
    return pulumi.all([this.previous, lookedUp]).apply(([previous, version]) => chooseAddonVersion({
      deployed: readAddonVersionRecord(previous)[eksName], kubernetesVersion: cluster.version, addonName: addon.addonName, lookedUp: version,
    }));
  }
}
