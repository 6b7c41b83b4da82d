/**
 * Reading a stack config file for a command. The spec (zod) and the YAML parser load only when a
 * command runs, never at start-up, so `baton --help` stays fast.
 */
import type { Problem } from "../fleet/problems.js";
import type { FleetSpec } from "../fleet/types.js";
import type { StackConfig } from "../fleet/stack-config.js";
import type { Validation } from "../fleet/validate.js";
import { readTextFile, UsageError } from "./io.js";

/** The stack config's text parsed (YAML problems in `problems`). Unreadable files throw UsageError. */
export async function readStackConfig(path: string): Promise<StackConfig> {
  const { parseStackConfig } = await import("../fleet/stack-config.js");
  return parseStackConfig(readTextFile(path), path);
}

/** The raw `baton:fleet`, for commands that validate it themselves (plan, preview). Not YAML, or no fleet: UsageError. */
export async function readFleetInput(path: string): Promise<unknown> {
  return (await readProposedConfig(path)).fleet;
}

/** What a proposed stack config asks for: its raw `baton:fleet`, and its `baton:override` when set. */
export interface ProposedConfig {
  readonly fleet: unknown;
  readonly overrides?: unknown;
}

/** The raw `baton:fleet` and `baton:override` of a proposed config (plan, preview). Not YAML, or no fleet: UsageError. */
export async function readProposedConfig(path: string): Promise<ProposedConfig> {
  const config = await readStackConfig(path);
  if (config.problems.length > 0) throw new UsageError(`${path} is not valid YAML: ${config.problems.map((p) => p.message).join("; ")}`);
  if (config.fleet === undefined) {
    const { misspeltFleetKeyProblem } = await import("../fleet/stack-config.js");
    const typo = misspeltFleetKeyProblem(config);
    throw new UsageError(typo ? `${path}: ${typo.message} ${typo.fix}` : `${path} has no baton:fleet under config:; see stacks/Pulumi.migration.yaml for an example`);
  }
  return { fleet: config.fleet, ...(config.overrides !== undefined ? { overrides: config.overrides } : {}) };
}

/** Reads a stack config file and validates its `baton:fleet`; YAML problems come back as problems. */
export async function loadFleetFile(path: string, today?: string): Promise<Validation> {
  const config = await readStackConfig(path);
  if (config.problems.length > 0) return { ok: false, problems: config.problems };
  const { misspeltFleetKeyProblem } = await import("../fleet/stack-config.js");
  const typo = misspeltFleetKeyProblem(config);
  if (typo !== undefined) return { ok: false, problems: [typo] };
  const { validateFleet } = await import("../fleet/validate.js");
  const validation = validateFleet(config.fleet, today === undefined ? {} : { today });
  // A wave that is not a wave is the file's problem too, reported with the fleet's.
  if (config.waveProblems.length === 0) return validation;
  return { ok: false, ...(validation.fleet ? { fleet: validation.fleet } : {}), problems: [...config.waveProblems, ...validation.problems] };
}

/**
 * The problems of a stack config's `baton:override` on its own (malformed entries). Whether an entry
 * overrides anything depends on the deployed config, which `plan`, `preview` and `pulumi up` know.
 */
export async function readOverrideProblems(path: string): Promise<readonly Problem[]> {
  const config = await readStackConfig(path);
  if (config.problems.length > 0 || config.overrides === undefined) return [];
  const { readOverrides } = await import("../fleet/overrides.js");
  return readOverrides(config.overrides).problems;
}

/** A valid fleet and its region, for commands that act on one (status); anything else is a UsageError listing every problem. */
export async function loadValidFleet(path: string): Promise<{ fleet: FleetSpec; region?: string }> {
  const config = await readStackConfig(path);
  const validation = await loadFleetFile(path);
  if (!validation.ok) {
    const { formatProblem } = await import("../fleet/problems.js");
    throw new UsageError(`${path} is not a valid stack config:\n\n${validation.problems.map(formatProblem).join("\n\n")}`);
  }
  return { fleet: validation.fleet, ...(config.region !== undefined ? { region: config.region } : {}) };
}
