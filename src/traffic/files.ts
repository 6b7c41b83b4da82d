/**
 * Editing a stack file so that no edit is lost and no file is damaged, even with two people (or a
 * person and a rollout) editing at once, or a crash half-way:
 * - a lock around read, check and write (proper-lockfile: a `<file>.lock` folder next to the real
 *   file, taken over only when its holder has stopped refreshing it);
 * - compare before rename: the file must still hold what the edit was computed from, or the edit is
 *   refused (this also catches editors and scripts that do not take the lock);
 * - the new text goes to a temporary file created exclusively (O_EXCL: never through a planted link)
 *   under an unpredictable name in the same folder, with the file's mode and owner, flushed, then
 *   renamed over the file: a reader sees the old text or the new, never half of each;
 * - a symbolic link is followed: its target is edited and the link stays a link;
 * - a read-only file stays unedited; a hard-linked one too (a rename gives only this name the
 *   edit, so the file's other names would silently keep the old text);
 * - its extended attributes (tags, ACLs, labels) are copied onto the new file before the rename;
 * - a write that fails (a full disk, an I/O error) leaves the file as it was and names it.
 */
import { closeSync, constants, existsSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { lock } from "proper-lockfile";
import { DEFAULT_INPUT_LIMITS, InputFileError, readInputFile, type InputLimits } from "../fleet/input-file.js";
import { syncFolder, temporaryNameFor, unlinkQuietly } from "./write-atomic.js";
import { copyExtendedAttributes } from "./xattrs.js";

/** An edit baton refused to make; the file is unchanged. The message says why and what to do. */
export class FileEditError extends Error {
  override name = "FileEditError";
  constructor(message: string, readonly reason: "changed" | "locked" | "read-only" | "links" | "owner" | "unreadable" | "io") {
    super(message);
  }
}

export interface EditOptions {
  readonly limits?: InputLimits;
  /** How long to wait for another edit's lock before refusing. @default 15 s */
  readonly lockWaitMs?: number;
}

/** The file an edit writes: a symbolic link's target, so the link stays a link and its target gets the edit. */
export function editTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileEditError(code === "ELOOP" ? `cannot edit ${file}: a symbolic link loop` : `cannot edit ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`, "unreadable");
  }
}

function readForEdit(file: string, target: string, limits: InputLimits): string {
  try {
    return readInputFile(target, limits);
  } catch (error) {
    if (error instanceof InputFileError) throw new FileEditError(error.message.replaceAll(target, file), "unreadable");
    throw error;
  }
}

/**
 * Runs `edit` under the file's lock: it gets the file's current text and returns the new text (or
 * undefined to leave the file as it is), which is then written atomically if the file still holds
 * what `edit` saw. Resolves to the new text, or undefined when nothing was written.
 */
export async function editFile(file: string, edit: (text: string) => string | undefined | Promise<string | undefined>, options: EditOptions = {}): Promise<string | undefined> {
  const target = assertEditable(file);
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  return withLock(file, target, options.lockWaitMs ?? 15_000, async () => {
    const text = readForEdit(file, target, limits);
    const next = await edit(text);
    if (next === undefined || next === text) return undefined;
    replaceIfUnchanged(file, target, text, next, limits);
    return next;
  });
}

/**
 * Whether `file` can be edited the way baton edits (read-only, hard links and a stray lock are
 * refused before anything is read): resolves to the file the edit writes, or throws FileEditError.
 * A rollout asks before its first step, so it never starts on a file it could not write back.
 */
export function assertEditable(file: string): string {
  const target = editTarget(file);
  const stat = statSync(target);
  refuseUnwritable(file, stat);
  refuseStrayLock(file, `${target}.lock`);
  return target;
}

function refuseUnwritable(file: string, stat: { readonly mode: number; readonly nlink: number }): void {
  if ((stat.mode & 0o222) === 0) {
    throw new FileEditError(`${file} is read-only (mode ${(stat.mode & 0o777).toString(8).padStart(4, "0")}); baton does not override that. Make it writable (chmod u+w) if it should be edited`, "read-only");
  }
  if (stat.nlink > 1) {
    throw new FileEditError(`${file} has ${stat.nlink} hard links (other names for the same file, from ln or a backup tool); baton writes an edit to a new file and renames it over this name, so the other names would keep the old text. Make the other names copies or symbolic links to this one, then run again; the file is unchanged`, "links");
  }
}

/**
 * baton's lock is a folder it creates (`<file>.lock`) and removes. Anything else with that name —
 * a symbolic link (even one pointing nowhere), a file — was not made by baton and would block
 * every edit as if another one held it: it is named instead, with how to clear it.
 */
