import { readFileSync } from "node:fs";
import pc from "picocolors";

/** Where a command writes. Commands take this instead of touching process.* so tests can run them in-process. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colour when the stream is a terminal and NO_COLOR is unset (picocolors honours NO_COLOR and FORCE_COLOR). */
  readonly color: boolean;
  /** Reads standard input whole (for `-`). */
  readonly stdin: () => string;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    color: pc.isColorSupported,
    stdin: () => readFileSync(0, "utf8"),
  };
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage or input problem: the command prints it and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `cannot read ${path}: no such file` : `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The colour functions, or identity functions when colour is off. */
export function colors(io: Io) {
  return pc.createColors(io.color);
}
