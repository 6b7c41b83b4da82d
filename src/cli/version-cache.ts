/**
 * The refreshed EKS version table on disk. `baton versions --refresh` writes it from EKS's
 * DescribeClusterVersions; every other command puts it in force when it exists, and otherwise
 * judges versions by the table baton ships. Reads are bounded (size and rows); a file that is not
 * what baton wrote is reported and ignored, never half-used.
 */
import { existsSync, mkdirSync } from "node:fs";
import { InputFileError, readInputFile } from "../fleet/input-file.js";
import { homedir } from "node:os";
import path from "node:path";
import { useVersionTable, minorOf, VERSION_PATTERN, isIsoDate, type EksVersionSupport, type VersionTable } from "../fleet/versions.js";
import { writeFileAtomic } from "../traffic/write-atomic.js";

/** Format version of the cache file, bumped if its shape ever changes. */
const CACHE_FORMAT = 1;
/** A cache holds one row per Kubernetes minor: a few dozen at most. */
export const MAX_CACHE_ROWS = 500;
export const MAX_CACHE_BYTES = 256 * 1024;

export interface VersionCache {
  readonly format: typeof CACHE_FORMAT;
  /** When EKS was asked (ISO timestamp). */
  readonly fetchedAt: string;
  /** The region EKS was asked in. */
  readonly region?: string;
  readonly versions: readonly EksVersionSupport[];
}

/** `BATON_VERSIONS_CACHE`, else `$XDG_CACHE_HOME/baton/eks-versions.json` (default `~/.cache`). */
export function versionCachePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env["BATON_VERSIONS_CACHE"]) return env["BATON_VERSIONS_CACHE"];
  const base = env["XDG_CACHE_HOME"] || path.join(homedir(), ".cache");
  return path.join(base, "baton", "eks-versions.json");
}

export class VersionCacheError extends Error {
  override name = "VersionCacheError";
}

/** The day EKS became generally available: no version was released on it before. */
const EKS_GENERAL_AVAILABILITY = "2018-06-05";

function checkRow(row: unknown, index: number): EksVersionSupport {
  const r = row as Record<string, unknown> | null;
  const fields = ["eksRelease", "endOfStandardSupport", "endOfExtendedSupport"] as const;
  if (!r || typeof r !== "object" || typeof r["version"] !== "string" || !VERSION_PATTERN.test(r["version"])
    || fields.some((f) => typeof r[f] !== "string" || !isIsoDate(r[f] as string))) {
    throw new VersionCacheError(`versions[${index}] is not { version: "1.NN", eksRelease, endOfStandardSupport, endOfExtendedSupport } with YYYY-MM-DD dates`);
  }
  const checked = { version: r["version"], eksRelease: r["eksRelease"] as string, endOfStandardSupport: r["endOfStandardSupport"] as string, endOfExtendedSupport: r["endOfExtendedSupport"] as string };
  // Real calendar dates in an impossible order would make every version "unreleased" or "ended".
  const at = `versions[${index}] (${checked.version})`;
  if (checked.eksRelease < EKS_GENERAL_AVAILABILITY) throw new VersionCacheError(`${at}: eksRelease ${checked.eksRelease} is before EKS existed (${EKS_GENERAL_AVAILABILITY})`);
  if (checked.endOfStandardSupport <= checked.eksRelease) throw new VersionCacheError(`${at}: endOfStandardSupport ${checked.endOfStandardSupport} is not after eksRelease ${checked.eksRelease}`);
  if (checked.endOfExtendedSupport < checked.endOfStandardSupport) throw new VersionCacheError(`${at}: endOfExtendedSupport ${checked.endOfExtendedSupport} is before endOfStandardSupport ${checked.endOfStandardSupport}`);
  return checked;
}

