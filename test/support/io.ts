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

/**
 * A captured Io that sends `signal` to this process once, shortly after a line it prints matches
 * `when`: how a test cancels a running command at a known point, as CI cancelling a job would.
 */
export function cancellingIo(when: (line: string) => boolean, signal: NodeJS.Signals = "SIGTERM"): ReturnType<typeof captureIo> & { sent: () => boolean } {
  const io = captureIo();
  let sent = false;
  return {
    ...io,
    out: (text) => {
      io.out(text);
      if (!sent && when(text)) {
        sent = true;
        setTimeout(() => process.emit(signal, signal), 50);
      }
    },
    sent: () => sent,
  };
}
