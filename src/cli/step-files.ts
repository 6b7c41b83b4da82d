/**
 * Writing `upgrade-plan --out`'s step files, all or nothing: every target folder is checked before
 * anything is written (a dangling link, a file in the way, an earlier plan's step files), the files
 * are written to a staging folder first, and only then moved into place. A failure at any point
 * (a refused folder, a full disk) leaves no step file of this run behind.
 */
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./io.js";

export interface StepFolder {
  readonly dir: string;
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

/** A step file that could not be written; nothing of this run was left behind. */
export class StepFilesWriteError extends Error {
  override name = "StepFilesWriteError";
}

const STEP_FILE = /^\d+-.+\.yaml$/;

/** What is at `dir` (following a link only to say where it points). */
function checkFolder(dir: string, option: string): void {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    // Made when the files are written, if it can be: its nearest existing parent must be a folder.
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR" || !parentIsFolder(dir)) {
      throw new UsageError(`${option} ${dir}: cannot create the folder (a part of the path is a file); name a folder baton may create, e.g. ${option} upgrade-1.35`);
    }
    return;
  }
  if (stat.isSymbolicLink()) {
    let target;
    try {
      target = statSync(dir);
    } catch {
      throw new UsageError(`${option} ${dir} is a symbolic link to ${readlinkSync(dir)}, which does not exist; point ${option} at a folder, or create the link's target first`);
    }
    if (!target.isDirectory()) throw new UsageError(`${option} ${dir} is a symbolic link to ${readlinkSync(dir)}, which is not a folder; point ${option} at a folder`);
  } else if (!stat.isDirectory()) {
    throw new UsageError(`${option} ${dir} is a file: ${option} takes a folder to write the step files into, e.g. ${option} upgrade-1.35`);
  }
  const stale = readdirSync(dir).filter((f) => STEP_FILE.test(f));
  if (stale.length > 0) throw new UsageError(`${option} ${dir} already holds step files (${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ", …" : ""}); use an empty folder or remove them`);
}

/** Writes every folder's step files, or none: refusals are UsageErrors, failed writes StepFilesWriteErrors. */
export function writeStepFiles(root: string, folders: readonly StepFolder[], option = "--out"): void {
  for (const dir of new Set([root, ...folders.map((f) => f.dir)])) checkFolder(dir, option);
  const rootExisted = existsSync(root);
  const made: string[] = [];
  const placed: string[] = [];
  try {
    mkdirSync(root, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EEXIST" || code === "ENOTDIR" ? "a part of the path is a file" : code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
    throw new UsageError(`${option} ${root}: cannot create the folder (${why}); name a folder baton may create, e.g. ${option} upgrade-1.35`);
  }
  const staging = path.join(root, `.baton-step-files.${randomBytes(6).toString("hex")}`);
  let current = root;
  try {
    mkdirSync(staging);
    folders.forEach((folder, i) => {
      for (const file of folder.files) {
        current = path.join(folder.dir, file.name);
        writeFileSync(path.join(staging, `${i}-${file.name}`), file.text, { encoding: "utf8", flag: "wx" });
      }
    });
    for (const [i, folder] of folders.entries()) {
      if (!existsSync(folder.dir)) {
        mkdirSync(folder.dir, { recursive: true });
        made.push(folder.dir);
      }
      for (const file of folder.files) {
        current = path.join(folder.dir, file.name);
        renameSync(path.join(staging, `${i}-${file.name}`), current);
        placed.push(current);
      }
    }
  } catch (error) {
    for (const file of placed) rmSync(file, { force: true });
    for (const dir of made.reverse()) rmSync(dir, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
    if (!rootExisted) rmSync(root, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const cause = code === "ENOSPC" ? "no space left on the device (ENOSPC)" : (error as Error).message;
    throw new StepFilesWriteError(`cannot write ${current}: ${cause}; no step file was written`);
  }
  rmSync(staging, { recursive: true, force: true });
}

/** Whether the nearest part of `dir`'s path that exists is a folder (so `dir` can be made). */
function parentIsFolder(dir: string): boolean {
  for (let at = path.dirname(path.resolve(dir)); ; at = path.dirname(at)) {
    try {
      return statSync(at).isDirectory();
    } catch {
      if (path.dirname(at) === at) return false;
    }
  }
}