/** The table as a whole: one row per version, newer minors released no earlier, and some version offered the day it was read. */
function checkTable(rows: readonly EksVersionSupport[], fetchedAt: string): void {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.version)) throw new VersionCacheError(`version ${row.version} is listed twice`);
    seen.add(row.version);
  }
  const sorted = [...rows].sort((a, b) => minorOf(a.version) - minorOf(b.version));
  for (let i = 1; i < sorted.length; i++) {
    const [older, newer] = [sorted[i - 1]!, sorted[i]!];
    if (newer.eksRelease < older.eksRelease) throw new VersionCacheError(`${newer.version} is released on ${newer.eksRelease}, before ${older.version} (${older.eksRelease})`);
  }
  const day = fetchedAt.slice(0, 10);
  if (!rows.some((row) => row.eksRelease <= day && day < row.endOfExtendedSupport)) {
    throw new VersionCacheError(`no version in it is offered on ${day}, the day it was read from EKS`);
  }
}

/** Reads and checks a cache file; undefined when there is none. Anything else wrong throws VersionCacheError. */
export function readVersionCache(file: string): VersionCache | undefined {
  let text: string;
  try {
    if (!existsSync(file)) return undefined;
    // Bounded, regular files only (fleet/input-file.ts).
    text = readInputFile(file, { maxBytes: MAX_CACHE_BYTES });
  } catch (error) {
    throw new VersionCacheError(error instanceof InputFileError ? error.message : `cannot read ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new VersionCacheError(`${file} is not JSON (${(error as Error).message})`);
  }
  const d = data as Record<string, unknown> | null;
  if (!d || typeof d !== "object" || d["format"] !== CACHE_FORMAT || typeof d["fetchedAt"] !== "string" || !Array.isArray(d["versions"])) {
    throw new VersionCacheError(`${file} is not a baton version cache (format ${CACHE_FORMAT})`);
  }
  const rows = d["versions"] as unknown[];
  if (rows.length === 0 || rows.length > MAX_CACHE_ROWS) throw new VersionCacheError(`${file} holds ${rows.length} versions; expected 1 to ${MAX_CACHE_ROWS}`);
  const fetchedAt = d["fetchedAt"];
  if (!/^\d{4}-\d{2}-\d{2}T/.test(fetchedAt) || !isIsoDate(fetchedAt.slice(0, 10)) || Number.isNaN(Date.parse(fetchedAt))) {
    throw new VersionCacheError(`${file}: fetchedAt ${JSON.stringify(fetchedAt.slice(0, 40))} is not an ISO timestamp`);
  }
  let versions: EksVersionSupport[];
  try {
    versions = rows.map(checkRow);
    checkTable(versions, fetchedAt);
  } catch (error) {
    if (error instanceof VersionCacheError) throw new VersionCacheError(`${file}: ${error.message}`);
    throw error;
  }
  return {
    format: CACHE_FORMAT,
    fetchedAt,
    ...(typeof d["region"] === "string" ? { region: d["region"] } : {}),
    versions,
  };
}

/** Writes the cache atomically (a sibling file, then a rename), creating its folder. */
export function writeVersionCache(file: string, cache: Omit<VersionCache, "format">): void {
  if (cache.versions.length === 0 || cache.versions.length > MAX_CACHE_ROWS) {
    throw new VersionCacheError(`refusing to write ${cache.versions.length} versions (expected 1 to ${MAX_CACHE_ROWS})`);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify({ format: CACHE_FORMAT, ...cache }, null, 2)}\n`);
}

export function tableFromCache(cache: VersionCache, file: string): VersionTable {
  return { rows: cache.versions, source: "refreshed", asOf: cache.fetchedAt.slice(0, 10), file };
}

/**
 * Puts the cached table in force when there is one. A broken cache is reported on `warn` and the
 * embedded table is used, so a bad file never stops a command, nor passes unnoticed.
 */
export function useCachedVersionTable(warn: (text: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  const file = versionCachePath(env);
  try {
    const cache = readVersionCache(file);
    useVersionTable(cache === undefined ? undefined : tableFromCache(cache, file));
  } catch (error) {
    if (!(error instanceof VersionCacheError)) throw error;
    useVersionTable(undefined);
    warn(`baton: ignoring the EKS version cache: ${error.message}; using the embedded table (rerun \`baton versions --refresh\`, or delete the file)`);
  }
}
