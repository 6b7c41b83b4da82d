/**
 * The Pulumi stack a config file belongs to, and the rollout's updates of it through the Pulumi CLI.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { readInputFile } from "../fleet/input-file.js";
import type { FleetSpec } from "../fleet/schema.js";
import { parseYaml, yamlToJs } from "../fleet/yaml.js";
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
  /** Variables set for the Pulumi CLI and the program it runs, beside baton's own environment. */
  readonly env?: Readonly<Record<string, string>>;
}

interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderrTail: string;
}

/**
 * Runs the Pulumi CLI in its own process group (`detached`), so a Ctrl-C or a SIGTERM sent to
 * baton's group does not reach it mid-update: baton decides when to stop, and cancels an update
 * only deliberately (`cancel`: SIGINT to the child's group, Pulumi's own graceful cancel).
 */
function runPulumi(args: readonly string[], cwd: string, options: PulumiCliOptions, onLine?: (line: string) => void, cancel?: AbortSignal): Promise<CommandResult> {
  const maxOutputBytes = options.maxOutputBytes ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(options.command ?? "pulumi", [...args, "--non-interactive"], {
      cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderrTail = "";
    let pending = "";
    let overflow = false;
    const onCancel = () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGINT");
        } catch {
          // Already gone.
        }
      }
    };
    cancel?.addEventListener("abort", onCancel, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutputBytes) {
        if (!overflow) onCancel();
        overflow = true;
        return;
      }
      out.push(chunk);
      if (onLine) {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) onLine(line.trimEnd());
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4000);
      if (onLine) for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") onLine(line.trimEnd());
    });
    child.on("error", (error) => {
      cancel?.removeEventListener("abort", onCancel);
      reject((error as NodeJS.ErrnoException).code === "ENOENT"
        ? new Error(`the Pulumi CLI (${options.command ?? "pulumi"}) is not installed or not on PATH`)
        : error);
    });
    child.on("close", (code, signal) => {
      cancel?.removeEventListener("abort", onCancel);
      if (onLine && pending.trim() !== "") onLine(pending.trimEnd());
      if (overflow) return reject(new Error(`pulumi ${args[0]} wrote more than ${maxOutputBytes} bytes; stopped reading it`));
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderrTail });
    });
  });
}

const failure = (what: string, result: CommandResult) =>
  new Error(`pulumi ${what} ${result.signal ? `was stopped by ${result.signal}` : `exited ${result.code}`}${result.stderrTail.trim() ? `: ${result.stderrTail.trim().split("\n").slice(-3).join(" / ")}` : ""}`);

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
  async function state() {
    const result = await runPulumi(["stack", "export", ...stackArgs], location.workDir, options);
    if (result.code !== 0) throw failure("stack export", result);
    return serviceState(parseJson("stack export", result.stdout), fleet, service);
  }
  return {
    async otherChanges() {
      const { urns } = await state();
      const result = await runPulumi(["preview", "--json", ...stackArgs], location.workDir, options);
      if (result.code !== 0) throw failure("preview", result);
      return otherChangesIn(parseJson("preview --json", result.stdout), urns);
    },
    async up(onOutput, cancel) {
      if (cancel?.aborted) throw new Error("not started: updates were cancelled by a second signal");
      const { urns } = await state();
      const targets = urns.flatMap((urn) => ["--target", urn]);
      // --skip-preview: the preview just ran (otherChanges); the update touches only the targets anyway.
      const result = await runPulumi(["up", "--yes", "--skip-preview", "--color", "never", ...targets, ...stackArgs], location.workDir, options, onOutput, cancel);
      if (result.code !== 0) throw failure("up", result);
    },
    async stackWeights() {
      return (await state()).weights;
    },
  };
}

/** The whole stack through the Pulumi CLI, for a plan's run: its preview as JSON, and `pulumi up` of everything. */
export interface StackCli {
  preview(env?: Readonly<Record<string, string>>): Promise<unknown>;
  up(onLine: (line: string) => void, cancel?: AbortSignal, env?: Readonly<Record<string, string>>): Promise<void>;
}

export function pulumiCliStack(location: StackLocation, options: PulumiCliOptions = {}): StackCli {
  const stackArgs = ["--stack", location.stackName];
  const withEnv = (env?: Readonly<Record<string, string>>) => ({ ...options, env: { ...options.env, ...env } });
  return {
    async preview(env) {
      const result = await runPulumi(["preview", "--json", ...stackArgs], location.workDir, withEnv(env));
      if (result.code !== 0) throw failure("preview", result);
      return parseJson("preview --json", result.stdout);
    },
    async up(onLine, cancel, env) {
      if (cancel?.aborted) throw new Error("not started: updates were cancelled by a second signal");
      // --skip-preview: the step's preview just ran and was judged; the update is the whole stack.
      const result = await runPulumi(["up", "--yes", "--skip-preview", "--color", "never", ...stackArgs], location.workDir, withEnv(env), onLine, cancel);
      if (result.code !== 0) throw failure("up", result);
    },
  };
}
