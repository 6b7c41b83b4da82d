import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

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

/**
 * Expands paths to the manifest files to read: files as given, folders recursively (sorted, so
 * output is stable), skipping hidden folders such as `.git` and `node_modules`.
 */
export function manifestFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const given of paths) {
    const stat = statOrThrow(given);
    if (stat.isDirectory()) walk(given, files);
    else files.push(given);
  }
  return files;
}

function walk(dir: string, into: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new UnreadableInputError(`cannot read folder ${dir}: ${(error as Error).message}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    // Symlinked folders are not followed: a link cycle would never end.
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && entry.name !== "node_modules") walk(full, into);
    } else if ((entry.isFile() || (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile())) && MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
      into.push(full);
    }
  }
}

function statOrThrow(file: string) {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnreadableInputError(code === "ENOENT" ? `cannot read ${file}: no such file or folder` : `cannot read ${file}: ${(error as Error).message}`);
  }
}

export function readInput(file: string): InputText {
  try {
    return { file, text: readFileSync(file, "utf8") };
  } catch (error) {
    throw new UnreadableInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
