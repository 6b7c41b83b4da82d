/**
 * Captured parts on disk, one file per key. An entry is written atomically (a temporary file in the
 * same folder, then a rename) and checked when read:
 * - the read is bounded (fleet/input-file.ts): a regular file of at most 64 MiB, never a FIFO, a
 *   device or a symbolic link, inside a shard folder that is itself no link, so an entry cannot
 *   hang the preview, exhaust its memory or point outside the cache;
 * - its header must name the key it is filed under, this cache format and this baton version;
 * - it must carry an HMAC-SHA256 of header and body made with the cache key (cache-key.ts), which
 *   is kept outside the folder: an entry edited, forged or written by someone without the key is
 *   refused, whatever its checksums say.
 * Anything refused is reported and captured again, so the review is the one `--no-cache` gives.
 * The folder holds nothing secret (resource inputs as the offline program registers them) and can
 * be deleted at any time.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputFileError, readInputBytes } from "../fleet/input-file.js";
import { CACHE_KEY_ENV, type CacheKey } from "./cache-key.js";
import type { CapturedResource } from "./model.js";

/** Bumped whenever an entry's layout changes. 2: signed with the cache key. */
export const CACHE_FORMAT = 2;
/** An entry larger than this is not read (a part of a few hundred resources is well under 1 MiB). */
export const MAX_ENTRY_BYTES = 64 * 2 ** 20;

const KEY = /^[0-9a-f]{64}$/;
const MAC = /^[0-9a-f]{64}$/;

interface EntryHeader {
  readonly format: number;
  readonly key: string;
  readonly baton: string;
  readonly part: string;
  readonly bodyBytes: number;
  /** The cache key's fingerprint (cache-key.ts), so an entry signed with another key is named as such. */
  readonly keyId: string;
  /** HMAC-SHA256, with the cache key, of the fields above and the body. */
  readonly mac: string;
}

export interface DiscardedEntry {
  readonly file: string;
  readonly reason: string;
}

export type CacheRead = { readonly hit: true; readonly resources: CapturedResource[] } | { readonly hit: false; readonly discarded?: DiscardedEntry };

export class PartCache {
  constructor(readonly dir: string, readonly batonVersion: string, private readonly signing: CacheKey) {}

  private shard(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a cache key: ${key}`);
    return path.join(this.dir, key.slice(0, 2));
  }

  private file(key: string): string {
    return path.join(this.shard(key), `${key}.part`);
  }

  /** The MAC of an entry: every header field but the MAC itself, then the body. */
  private mac(header: Omit<EntryHeader, "mac">, body: Uint8Array): Buffer {
    return createHmac("sha256", this.signing.secret)
      .update(`baton part cache ${JSON.stringify([header.format, header.key, header.baton, header.part, header.bodyBytes, header.keyId])}\n`)
      .update(body)
      .digest();
  }

  /** The entry filed under `key` when it is intact, signed with this cache key and this baton's own; otherwise a miss, saying why a file present was not used. */
  read(key: string): CacheRead {
    const file = this.file(key);
    const discard = (reason: string): CacheRead => ({ hit: false, discarded: { file, reason } });
    const shard = kindOf(this.shard(key));
    if (shard === "missing") return { hit: false };
    if (shard !== "folder") return discard(`its folder ${path.basename(this.shard(key))} is ${shard}, not a folder of the cache; baton reads entries only inside the cache folder`);
    let raw: Buffer;
    try {
      raw = readInputBytes(file, { maxBytes: MAX_ENTRY_BYTES }, { followLinks: false });
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      if (error.reason === "missing") return { hit: false };
      return discard(error.reason === "too-large" ? `larger than ${MAX_ENTRY_BYTES} bytes` : error.message.replace(`cannot read ${file}: `, ""));
    }
    const newline = raw.indexOf(0x0a);
    if (newline < 0) return discard("no header line");
    let header: Partial<EntryHeader>;
    try {
      header = JSON.parse(raw.subarray(0, newline).toString("utf8")) as Partial<EntryHeader>;
    } catch {
      return discard("the header is not JSON");
    }
    if (header === null || typeof header !== "object") return discard("the header is not an object");
    if (header.format !== CACHE_FORMAT) return discard(`cache format ${String(header.format)}, expected ${CACHE_FORMAT}`);
    if (header.baton !== this.batonVersion) return discard(`written by baton ${String(header.baton)}, this is ${this.batonVersion}`);
    if (header.key !== key) return discard("filed under another key");
    if (header.keyId !== this.signing.id) return discard(`signed with another cache key (${String(header.keyId)}; this one is ${this.signing.id}): written by another user, machine or ${CACHE_KEY_ENV}`);
    const body = raw.subarray(newline + 1);
    if (body.length !== header.bodyBytes) return discard(`body of ${body.length} bytes, the header says ${String(header.bodyBytes)}`);
    if (typeof header.part !== "string" || typeof header.mac !== "string" || !MAC.test(header.mac)) return discard("the header has no part name or signature");
    const expected = this.mac({ format: header.format, key: header.key, baton: header.baton, part: header.part, bodyBytes: header.bodyBytes, keyId: header.keyId }, body);
    if (!timingSafeEqual(expected, Buffer.from(header.mac, "hex"))) return discard("the signature does not match: the entry was changed after baton wrote it");
    let resources: unknown;
    try {
      resources = JSON.parse(body.toString("utf8"));
    } catch {
      return discard("the body is not JSON");
    }
    if (!isResourceList(resources)) return discard("the body is not a list of captured resources");
    return { hit: true, resources };
  }

  /** Files a part's capture under `key`, signed; a reader never sees a half-written entry. */
  write(key: string, part: string, resources: readonly CapturedResource[]): void {
    const shard = this.shard(key);
    // A shard that is a link (or a file) is not the cache's: replace it with a folder of its own.
    const kind = kindOf(shard);
    if (kind !== "folder" && kind !== "missing") rmSync(shard, { force: true });
    mkdirSync(shard, { recursive: true });
    const file = this.file(key);
    const body = Buffer.from(JSON.stringify(resources), "utf8");
    const unsigned = { format: CACHE_FORMAT, key, baton: this.batonVersion, part, bodyBytes: body.length, keyId: this.signing.id };
    const header: EntryHeader = { ...unsigned, mac: this.mac(unsigned, body).toString("hex") };
    const temporary = path.join(shard, `.${key}.${process.pid}.${randomUUID()}.tmp`);
    try {
      const fd = openSync(temporary, "wx", 0o644);
      try {
        writeFileSync(fd, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), body]));
      } finally {
        closeSync(fd);
      }
      // rename replaces whatever has the entry's name (a link, a FIFO) without following it.
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }
}

/** What is at `file`, without following a link. */
function kindOf(file: string): "missing" | "folder" | "a symbolic link" | "a file" | "something else" {
  try {
    const stat = lstatSync(file);
    return stat.isDirectory() ? "folder" : stat.isSymbolicLink() ? "a symbolic link" : stat.isFile() ? "a file" : "something else";
  } catch {
    return "missing";
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
