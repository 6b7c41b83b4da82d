import type { Io } from "../../src/cli/io.js";

/** An Io that records what a command prints, for running the CLI in-process. */
export function captureIo(stdin = ""): Io & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    color: false,
    stdin: () => stdin,
    stdout: () => out.join("\n"),
    stderr: () => err.join("\n"),
  };
}
