/**
 * Writing a whole file atomically: an exclusive temporary file with an unpredictable name beside
 * it, flushed, then renamed over it. Node built-ins only, so the CLI can load it at start-up.
 */
import { randomBytes } from "node:crypto";
import { closeSync, constants, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

/** A temporary name next to `file`: hidden, 96 random bits, never guessable in advance. */
export const temporaryNameFor = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(12).toString("hex")}.baton-tmp`);

/**
 * Writes a whole file that baton alone owns (a cache): an exclusive temporary file beside it with
 * an unpredictable name, flushed, then renamed over it. No lock and no compare; stack files go
 * through `editFile`.
 */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  const dir = path.dirname(file);
  const temporary = temporaryNameFor(file);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  let renamed = false;
  try {
    const bytes = Buffer.from(text, "utf8");
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, file);
    renamed = true;
    syncFolder(dir);
  } finally {
    if (!renamed) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
      unlinkQuietly(temporary);
    }
  }
}

/** Flushes the folder entry, so the rename itself survives a power cut. */
export function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every filesystem lets a folder be opened or synced; the rename has happened either way.
  }
}

export function unlinkQuietly(file: string): void {
  try {
    if (lstatSync(file).isFile()) unlinkSync(file);
  } catch {
    // Already gone.
  }
}
