import type { Problem } from "./problems.js";

/**
 * Amazon EKS's Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
 * Standard support lasts 14 months from the EKS release, extended support 12 more at an extra
 * cost per cluster hour; past the end of extended support EKS upgrades the control plane itself.
 * Dates are UTC. Add a row when EKS publishes a new version's dates.
 */
export interface EksVersionSupport {
  readonly version: string;
  readonly eksRelease: string;
  readonly endOfStandardSupport: string;
  readonly endOfExtendedSupport: string;
}

export const EKS_VERSIONS: readonly EksVersionSupport[] = [
  { version: "1.28", eksRelease: "2023-09-26", endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
  { version: "1.29", eksRelease: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
  { version: "1.30", eksRelease: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
  { version: "1.31", eksRelease: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  { version: "1.32", eksRelease: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.33", eksRelease: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.34", eksRelease: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.35", eksRelease: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
];

/** `"1.NN"`: how EKS and the fleet spec write a Kubernetes minor version. */
export const VERSION_PATTERN = /^1\.(0|[1-9]\d*)$/;

/** The minor number of a `"1.NN"` version. Callers validate the format first. */
export function minorOf(version: string): number {
  const match = VERSION_PATTERN.exec(version);
  if (!match?.[1]) throw new Error(`not a Kubernetes minor version: ${JSON.stringify(version)}`);
  return Number(match[1]);
}

export function versionFromMinor(minor: number): string {
  return `1.${minor}`;
}

export function compareVersions(a: string, b: string): number {
  return minorOf(a) - minorOf(b);
}

export function findEksVersion(version: string): EksVersionSupport | undefined {
  return EKS_VERSIONS.find((row) => row.version === version);
}

export type SupportPhase = "standard" | "extended" | "ended" | "unknown";

/** Where a version stands on `today` (an ISO date, UTC). */
export function supportPhase(version: string, today: string): SupportPhase {
  const row = findEksVersion(version);
  if (!row) return "unknown";
  if (today < row.endOfStandardSupport) return "standard";
  if (today < row.endOfExtendedSupport) return "extended";
  return "ended";
}

/** The versions EKS offers for new clusters on `today`, oldest first. */
export function offeredVersions(today: string): string[] {
  return EKS_VERSIONS.filter((row) => today < row.endOfExtendedSupport && row.eksRelease <= today).map((row) => row.version);
}

/** Today's date as the version rules compare it. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Rule `eks-version-supported` / `eks-version-extended-support`: the version must be one EKS offers
 * on `today`; extended support is allowed but warned about because it costs more.
 */
export function checkEksVersion(version: string, path: string, today: string): Problem[] {
  const offered = offeredVersions(today);
  const range = offered.length > 0 ? `${offered[0]}–${offered[offered.length - 1]}` : "none";
  const row = findEksVersion(version);
  if (!row || row.eksRelease > today) {
    return [{
      severity: "error", rule: "eks-version-supported", path, value: version,
      message: `EKS does not offer Kubernetes ${version} (baton knows ${range} as offered on ${today}).`,
      fix: `Pick one of ${offered.map((v) => `"${v}"`).join(", ")}; if EKS has released a newer version, add it to baton's EKS version table.`,
    }];
  }
  const phase = supportPhase(version, today);
  if (phase === "ended") {
    return [{
      severity: "error", rule: "eks-version-supported", path, value: version,
      message: `Kubernetes ${version} reached the end of EKS extended support on ${row.endOfExtendedSupport}; EKS upgrades such control planes on its own and creates no new ones.`,
      fix: `Move to a supported version (${range}), one minor per change.`,
    }];
  }
  if (phase === "extended") {
    return [{
      severity: "warning", rule: "eks-version-extended-support", path, value: version,
      message: `Kubernetes ${version} left EKS standard support on ${row.endOfStandardSupport} and is billed at the extended-support rate until ${row.endOfExtendedSupport}.`,
      fix: `Plan the upgrade: migrate to a cluster on a version in standard support.`,
    }];
  }
  return [];
}
