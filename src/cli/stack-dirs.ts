/**
 * Folders of stack files for `plan`, `preview` and `comment`: every `Pulumi.<stack>.yaml` in a
 * folder, read within the input limits, and the stacks of two folders paired by name. Every
 * problem of every file is reported at once, before anything is captured.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { StackConfig } from "../fleet/stack-config.js";
import type { StackPair } from "../fleet/stack-set.js";
import { UsageError } from "./io.js";
import { readStackConfig } from "./load-fleet.js";

/** The most stack files one folder may hold: each is read, validated and captured. */
export const MAX_STACK_FILES = 1000;

export interface StackFile {
  readonly name: string;
  readonly file: string;
  readonly config: StackConfig;
}

/** True when `p` is a folder (a missing path is not). */
export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The stack file names in a folder, by stack name (no reading). */
export async function stackFileNames(dir: string): Promise<Map<string, string>> {
  const { stackNameOf } = await import("../fleet/stack-set.js");
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (error) {
    throw new UsageError(`cannot list ${dir}: ${(error as Error).message}`);
  }
  const files = new Map<string, string>();
  for (const entry of entries) {
    const name = stackNameOf(entry);
    if (name !== undefined) files.set(name, path.join(dir, entry));
  }
  if (files.size > MAX_STACK_FILES) throw new UsageError(`${dir} holds ${files.size} stack files; baton reviews at most ${MAX_STACK_FILES} at once: split the folder`);
  return files;
}

/** Every stack file in `dir` read and parsed; a file that cannot be read, is not YAML or has no `baton:fleet` is named, all at once. */
export async function readStackDir(dir: string): Promise<Map<string, StackFile>> {
  const names = await stackFileNames(dir);
  const stacks = new Map<string, StackFile>();
  const problems: string[] = [];
  for (const [name, file] of names) {
    let config: StackConfig;
    try {
      config = await readStackConfig(file);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
      continue;
    }
    if (config.problems.length > 0) problems.push(`${file} is not valid YAML: ${config.problems.map((p) => p.message).join("; ")}`);
    else if (config.fleet === undefined) problems.push(`${file} has no baton:fleet under config:`);
    else stacks.set(name, { name, file, config });
  }
  if (problems.length > 0) throw new UsageError(`${problems.length} stack file(s) cannot be reviewed:\n  ${problems.join("\n  ")}`);
  return stacks;
}

/**
 * The stacks of a head folder paired with a base folder's by name. Both must be folders (a folder
 * is compared with a folder); without a base every stack is added. A head folder with no stack
 * file is a usage error, so a typo in the path is not read as "every stack removed".
 */
export async function readStackDirs(headDir: string, baseDir: string | undefined): Promise<StackPair<StackFile>[]> {
  if (baseDir !== undefined && !isDirectory(baseDir)) throw new UsageError(`${headDir} is a folder of stacks, so the base must be one too; ${baseDir} is not a folder`);
  const { pairStacks } = await import("../fleet/stack-set.js");
  const [head, base] = await Promise.all([readStackDir(headDir), baseDir === undefined ? new Map<string, StackFile>() : readStackDir(baseDir)]);
  if (head.size === 0 && base.size === 0) throw new UsageError(`no stack files (Pulumi.<stack>.yaml) in ${headDir}${baseDir !== undefined ? ` or ${baseDir}` : ""}`);
  if (head.size === 0) throw new UsageError(`no stack files (Pulumi.<stack>.yaml) in ${headDir}; to remove every stack, remove them one change at a time`);
  return pairStacks(base, head);
}

/** The wave a pair is upgraded in: the head's, or a removed stack's last one. */
export const waveOf = (pair: StackPair<StackFile>): number | undefined => (pair.head ?? pair.base)!.config.wave;

/** `` `stacks/` against `base/` `` for the summary line. */
export const setSubject = (headDir: string, baseDir: string | undefined) =>
  `\`${headDir}\`${baseDir !== undefined ? ` against \`${baseDir}\`` : " (no base: every stack is new)"}`;
