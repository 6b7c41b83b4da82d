import { renameSync, writeFileSync } from "node:fs";

/**
 * Replaces a file's content atomically (write a sibling, then rename), so a crash or Ctrl-C mid-write
 * leaves either the old or the new weights in the stack file, never half of each.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.baton-${process.pid}.tmp`;
  writeFileSync(temporary, text, "utf8");
  renameSync(temporary, path);
}
