/**
 * The secret that signs the preview's cache entries, kept outside the cache folder: whoever can
 * write the folder (a shared CI cache, a restored archive, another user) cannot make baton trust an
 * entry, because an entry counts only when its HMAC was made with this key.
 *
 * - `BATON_CACHE_KEY` (at least 32 characters, e.g. `openssl rand -hex 32` kept as a CI secret):
 *   jobs that share a cache and the key trust each other's entries;
 * - otherwise a key per user, `$XDG_STATE_HOME/baton/cache-key` (default
 *   `~/.local/state/baton/cache-key`), made on first use: 32 random bytes, mode 0600, created
 *   under a temporary name and linked into place, so two first runs agree on one key.
 *
 * A key file that is not the user's own regular 0600 file is refused (the caller then uses no
 * cache); a key that is gone is made anew, and every entry signed with the old one is captured again.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

export const CACHE_KEY_ENV = "BATON_CACHE_KEY";
/** The shortest `BATON_CACHE_KEY` accepted: 32 characters (128 bits as hex, more as anything else). */
export const MIN_ENV_KEY_CHARS = 32;
const KEY_FILE_TEXT = /^[0-9a-f]{64}\n?$/;

export interface CacheKey {
  readonly secret: Buffer;
  /** A fingerprint of the secret (not the secret), written in each entry so a foreign one is named as such. */
  readonly id: string;
  /** Where the key came from, for messages: the env var or the file. */
  readonly source: string;
}

/** The key cannot be had; the preview then reads and writes no cache. */
export class CacheKeyError extends Error {
  override name = "CacheKeyError";
}

const keyOf = (secret: Buffer, source: string): CacheKey =>
  ({ secret, source, id: createHash("sha256").update("baton cache key id\n").update(secret).digest("hex").slice(0, 16) });

/** `$XDG_STATE_HOME/baton/cache-key`, or `~/.local/state/baton/cache-key` (the XDG default; a relative XDG path is ignored, as the spec says). */
export function cacheKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const state = env["XDG_STATE_HOME"];
  const base = state && path.isAbsolute(state) ? state : path.join(homedir(), ".local", "state");
  return path.join(base, "baton", "cache-key");
}

/** The key in force: `BATON_CACHE_KEY`, else the user's key file (made when missing). */
export function loadCacheKey(env: NodeJS.ProcessEnv = process.env): CacheKey {
  const given = env[CACHE_KEY_ENV];
  if (given !== undefined && given !== "") {
    if (given.length < MIN_ENV_KEY_CHARS) {
      throw new CacheKeyError(`${CACHE_KEY_ENV} has ${given.length} characters; a cache key needs at least ${MIN_ENV_KEY_CHARS} (e.g. openssl rand -hex 32)`);
    }
    return keyOf(Buffer.from(given, "utf8"), CACHE_KEY_ENV);
  }
  const file = cacheKeyFile(env);
  const existing = readKeyFile(file);
  return keyOf(existing ?? createKeyFile(file), file);
}

/** The key in `file`, or undefined when there is none; anything but the user's own 0600 regular file of 64 hex digits is refused. */
function readKeyFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "ELOOP") throw new CacheKeyError(`the cache key ${file} is a symbolic link; baton reads its key only from a file of its own (delete the link: a new key is made)`);
    throw new CacheKeyError(`cannot read the cache key ${file}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new CacheKeyError(`the cache key ${file} is not a regular file; delete it (a new key is made)`);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) throw new CacheKeyError(`the cache key ${file} belongs to uid ${stat.uid}, not to you (uid ${uid}); delete it (a new key is made)`);
    if ((stat.mode & 0o077) !== 0) {
      throw new CacheKeyError(`the cache key ${file} can be read or written by others (mode ${(stat.mode & 0o777).toString(8).padStart(4, "0")}), so it proves nothing; delete it (a new key is made, mode 0600)`);
    }
    const bytes = Buffer.alloc(128);
    const length = readSync(fd, bytes, 0, bytes.length, 0);
    const text = bytes.subarray(0, length).toString("latin1");
    if (!KEY_FILE_TEXT.test(text)) throw new CacheKeyError(`the cache key ${file} is not 64 hex digits; delete it (a new key is made)`);
    return Buffer.from(text.slice(0, 64), "hex");
  } finally {
    closeSync(fd);
  }
}

/** Writes a new random key to `file`: a 0600 temporary file, flushed, then linked into place (fails if another run made one first: that one is used). */
function createKeyFile(file: string): Buffer {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CacheKeyError(`cannot make ${path.dirname(file)} for the cache key: ${(error as Error).message}`);
  }
  const secret = randomBytes(32);
  const temporary = path.join(path.dirname(file), `.cache-key.${randomBytes(12).toString("hex")}.tmp`);
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, `${secret.toString("hex")}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new CacheKeyError(`cannot write the cache key ${file}: ${(error as Error).message}`);
    // Another run made the key between our read and our link: theirs is the key.
    const theirs = readKeyFile(file);
    if (theirs === undefined) throw new CacheKeyError(`the cache key ${file} appeared and vanished while baton made it; run again`);
    return theirs;
  } finally {
    rmSync(temporary, { force: true });
  }
  return secret;
}
