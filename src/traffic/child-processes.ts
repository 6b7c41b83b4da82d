/**
 * Child processes (the Pulumi CLI) that cannot outlive or outlast baton. Each runs in a process
 * group of its own (`detached`), so a Ctrl-C or a SIGTERM sent to baton's group does not reach it
 * mid-update: baton decides when to stop a child, and then stops its whole group (the CLI and the
 * plugins it started) up a ladder, SIGINT (Pulumi's own graceful cancel) → SIGTERM → SIGKILL,
 * one rung per grace period or per further request, until the group is gone:
 * - a timeout per command starts the ladder;
 * - a stop request (a signal to baton, `stop()`) starts it at once for commands that only read
 *   (preview, stack export); a running update is left to finish until the second request;
 * - each request after that climbs one rung at once for every child.
 * When a child exits, whatever is left of its group is killed, so nothing is orphaned.
 */
import { spawn } from "node:child_process";

/** What one command may take. */
export interface ChildLimits {
  /** Wall time one command may run before the ladder starts. @default 30 min */
  readonly timeoutMs: number;
  /** Time between two rungs of the ladder when the child has not exited. @default 10 s */
  readonly graceMs: number;
}

export const DEFAULT_CHILD_LIMITS: ChildLimits = { timeoutMs: 30 * 60_000, graceMs: 10_000 };

/** `read` changes nothing (preview, stack export); `update` changes the stack (up). */
export type ChildRole = "read" | "update";

const LADDER: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGKILL"];

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The last 4000 characters of standard error. */
  readonly stderrTail: string;
  /** Set when baton stopped the child: why, and the signals it sent to the group, in order. */
  readonly stopped?: { readonly why: "timeout" | "stop" | "output"; readonly signals: readonly NodeJS.Signals[] };
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly role: ChildRole;
  /** Each line of standard output and error, as it comes. */
  readonly onLine?: (line: string) => void;
  /** Most standard output kept; past it the child is stopped. */
  readonly maxOutputBytes: number;
  /** Aborted: stop this child now (at least SIGINT), as a stop request would an update. */
  readonly abort?: AbortSignal;
}

interface Running {
  readonly pid: number;
  readonly role: ChildRole;
  rung: number;
  why?: "timeout" | "stop" | "output";
  timer?: NodeJS.Timeout;
}

export class ChildProcesses {
  private readonly running = new Set<Running>();
  private requests = 0;

  constructor(readonly limits: ChildLimits = DEFAULT_CHILD_LIMITS) {}

  /** Stop requests so far (signals to baton). */
  get stopRequests(): number {
    return this.requests;
  }

  /**
   * A stop request: the first stops running readers; the second stops updates too; each later one
   * climbs every child one rung at once. Returns the signal the last rung sent, if any child runs.
   */
  stop(): NodeJS.Signals | undefined {
    this.requests += 1;
    let sent: NodeJS.Signals | undefined;
    for (const child of this.running) {
      if (this.requests === 1 && child.role === "update") continue;
      sent = this.requests <= 2 ? this.atLeast(child, 1, "stop") : this.climb(child, "stop");
    }
    return sent;
  }

  /** Runs `command` in its own process group; resolves once it has exited and its group is gone. */
  run(command: string, args: readonly string[], options: RunOptions): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env });
      if (child.pid === undefined) {
        child.once("error", (error) => reject(error));
        return;
      }
      const entry: Running = { pid: child.pid, role: options.role, rung: 0 };
      this.running.add(entry);
      const timeout = setTimeout(() => this.atLeast(entry, 1, "timeout"), this.limits.timeoutMs);
      const onAbort = () => this.atLeast(entry, 1, "stop");
      options.abort?.addEventListener("abort", onAbort, { once: true });
      if (options.abort?.aborted) onAbort();

      const out: Buffer[] = [];
      let outBytes = 0;
      let stderrTail = "";
      let pending = "";
      child.stdout.on("data", (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > options.maxOutputBytes) {
          this.atLeast(entry, 1, "output");
          return;
        }
        out.push(chunk);
        if (options.onLine) {
          pending += chunk.toString("utf8");
          const lines = pending.split("\n");
          pending = lines.pop() ?? "";
          for (const line of lines) options.onLine(line.trimEnd());
        }
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4000);
        if (options.onLine) for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") options.onLine(line.trimEnd());
      });

      let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const finish = () => {
        clearTimeout(timeout);
        clearTimeout(entry.timer);
        options.abort?.removeEventListener("abort", onAbort);
        this.running.delete(entry);
      };
      child.on("error", (error) => {
        finish();
        reject(error);
      });
      child.on("exit", (code, signal) => {
        exited = { code, signal };
        finish();
        // Plugins and anything else the command started in its group go with it.
        signalGroup(entry.pid, "SIGKILL");
        // A process that left the group may still hold the pipes: stop waiting for them soon.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, 2000).unref();
      });
      child.on("close", () => {
        const { code, signal } = exited ?? { code: null, signal: null };
        if (options.onLine && pending.trim() !== "") options.onLine(pending.trimEnd());
        resolve({
          code, signal, stdout: Buffer.concat(out).toString("utf8"), stderrTail,
          ...(entry.why !== undefined ? { stopped: { why: entry.why, signals: LADDER.slice(0, entry.rung) } } : {}),
        });
      });
    });
  }

  /** Takes the child to `rung` if it is below (and on up the ladder by itself). */
  private atLeast(child: Running, rung: number, why: NonNullable<Running["why"]>): NodeJS.Signals | undefined {
    if (child.rung >= rung) return LADDER[child.rung - 1];
    return this.climb(child, why);
  }

  /** One rung up: the next signal to the child's group, and the next rung after the grace period. */
  private climb(child: Running, why: NonNullable<Running["why"]>): NodeJS.Signals | undefined {
    if (!this.running.has(child) || child.rung >= LADDER.length) return undefined;
    child.why ??= why;
    child.rung += 1;
    const signal = LADDER[child.rung - 1]!;
    clearTimeout(child.timer);
    signalGroup(child.pid, signal);
    if (child.rung < LADDER.length) child.timer = setTimeout(() => this.climb(child, why), this.limits.graceMs);
    return signal;
  }
}

/** Sends `signal` to the process group `pid` leads; a group already gone is fine. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}
