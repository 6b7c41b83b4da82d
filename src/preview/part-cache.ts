/**
 * Captured parts on disk, one file per key. An entry is written atomically (a temporary file in the
 * same folder, then a rename) and verified when read: its header must name the key it is filed
 * under, this cache format and this baton version, and the body must match the header's sha256 and
 * length. Anything else — a truncated, edited, renamed or foreign file — is reported and captured
 * again, never trusted. The folder holds nothing secret (resource inputs as the offline program
 * registers them) and can be deleted at any time.
 */
import { randomUUID } from "node:crypto";
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CapturedResource } from "./model.js";

/** Bumped whenever an entry's layout changes. */
export const CACHE_FORMAT = 1;
/** An entry larger than this is not read (a part of a few hundred resources is well under 1 MiB). */
export const MAX_ENTRY_BYTES = 64 * 2 ** 20;

const KEY = /^[0-9a-f]{64}$/;

interface EntryHeader {
  readonly format: number;
  readonly key: string;
  readonly baton: string;
  readonly part: string;
  readonly bodySha256: string;
  readonly bodyBytes: number;
}

export interface DiscardedEntry {
  readonly file: string;
  readonly reason: string;
}

export type CacheRead = { readonly hit: true; readonly resources: CapturedResource[] } | { readonly hit: false; readonly discarded?: DiscardedEntry };

export class PartCache {
  constructor(readonly dir: string, readonly batonVersion: string) {}

  private file(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a cache key: ${key}`);
    return path.join(this.dir, key.slice(0, 2), `${key}.part`);
  }

  /** The entry filed under `key` when it is intact and this baton's own; otherwise a miss, saying why a file present was not used. */
  read(key: string): CacheRead {
    const file = this.file(key);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return { hit: false };
    }
    const discard = (reason: string): CacheRead => ({ hit: false, discarded: { file, reason } });
    if (size > MAX_ENTRY_BYTES) return discard(`larger than ${MAX_ENTRY_BYTES} bytes`);
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch (error) {
      return discard(`unreadable: ${(error as Error).message}`);
    }
    const newline = raw.indexOf(0x0a);
    if (newline < 0) return discard("no header line");
    let header: Partial<EntryHeader>;
    try {
      header = JSON.parse(raw.subarray(0, newline).toString("utf8")) as Partial<EntryHeader>;
    } catch {
      return discard("the header is not JSON");
    }
    if (header.format !== CACHE_FORMAT) return discard(`cache format ${String(header.format)}, expected ${CACHE_FORMAT}`);
    if (header.baton !== this.batonVersion) return discard(`written by baton ${String(header.baton)}, this is ${this.batonVersion}`);
    if (header.key !== key) return discard("filed under another key");
    const body = raw.subarray(newline + 1);
    if (body.length !== header.bodyBytes) return discard(`body of ${body.length} bytes, the header says ${String(header.bodyBytes)}`);
    if (createHash("sha256").update(body).digest("hex") !== header.bodySha256) return discard("the body does not match its checksum");
    let resources: unknown;
    try {
      resources = JSON.parse(body.toString("utf8"));
    } catch {
      return discard("the body is not JSON");
    }
    if (!isResourceList(resources)) return discard("the body is not a list of captured resources");
    return { hit: true, resources };
  }

  /** Files a part's capture under `key`; a reader never sees a half-written entry. */
  write(key: string, part: string, resources: readonly CapturedResource[]): void {
    const file = this.file(key);
    mkdirSync(path.dirname(file), { recursive: true });
    const body = Buffer.from(JSON.stringify(resources), "utf8");
    const header: EntryHeader = {
      format: CACHE_FORMAT, key, baton: this.batonVersion, part,
      bodySha256: createHash("sha256").update(body).digest("hex"), bodyBytes: body.length,
    };
    const temporary = path.join(path.dirname(file), `.${key}.${process.pid}.${randomUUID()}.tmp`);
    try {
      const fd = openSync(temporary, "wx", 0o644);
      try {
        writeFileSync(fd, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), body]));
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function isResourceList(value: unknown): value is CapturedResource[] {
  return Array.isArray(value) && value.every((r) => isObject(r)
    && typeof r["urn"] === "string" && typeof r["type"] === "string" && typeof r["name"] === "string"
    && typeof r["custom"] === "boolean" && isObject(r["inputs"])
    && (r["parent"] === undefined || typeof r["parent"] === "string")
    && (r["provider"] === undefined || typeof r["provider"] === "string"));
}