function refuseStrayLock(file: string, lockPath: string): void {
  let stat;
  try {
    stat = lstatSync(lockPath);
  } catch {
    return;
  }
  if (stat.isDirectory()) return;
  const what = stat.isSymbolicLink() ? `a symbolic link (to ${readlinkSync(lockPath)}${existsSync(lockPath) ? "" : ", which does not exist"})` : stat.isFile() ? "a file" : "not a folder";
  throw new FileEditError(`${file} cannot be locked for editing: ${lockPath} is ${what}, not a lock baton made (baton's lock is a folder it creates and removes). Remove it (rm ${lockPath}) and run again; the file is unchanged`, "locked");
}


/** Takes the lock on `target`, runs `fn`, releases the lock; refuses when another edit holds it too long. */
async function withLock<T>(file: string, target: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    // Retries back off from 100 ms to 1 s; `stale`: a holder that stopped refreshing for 10 s has died.
    release = await lock(target, {
      realpath: false,
      stale: 10_000,
      retries: { retries: Math.max(1, Math.ceil(waitMs / 1000)) + 3, factor: 1.5, minTimeout: 100, maxTimeout: 1000 },
      // The edit below is short; if the lock is taken over anyway, compare-before-rename still refuses.
      onCompromised: () => undefined,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOCKED") {
      throw new FileEditError(`${file} is being edited by another baton command (the lock ${target}.lock is held); wait for it to finish and run this again`, "locked");
    }
    throw new FileEditError(`cannot lock ${file} for editing: ${(error as Error).message} (baton creates ${path.basename(target)}.lock next to it, so its folder must be writable)`, "io");
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * Writes `next` over `target` if it still holds `expected`: a temporary file next to it first, then
 * a rename. Refuses (the file untouched) when the file changed, is read-only, or its owner could not
 * be kept.
 */
export function replaceIfUnchanged(file: string, target: string, expected: string, next: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  const stat = statSync(target);
  refuseUnwritable(file, stat);
  const dir = path.dirname(target);
  const temporary = temporaryNameFor(target);
  let fd: number;
  try {
    // O_EXCL: fails if anything, a symbolic link included, already has this name; O_NOFOLLOW for good measure.
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new FileEditError(`cannot write next to ${file}: ${(error as Error).message}`, "io");
  }
  let renamed = false;
  try {
    try {
      fchmodSync(fd, stat.mode & 0o7777);
      if (stat.uid !== process.getuid?.() || stat.gid !== process.getgid?.()) fchownSync(fd, stat.uid, stat.gid);
    } catch (error) {
      throw new FileEditError(`cannot keep ${file}'s owner (uid ${stat.uid}, gid ${stat.gid}) on the edited file: ${(error as Error).message}; edit it as its owner`, "owner");
    }
    try {
      copyExtendedAttributes(target, temporary);
    } catch (error) {
      throw new FileEditError(`cannot keep ${file}'s ${(error as Error).message}; the file is unchanged. Edit it as its owner, or remove the attribute if it no longer applies`, "owner");
    }
    try {
      const bytes = Buffer.from(next, "utf8");
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
      closeSync(fd);
      fd = -1;
    } catch (error) {
      throw writeFailure(file, error);
    }
    // Compare before rename: the lock keeps other baton edits out; this catches everything else.
    const now = readForEdit(file, target, limits);
    if (now !== expected) {
      throw new FileEditError(`${file} changed since baton read it (another edit, an editor or a git checkout); nothing was written. Look at the file and run the command again`, "changed");
    }
    try {
      renameSync(temporary, target);
    } catch (error) {
      throw writeFailure(file, error);
    }
    renamed = true;
    syncFolder(dir);
  } finally {
    if (fd !== -1) {
      try {
        closeSync(fd);
      } catch {
        // The write already failed; the descriptor goes with the temporary file.
      }
    }
    if (!renamed) unlinkQuietly(temporary);
  }
}

/** A write that failed: the file is untouched (the new text never replaced it); the message names it and the cause. */
function writeFailure(file: string, error: unknown): FileEditError {
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code === "ENOSPC" ? "no space left on the device"
    : code === "EDQUOT" ? "the disk quota is exhausted"
    : code === "EROFS" ? "the file system is read-only"
    : code === "EIO" ? "an I/O error"
    : (error as Error).message;
  return new FileEditError(`cannot write ${file}: ${cause}${code && !cause.includes(code) ? ` (${code})` : ""}; the file is unchanged`, "io");
}
