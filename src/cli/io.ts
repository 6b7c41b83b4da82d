import pc from "picocolors";
import { DEFAULT_INPUT_LIMITS, InputFileError, readInputFile, readInputStream, type InputLimits } from "../fleet/input-file.js";

/** Where a command writes. Commands take this instead of touching process.* so tests can run them in-process. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colour when the stream is a terminal and NO_COLOR is unset (picocolors honours NO_COLOR and FORCE_COLOR). */
  readonly color: boolean;
  /** Reads standard input whole (for `-`). */
  readonly stdin: () => string;
  /** Standard output when it is a terminal: a view redrawn in place goes there. Absent on a pipe or file. */
  readonly stdoutTerminal?: NodeJS.WriteStream;
  /** Standard error when it is a terminal and `CI` is unset: progress redrawn in place goes there. */
  readonly stderrTerminal?: NodeJS.WriteStream;
  /** Calls `handler` on Ctrl-C (SIGINT) instead of the default exit; returns a function that stops listening. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    color: pc.isColorSupported,
    stdin: () => {
      try {
        return readInputStream(0, "standard input", inputLimits());
      } catch (error) {
        if (error instanceof InputFileError) throw new UsageError(error.message);
        throw error;
      }
    },
    ...(process.stdout.isTTY ? { stdoutTerminal: process.stdout } : {}),
    ...(process.stderr.isTTY && !process.env["CI"] ? { stderrTerminal: process.stderr } : {}),
    onInterrupt: (handler) => {
      process.once("SIGINT", handler);
      return () => process.removeListener("SIGINT", handler);
    },
  };
}

/** Exit codes shared by every command: 3 is a file baton could not write (a full disk, an I/O error), which no change to the command line fixes. */
export const EXIT = { ok: 0, failed: 1, usage: 2, io: 3 } as const;

/** A usage or input problem: the command prints it and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

let limits: InputLimits = DEFAULT_INPUT_LIMITS;

/** The bounds on every file a command reads; `--max-input-size` sets them before a command runs. */
export const inputLimits = (): InputLimits => limits;
export function setInputLimits(next: InputLimits): void {
  limits = next;
}

/** A file's text within the input limits; a file that cannot be read that way is a UsageError naming it. */
export function readTextFile(path: string): string {
  try {
    return readInputFile(path, limits);
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** The colour functions, or identity functions when colour is off. */
export function colors(io: Io) {
  return pc.createColors(io.color);
}
