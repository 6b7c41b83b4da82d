/**
 * The recommended AMI releases last read from SSM (`baton amis --refresh`), kept on disk so that
 * `baton amis` without credentials still says what was recommended, and when. Bounded in size and
 * entries; a file that is not what baton wrote is reported and ignored, never half-used (like the
 * EKS version cache, version-cache.ts). Its entries are signed (HMAC-SHA256) with the user's cache
 * key, the one that signs the preview's cache (preview/cache-key.ts, kept outside the cache
 * folder): since `--write` pins what the cache says, a file someone else wrote or edited is not
 * trusted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import type { CacheKey } from "../preview/cache-key.js";
import { homedir } from "node:os";
import path from "node:path";
import { InputFileError, readInputFile } from "../fleet/input-file.js";
import { writeFileAtomic } from "../traffic/write-atomic.js";

const CACHE_FORMAT = 1;
export const MAX_AMI_CACHE_ENTRIES = 1000;
export const MAX_AMI_CACHE_BYTES = 256 * 1024;
const PARAMETER = /^\/aws\/service\/[A-Za-z0-9._/-]{1,200}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const VALUE = /^[A-Za-z0-9.-]{1,64}$/;

export interface AmiCacheEntry {
  readonly region: string;
  readonly parameter: string;
  readonly value: string;
  /** When SSM was read (ISO timestamp). */
  readonly readAt: string;
}

export interface AmiCache {
  readonly format: typeof CACHE_FORMAT;
  readonly entries: readonly AmiCacheEntry[];
}

/** The cache as written: its entries, the fingerprint of the key that signed them, and the signature. */
interface SignedAmiCache extends AmiCache {
  readonly keyId: string;
  readonly signature: string;
}

function sign(entries: readonly AmiCacheEntry[], key: CacheKey): string {
  return createHmac("sha256", key.secret).update(`baton ami cache ${CACHE_FORMAT}\n`).update(JSON.stringify(entries)).digest("hex");
}

/** `BATON_AMIS_CACHE`, else `$XDG_CACHE_HOME/baton/ami-releases.json` (default `~/.cache`). */
export function amiCachePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env["BATON_AMIS_CACHE"]) return env["BATON_AMIS_CACHE"];
  const base = env["XDG_CACHE_HOME"] || path.join(homedir(), ".cache");
  return path.join(base, "baton", "ami-releases.json");
}

export class AmiCacheError extends Error {
  override name = "AmiCacheError";
}

function checkEntry(entry: unknown, index: number): AmiCacheEntry {
  const e = entry as Record<string, unknown> | null;
  const ok = e !== null && typeof e === "object"
    && typeof e["region"] === "string" && REGION.test(e["region"])
    && typeof e["parameter"] === "string" && PARAMETER.test(e["parameter"])
    && typeof e["value"] === "string" && VALUE.test(e["value"])
    && typeof e["readAt"] === "string" && /^\d{4}-\d{2}-\d{2}T/.test(e["readAt"]) && !Number.isNaN(Date.parse(e["readAt"]));
  if (!ok) throw new AmiCacheError(`entries[${index}] is not { region, parameter: "/aws/service/…", value, readAt: ISO timestamp }`);
  return { region: e["region"] as string, parameter: e["parameter"] as string, value: e["value"] as string, readAt: e["readAt"] as string };
}

/** Reads and checks the cache; undefined when there is none. Anything else wrong (a signature not made with `key`) throws AmiCacheError. */
export function readAmiCache(file: string, key: CacheKey): AmiCache | undefined {
  let text: string;
  try {
    if (!existsSync(file)) return undefined;
    text = readInputFile(file, { maxBytes: MAX_AMI_CACHE_BYTES });
  } catch (error) {
    throw new AmiCacheError(error instanceof InputFileError ? error.message : `cannot read ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new AmiCacheError(`${file} is not JSON (${(error as Error).message})`);
  }
  const d = data as Record<string, unknown> | null;
  if (!d || typeof d !== "object" || d["format"] !== CACHE_FORMAT || !Array.isArray(d["entries"])) {
    throw new AmiCacheError(`${file} is not a baton AMI release cache (format ${CACHE_FORMAT})`);
  }
  const rows = d["entries"] as unknown[];
  if (rows.length > MAX_AMI_CACHE_ENTRIES) throw new AmiCacheError(`${file} holds ${rows.length} entries; at most ${MAX_AMI_CACHE_ENTRIES}`);
  try {
    const entries = rows.map(checkEntry);
    const signature = typeof d["signature"] === "string" ? d["signature"] : "";
    const expected = Buffer.from(sign(entries, key), "hex");
    const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : "", "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      const other = typeof d["keyId"] === "string" && d["keyId"] !== key.id;
      throw new AmiCacheError(`its entries are not signed with your cache key (${key.source})${other ? `: they were signed with another key (${String(d["keyId"]).slice(0, 16)})` : ""}, so they are not trusted`);
    }
    const seen = new Set<string>();
    for (const entry of entries) {
      const key = `${entry.region} ${entry.parameter}`;
      if (seen.has(key)) throw new AmiCacheError(`${entry.parameter} in ${entry.region} is listed twice`);
      seen.add(key);
    }
    return { format: CACHE_FORMAT, entries };
  } catch (error) {
    if (error instanceof AmiCacheError) throw new AmiCacheError(`${file}: ${error.message}`);
    throw error;
  }
}

/** The cache with `fresh` entries replacing those of the same region and parameter; the oldest dropped past the bound. */
export function mergeAmiCache(cache: AmiCache | undefined, fresh: readonly AmiCacheEntry[]): AmiCache {
  const byKey = new Map<string, AmiCacheEntry>();
  for (const entry of [...(cache?.entries ?? []), ...fresh]) byKey.set(`${entry.region} ${entry.parameter}`, entry);
  const entries = [...byKey.values()].sort((a, b) => (a.readAt < b.readAt ? 1 : a.readAt > b.readAt ? -1 : 0)).slice(0, MAX_AMI_CACHE_ENTRIES);
  return { format: CACHE_FORMAT, entries };
}

/** Writes the cache, signed with `key`, atomically (a sibling file, then a rename), creating its folder. */
export function writeAmiCache(file: string, cache: AmiCache, key: CacheKey): void {
  const signed: SignedAmiCache = { format: CACHE_FORMAT, entries: cache.entries, keyId: key.id, signature: sign(cache.entries, key) };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(signed, null, 2)}\n`);
}

/** The cached entry for `parameter`: in `region` when one is known, else the most recently read in any region. */
export function cachedRelease(cache: AmiCache | undefined, parameter: string, region: string | undefined): AmiCacheEntry | undefined {
  const candidates = (cache?.entries ?? []).filter((e) => e.parameter === parameter && (region === undefined || e.region === region));
  return candidates.sort((a, b) => (a.readAt < b.readAt ? 1 : -1))[0];
}
