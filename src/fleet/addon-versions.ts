/**
 * Which version an EKS add-on runs. A pin wins. Unpinned, an add-on keeps the version the last
 * deployment gave it for as long as its cluster stays on the same Kubernetes version, and takes
 * EKS's default for the new version when the cluster moves up. When the cluster moves down (an EKS
 * version rollback, N → N-1), it keeps what it ran: EKS leaves add-ons as they are on a rollback
 * (AWS user guide "Roll back a cluster to a previous Kubernetes version", as of 2026-12), and baton
 * does the same unless the spec pins another version. Looking the default up again on every
 * run would move every add-on of every cluster whenever AWS moves a default, inside whatever
 * change happens to run next (a weight shift included).
 */

import type { ClusterSpec } from "./types.js";
import { compareVersions, VERSION_PATTERN } from "./versions.js";

/** The EKS add-on each key under a cluster's `addons:` pins. */
export const EKS_ADDON_NAMES = {
  podIdentityAgent: "eks-pod-identity-agent",
  kubeProxy: "kube-proxy",
  vpcCni: "vpc-cni",
  coreDns: "coredns",
} as const satisfies Readonly<Record<keyof ClusterSpec["addons"], string>>;

/** The version a cluster pins for the EKS add-on `addonName`, if it pins one. */
export function pinnedAddonVersion(cluster: ClusterSpec, addonName: string): string | undefined {
  const key = (Object.keys(EKS_ADDON_NAMES) as (keyof typeof EKS_ADDON_NAMES)[]).find((k) => EKS_ADDON_NAMES[k] === addonName);
  return key === undefined ? undefined : cluster.addons[key];
}

/** What the last deployment ran on one cluster: its Kubernetes version and each add-on's version (by EKS add-on name). */
export interface DeployedAddons {
  readonly kubernetesVersion: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** The stack output `addonVersions`: per EKS cluster name, what the last deployment ran. */
export type AddonVersionRecord = Readonly<Record<string, DeployedAddons>>;

/** The stack output that carries the record from one deployment to the next. */
export const ADDON_VERSIONS_OUTPUT = "addonVersions";

export interface AddonVersionChoice {
  /** The spec's pin, if any. */
  readonly pin?: string;
  /** What the last deployment ran on this cluster, if known. */
  readonly deployed?: DeployedAddons;
  readonly kubernetesVersion: string;
  readonly addonName: string;
  /** The version EKS names as default for `kubernetesVersion` today. */
  readonly lookedUp: string;
}

export function chooseAddonVersion(choice: AddonVersionChoice): string {
  if (choice.pin !== undefined) return choice.pin;
  const deployed = choice.deployed;
  const sameOrRolledBack = deployed !== undefined && (deployed.kubernetesVersion === choice.kubernetesVersion
    || (VERSION_PATTERN.test(deployed.kubernetesVersion) && VERSION_PATTERN.test(choice.kubernetesVersion) && compareVersions(choice.kubernetesVersion, deployed.kubernetesVersion) < 0));
  const kept = sameOrRolledBack ? deployed.versions[choice.addonName] : undefined;
  return kept ?? choice.lookedUp;
}

const isStringRecord = (value: unknown): value is Record<string, string> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");

/**
 * Reads a record from a previous deployment's outputs. Anything malformed (an older stack, a hand
 * edit) counts as unknown, so the add-ons fall back to the looked-up defaults rather than fail.
 */
export function readAddonVersionRecord(value: unknown): AddonVersionRecord {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, DeployedAddons> = {};
  for (const [cluster, entry] of Object.entries(value as Record<string, unknown>)) {
    if (entry === null || typeof entry !== "object") continue;
    const { kubernetesVersion, versions } = entry as Record<string, unknown>;
    if (typeof kubernetesVersion === "string" && isStringRecord(versions)) out[cluster] = { kubernetesVersion, versions };
  }
  return out;
}
