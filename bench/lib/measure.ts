/**
 * Runs one benchmark as its own process, so each figure's peak memory is that process's alone.
 * GNU time (`/usr/bin/time -v`) reports the peak RSS and CPU time the kernel counted; without it,
 * the child's own `process.resourceUsage()` report is used, and CLI runs have no memory figure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { RESULT_PREFIX } from "./child.js";

export interface Sample {
  /** Wall time of the whole process, start to exit. */
  readonly processMs: number;
  /** User + system CPU time; undefined without GNU time. */
  readonly cpuMs?: number;
  /** Peak resident set size in KiB; undefined when neither GNU time nor the child reported it. */
  readonly maxRssKiB?: number;
  readonly exitCode: number;
  /** The child's BENCH-RESULT line, when it printed one. */
  readonly result?: Record<string, unknown>;
  readonly stdout: string;
  readonly stderr: string;
}

const GNU_TIME = "/usr/bin/time";

/** Whether GNU time with -v and -o works here (busybox and BSD time lack them). */
export const hasGnuTime: boolean = (() => {
  if (!existsSync(GNU_TIME)) return false;
  const probe = spawnSync(GNU_TIME, ["-v", "-o", "/dev/null", process.execPath, "-e", ""], { encoding: "utf8" });
  return probe.status === 0;
})();

function field(report: string, label: string): number | undefined {
  const line = report.split("\n").find((l) => l.trim().startsWith(label));
  const value = line === undefined ? NaN : Number(line.slice(line.lastIndexOf(":") + 1).trim());
  return Number.isFinite(value) ? value : undefined;
}

export interface RunOptions {
  readonly cwd: string;
  /** Exit codes that count as success. @default [0] */
  readonly okExitCodes?: readonly number[];
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `node <args>` once and measures it. Throws when it fails, with its output. */
export function runNode(args: readonly string[], options: RunOptions): Sample {
  const scratch = mkdtempSync(path.join(tmpdir(), "baton-bench-time-"));
  const timeFile = path.join(scratch, "time.txt");
  const [command, argv] = hasGnuTime ? [GNU_TIME, ["-v", "-o", timeFile, process.execPath, ...args]] : [process.execPath, [...args]];
  try {
    const start = performance.now();
    const child = spawnSync(command, argv, {
      cwd: options.cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
    });
    const processMs = performance.now() - start;
    const exitCode = child.status ?? -1;
    if (!(options.okExitCodes ?? [0]).includes(exitCode)) {
      throw new Error(`node ${args.join(" ")} exited with ${exitCode}:\n${child.stdout}\n${child.stderr}`.slice(0, 4000));
    }
    const resultLine = child.stdout.split("\n").reverse().find((l) => l.startsWith(RESULT_PREFIX));
    const result = resultLine === undefined ? undefined : (JSON.parse(resultLine.slice(RESULT_PREFIX.length)) as Record<string, unknown>);
    const timeReport = hasGnuTime ? readFileSync(timeFile, "utf8") : "";
    const user = field(timeReport, "User time (seconds)");
    const system = field(timeReport, "System time (seconds)");
    const rss = field(timeReport, "Maximum resident set size (kbytes)") ?? (typeof result?.["selfMaxRssKiB"] === "number" ? result["selfMaxRssKiB"] : undefined);
    return {
      processMs, exitCode, stdout: child.stdout, stderr: child.stderr,
      ...(user !== undefined && system !== undefined ? { cpuMs: (user + system) * 1000 } : {}),
      ...(rss !== undefined ? { maxRssKiB: rss } : {}),
      ...(result ? { result } : {}),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A number the child reported; throws when it is missing, so a changed child cannot pass silently. */
export function reported(sample: Sample, key: string): number {
  const value = sample.result?.[key];
  if (typeof value !== "number") throw new Error(`the benchmark did not report ${key}: ${JSON.stringify(sample.result)}`);
  return value;
}
