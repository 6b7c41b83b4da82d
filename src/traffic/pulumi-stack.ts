/**
 * The Pulumi stack a config file belongs to, and the rollout's updates of it through the Pulumi CLI.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { readInputFile } from "../fleet/input-file.js";
import type { FleetSpec } from "../fleet/types.js";
import { parseYaml, yamlToJs } from "../fleet/yaml.js";
import { ChildProcesses, type ChildResult, type ChildRole } from "./child-processes.js";
import type { StackApplier } from "./rollout.js";
import { otherChangesIn, serviceState } from "./stack-state.js";

export interface StackLocation {
  /** The Pulumi project root: the directory holding Pulumi.yaml. */
  readonly workDir: string;
  /** From the file name `Pulumi.<stack>.yaml`. */
  readonly stackName: string;
}

/** A stack file baton cannot tie to a Pulumi stack; the message says why and what to do. */
export class StackLocationError extends Error {
  override name = "StackLocationError";
}

/**
 * Finds the project and stack of a stack config file, and checks that Pulumi reads this very file
 * for that stack (the project's `stackConfigDir`), so the weights written are the weights applied.
 */
export function locateStack(stackFile: string): StackLocation {
  const file = path.resolve(stackFile);
  const match = /^Pulumi\.(.+)\.yaml$/.exec(path.basename(file));
  if (!match) throw new StackLocationError(`${stackFile}: a stack config file is named Pulumi.<stack>.yaml`);
  const stackName = match[1]!;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const project = path.join(dir, "Pulumi.yaml");
    if (existsSync(project)) {
      const plain = yamlToJs(parseYaml(readInputFile(project)).doc);
      const settings = ("value" in plain ? plain.value : null) as { stackConfigDir?: unknown } | null;
      const configDir = typeof settings?.stackConfigDir === "string" ? settings.stackConfigDir : ".";
      const expected = path.resolve(dir, configDir, `Pulumi.${stackName}.yaml`);
      if (expected !== file) {
        throw new StackLocationError(`${stackFile}: Pulumi reads stack ${stackName}'s config from ${path.relative(process.cwd(), expected)} (stackConfigDir in ${project}), not this file`);
      }
      return { workDir: dir, stackName };
    }
    if (path.dirname(dir) === dir) throw new StackLocationError(`${stackFile}: no Pulumi.yaml in its directory or any above it`);
  }
}

export interface PulumiCliOptions {
  /** The Pulumi CLI to run. @default "pulumi" on PATH */
  readonly command?: string;
  /** Most output kept from one command (the preview and export JSON). @default 256 MiB */
  readonly maxOutputBytes?: number;
  /**
   * Runs each command in a process group of its own, bounded in time, and stops it on request
   * (child-processes.ts); share one with the signal handler that asks it to stop.
   * @default a ChildProcesses with the default limits (30 min a command, 10 s a rung)
   */
  readonly processes?: ChildProcesses;
}

const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Runs one Pulumi CLI command (see child-processes.ts for how it is bounded and stopped). */
async function runPulumi(args: readonly string[], cwd: string, options: PulumiCliOptions, processes: ChildProcesses, role: ChildRole, onLine?: (line: string) => void, abort?: AbortSignal): Promise<ChildResult> {
  const command = options.command ?? "pulumi";
  try {
    return await processes.run(command, [...args, "--non-interactive"], {
      cwd, role, env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      ...(onLine ? { onLine } : {}), ...(abort ? { abort } : {}),
    });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === "ENOENT" ? new Error(`the Pulumi CLI (${command}) is not installed or not on PATH`) : error;
  }
}

const STOPPED_WHY = { timeout: "did not finish within", stop: "was stopped on request", output: "wrote more than" } as const;

