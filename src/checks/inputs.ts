import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { DEFAULT_INPUT_LIMITS, InputFileError, readInputFile, type InputLimits } from "../fleet/input-file.js";
import type { InputError } from "./manifest.js";

/** A named text to check: a file's contents, or standard input as `-`. */
export interface InputText {
  readonly file: string;
  readonly text: string;
}

/** A path that cannot be read: the command stops with exit code 2. */
export class UnreadableInputError extends Error {
  override name = "UnreadableInputError";
}

/** The extensions a folder is searched for. A file named explicitly is read whatever its name. */
export const MANIFEST_EXTENSIONS: readonly string[] = [".yaml", ".yml", ".json"];

/** The files found under the paths given, and the ones that could not be looked at (each named). */
export interface ManifestFiles {
  readonly files: string[];
  readonly errors: InputError[];
}

/**
 * Expands paths to the manifest files to read: files as given, folders recursively (sorted, so
 * output is stable), skipping hidden folders such as `.git` and `node_modules`. A folder or link
 * that cannot be followed (permissions, a link loop) is reported by name and the rest still found.
 */
export function manifestFiles(paths: readonly string[]): ManifestFiles {
  const found: ManifestFiles = { files: [], errors: [] };
  for (const given of paths) {
    let stat;
    try {
      stat = statSync(given);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A path named on the command line that does not exist is a typo: stop and say so.
      if (code === "ENOENT") throw new UnreadableInputError(`cannot read ${given}: no such file or folder`);
      found.errors.push({ file: given, message: unreadable(error) });
      continue;
    }
    if (stat.isDirectory()) walk(given, found);
    else found.files.push(given);
  }
  return found;
}

const unreadable = (error: unknown) =>
  (error as NodeJS.ErrnoException).code === "ELOOP" ? "a symbolic link loop (a link that points back to itself)" : `cannot be read: ${(error as Error).message}`;

function walk(dir: string, into: ManifestFiles): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    into.errors.push({ file: dir, message: `folder ${unreadable(error)}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const wanted = MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase());
    // Symlinked folders are not followed: a link cycle would never end.
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && entry.name !== "node_modules") walk(full, into);
    } else if (entry.isFile()) {
      if (wanted) into.files.push(full);
    } else if (entry.isSymbolicLink() && wanted) {
      try {
        if (statSync(full).isFile()) into.files.push(full);
      } catch (error) {
        into.errors.push({ file: full, message: unreadable(error) });
      }
    }
  }
}

/** One file's text, or the reason it cannot be read (too large, not a regular file, not UTF-8). */
export function readInput(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): InputText | InputError {
  try {
    return { file, text: readInputFile(file, limits) };
  } catch (error) {
    if (error instanceof InputFileError) return { file, message: error.message.replace(`cannot read ${file}: `, "").replace(`${file} `, "") };
    throw error;
  }
}
