import type { Problem } from "./problems.js";

/**
 * Amazon EKS's Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
 * Standard support lasts 14 months from the EKS release, extended support 12 more at an extra
 * cost per cluster hour; past the end of extended support EKS upgrades the control plane itself.
 * Dates are UTC.
 */
export interface EksVersionSupport {
  readonly version: string;
  readonly eksRelease: string;
  readonly endOfStandardSupport: string;
  readonly endOfExtendedSupport: string;
}

/** The date the embedded table was last checked against EKS's published calendar. */
export const EMBEDDED_TABLE_DATE = "2026-11-29";

/**
 * The table baton ships, used offline unless a refreshed one is in force (`baton versions
 * --refresh`). Add a row when EKS publishes a new version's dates.
 */
export const EKS_VERSIONS: readonly EksVersionSupport[] = [
  { version: "1.28", eksRelease: "2023-09-26", endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
  { version: "1.29", eksRelease: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
  { version: "1.30", eksRelease: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
  { version: "1.31", eksRelease: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  { version: "1.32", eksRelease: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.33", eksRelease: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.34", eksRelease: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.35", eksRelease: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
  // EKS lists 1.36 as available; its release date (2026-06-02) comes from a published write-up, not
  // from EKS's own calendar page, and the end dates follow EKS's rule (14 months, then 12 more).
  // `baton versions --refresh` replaces them with what EKS reports.
  { version: "1.36", eksRelease: "2026-06-02", endOfStandardSupport: "2027-08-02", endOfExtendedSupport: "2028-08-02" },
];

/** The version table the rules judge against, and where it came from. */
export interface VersionTable {
  readonly rows: readonly EksVersionSupport[];
  /** `embedded`: the table baton ships; `refreshed`: read from EKS by `baton versions --refresh`. */
  readonly source: "embedded" | "refreshed";
  /** When the data was read from EKS (refreshed) or last checked (embedded), ISO date. */
  readonly asOf: string;
  /** The cache file a refreshed table was loaded from. */
  readonly file?: string;
}

const EMBEDDED: VersionTable = { rows: EKS_VERSIONS, source: "embedded", asOf: EMBEDDED_TABLE_DATE };
let inForce: VersionTable = EMBEDDED;

/** The version table every version rule uses now: a refreshed one when loaded, else the embedded one. */
export function versionTable(): VersionTable {
  return inForce;
}

/**
 * Puts a refreshed table in force for this process (the CLI does this when a cache file exists);
 * `undefined` goes back to the embedded table. Rows are kept sorted oldest first.
 */
export function useVersionTable(table: VersionTable | undefined): void {
  inForce = table === undefined ? EMBEDDED : { ...table, rows: [...table.rows].sort((a, b) => compareVersions(a.version, b.version)) };
}

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
  return inForce.rows.find((row) => row.version === version);
}

/** `unreleased`: in the table but not yet released on `today`; `unknown`: not in the table at all. */
export type SupportPhase = "standard" | "extended" | "ended" | "unreleased" | "unknown";

/** Where a version stands on `today` (an ISO date, UTC), by the table in force. */
export function supportPhase(version: string, today: string): SupportPhase {
  const row = findEksVersion(version);
  if (!row) return "unknown";
  if (today < row.eksRelease) return "unreleased";
  if (today < row.endOfStandardSupport) return "standard";
  if (today < row.endOfExtendedSupport) return "extended";
  return "ended";
}

/** The versions EKS offers for new clusters on `today`, oldest first. */
export function offeredVersions(today: string): string[] {
  return inForce.rows.filter((row) => today < row.endOfExtendedSupport && row.eksRelease <= today).map((row) => row.version);
}

/** Today's date as the version rules compare it. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar date written YYYY-MM-DD (2027-02-30 and 2027-13-45 are not). */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDate(date) === text;
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
      message: `EKS does not offer Kubernetes ${version} (baton's version table, ${describeTable()}, has ${range} on ${today}).`,
      fix: offered.length > 0
        ? `Pick one of ${offered.map((v) => `"${v}"`).join(", ")}; if EKS has released ${version} since, run \`baton versions --refresh\` to read EKS's own list.`
        : `The version table offers no version at all on ${today}: check --today, and run \`baton versions --refresh\` (or delete the cache it names) if the table is wrong.`,
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

/** Where the table in force comes from, for messages: "embedded, checked 2026-11-29". */
export function describeTable(table: VersionTable = inForce): string {
  return table.source === "embedded" ? `embedded, checked ${table.asOf}` : `read from EKS on ${table.asOf}`;
}

export interface VersionOnDate extends EksVersionSupport {
  readonly phase: SupportPhase;
}

/** Every version of the table in force with its phase on `today`, oldest first. */
export function versionsOn(today: string): VersionOnDate[] {
  return inForce.rows.map((row) => ({ ...row, phase: supportPhase(row.version, today) }));
}

/** EKS's first Kubernetes version (2018): nothing older ever ran on EKS. */
export const FIRST_EKS_VERSION = "1.10";

/**
 * Why `version` ("1.NN") is not a version EKS has published, with the fix; undefined when it is:
 * in the table in force, or older than the table but not older than EKS itself.
 */
export function unpublishedVersion(version: string): { readonly message: string; readonly fix: string } | undefined {
  if (findEksVersion(version)) return undefined;
  const rows = inForce.rows;
  const newest = rows[rows.length - 1]?.version ?? FIRST_EKS_VERSION;
  const minor = minorOf(version);
  if (minor >= minorOf(FIRST_EKS_VERSION) && minor < minorOf(rows[0]?.version ?? newest)) return undefined;
  if (minor > minorOf(newest)) {
    return {
      message: `Kubernetes ${version} is newer than any version in baton's EKS table (${describeTable()}; newest ${newest})`,
      fix: `If EKS has released ${version}, run \`baton versions --refresh\`; otherwise use ${newest} or older`,
    };
  }
  // "1.3" is most often "1.30" with its zero lost (YAML reads an unquoted 1.30 as the number 1.3).
  const padded = `${version}0`;
  const meant = findEksVersion(padded) ? padded : undefined;
  return {
    message: `EKS has never offered Kubernetes ${version} (EKS began at ${FIRST_EKS_VERSION}; baton's table runs to ${newest})`,
    fix: meant ? `Did you mean ${meant}? Write the minor in full, e.g. ${meant}` : `Use a version from ${FIRST_EKS_VERSION} to ${newest}`,
  };
}