function failure(what: string, result: ChildResult, options: PulumiCliOptions, processes: ChildProcesses): Error {
  const tail = result.stderrTail.trim() ? `: ${result.stderrTail.trim().split("\n").slice(-3).join(" / ")}` : "";
  const stopped = result.stopped;
  if (stopped !== undefined) {
    const bound = stopped.why === "timeout" ? ` ${formatMs(processes.limits.timeoutMs)}` : stopped.why === "output" ? ` ${options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES} bytes` : "";
    return new Error(`pulumi ${what} ${STOPPED_WHY[stopped.why]}${bound}; baton sent ${stopped.signals.join(", then ")} to its process group${tail}`);
  }
  return new Error(`pulumi ${what} ${result.signal ? `was stopped by ${result.signal}` : `exited ${result.code}`}${tail}`);
}

/** `1800000` → `30m`, `90000` → `1m30s`. */
function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = Math.round((ms % 60_000) / 1000);
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${sec || (!h && !m) ? `${sec}s` : ""}`;
}

function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`pulumi ${what} did not print JSON`);
  }
}

/**
 * The rollout's view of the stack through the Pulumi CLI: a preview before each step (anything
 * besides the service's weight resources refuses the step), `pulumi up --target` on those
 * resources only, and the weights the stack's state records (`pulumi stack export`).
 */
export function pulumiCliApplier(location: StackLocation, fleet: FleetSpec, service: string, options: PulumiCliOptions = {}): StackApplier {
  const stackArgs = ["--stack", location.stackName];
  const processes = options.processes ?? new ChildProcesses();
  async function state() {
    const result = await runPulumi(["stack", "export", ...stackArgs], location.workDir, options, processes, "read");
    if (result.code !== 0 || result.stopped) throw failure("stack export", result, options, processes);
    return serviceState(parseJson("stack export", result.stdout), fleet, service);
  }
  return {
    async otherChanges() {
      const { urns } = await state();
      const result = await runPulumi(["preview", "--json", ...stackArgs], location.workDir, options, processes, "read");
      if (result.code !== 0 || result.stopped) throw failure("preview", result, options, processes);
      return otherChangesIn(parseJson("preview --json", result.stdout), urns);
    },
    async up(onOutput, cancel) {
      if (cancel?.aborted) throw new Error("not started: updates were cancelled by a second signal");
      const { urns } = await state();
      const targets = urns.flatMap((urn) => ["--target", urn]);
      // --skip-preview: the preview just ran (otherChanges); the update touches only the targets anyway.
      const result = await runPulumi(["up", "--yes", "--skip-preview", "--color", "never", ...targets, ...stackArgs], location.workDir, options, processes, "update", onOutput, cancel);
      if (result.code !== 0 || result.stopped) throw failure("up", result, options, processes);
    },
    async stackWeights() {
      return (await state()).weights;
    },
  };
}

/** The whole stack through the Pulumi CLI, for a plan's run: its preview as JSON, and `pulumi up` of everything. */
export interface StackCli {
  /** `pulumi preview --json`; aborting `abort` stops it at once (it changes nothing). */
  preview(abort?: AbortSignal): Promise<unknown>;
  /** `pulumi up` of the whole stack; aborting `cancel` cancels a running update. */
  up(onLine: (line: string) => void, cancel?: AbortSignal): Promise<void>;
}

/**
 * A plan's run of the whole stack: each step's file is previewed (and judged by the run) and then
 * applied whole; the program judges it against the stack's last deployment, as under any `pulumi up`.
 */
export function pulumiCliStack(location: StackLocation, options: PulumiCliOptions = {}): StackCli {
  const stackArgs = ["--stack", location.stackName];
  const processes = options.processes ?? new ChildProcesses();
  return {
    async preview(abort) {
      const result = await runPulumi(["preview", "--json", ...stackArgs], location.workDir, options, processes, "read", undefined, abort);
      if (result.code !== 0 || result.stopped) throw failure("preview", result, options, processes);
      return parseJson("preview --json", result.stdout);
    },
    async up(onLine, cancel) {
      if (cancel?.aborted) throw new Error("not started: updates were cancelled by a second signal");
      // --skip-preview: the step's preview just ran and was judged; the update is the whole stack.
      const result = await runPulumi(["up", "--yes", "--skip-preview", "--color", "never", ...stackArgs], location.workDir, options, processes, "update", onLine, cancel);
      if (result.code !== 0 || result.stopped) throw failure("up", result, options, processes);
    },
  };
}
