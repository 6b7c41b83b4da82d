/**
 * `pulumi up` for the stack a config file belongs to, through Pulumi's Automation API (which drives
 * the Pulumi CLI). The Automation API is imported only when an update runs.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import type { StackApplier } from "./rollout.js";

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
      const settings = parse(readFileSync(project, "utf8")) as { stackConfigDir?: unknown } | null;
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

/** Runs `pulumi up` on the stack, streaming its output; rejects when the update fails. */
export function automationApplier(location: StackLocation): StackApplier {
  return {
    async up(onOutput) {
      const { LocalWorkspace } = await import("@pulumi/pulumi/automation/index.js");
      const stack = await LocalWorkspace.selectStack({ stackName: location.stackName, workDir: location.workDir });
      // No refresh: the rollout verifies the applied weights itself, right after the update.
      const result = await stack.up({ onOutput: (out) => onOutput(out.trimEnd()), color: "never" });
      if (result.summary.result !== "succeeded") throw new Error(`pulumi up ended ${result.summary.result}`);
    },
  };
}
