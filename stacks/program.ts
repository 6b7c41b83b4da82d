/**
 * The fleet program: validate `baton:fleet` with every spec rule, then build the fleet. Shared by
 * the stack (`stacks/index.ts`, run by `pulumi up`) and the offline preview, which runs it
 * in-process under Pulumi's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenFleet, type FleetOutputs } from "../src/components/blue-green-fleet.js";
import type { FleetPart } from "../src/components/fleet-parts.js";
import type { FleetInput } from "../src/fleet/schema.js";
import { InputFileError, readInputFile } from "../src/fleet/input-file.js";
import { formatProblem, FleetSpecError, warningsOf, type Problem } from "../src/fleet/problems.js";
import { parseStackConfig } from "../src/fleet/stack-config.js";
import { validateFleet } from "../src/fleet/validate.js";
import { isoDate } from "../src/fleet/versions.js";

export interface FleetProgramOptions {
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
  /**
   * The fleet as deployed (raw `baton:fleet`), when known: problems it already has that this fleet
   * does not make worse are warnings, not errors. The offline preview passes its base config.
   */
  readonly deployed?: unknown;
  /** The last deployment's `addonVersions` output (see BlueGreenFleetArgs). */
  readonly previousAddonVersions?: pulumi.Input<unknown>;
  /** Reads it, once the fleet is valid (a bad config registers and reads nothing). */
  readonly readPreviousAddonVersions?: () => pulumi.Input<unknown>;
  /** The IAM principal `pulumi up` runs as, when the stack names it (see BlueGreenFleetArgs). */
  readonly deployerArn?: string;
  /** Problems of the stack config beside the fleet (its `baton:wave`): reported with the fleet's, before anything registers. */
  readonly stackProblems?: readonly Problem[];
}

/**
 * Runs the fleet program on the raw `baton:fleet` value. Throws FleetSpecError listing every
 * problem before any resource is registered; returns the stack outputs.
 */
export function runFleetProgram(fleetInput: unknown, options: FleetProgramOptions = {}): FleetOutputs {
  const today = options.today ?? isoDate(new Date());
  const deployed = options.deployed === undefined ? {} : { deployed: options.deployed };
  const validation = validateFleet(fleetInput, { today, ...deployed });
  const stackProblems = options.stackProblems ?? [];
  if (!validation.ok || stackProblems.length > 0) throw new FleetSpecError([...stackProblems, ...validation.problems]);
  // Warnings (a version in paid extended support) do not stop the program; they show in the preview.
  for (const warning of warningsOf(validation.problems)) void pulumi.log.warn(formatProblem(warning));
  const previousAddonVersions = options.previousAddonVersions ?? options.readPreviousAddonVersions?.();
  const fleet = new BlueGreenFleet(validation.fleet.name, {
    fleet: validation.fleet, today, ...(deployed as { deployed?: FleetInput }),
    ...(previousAddonVersions !== undefined ? { previousAddonVersions } : {}),
    ...(options.deployerArn !== undefined ? { deployerArn: options.deployerArn } : {}),
  });
  return fleet.outputs;
}

/** The variable that names the deployed stack config for `pulumi up` (see `deployedFleetFromEnv`). */
export const DEPLOYED_CONFIG_VARIABLE = "BATON_DEPLOYED_CONFIG";
const MAX_STACK_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * Under `pulumi up` the program sees only the config it is given. To apply the fix for a fleet that
 * has since broken a rule (its version left EKS support), name the deployed stack config in
 * BATON_DEPLOYED_CONFIG (e.g. the file from the base branch): problems it already has, and that
 * the new config does not make worse, are then warnings. Unset: the config is judged alone.
 */
export function deployedFleetFromEnv(env: NodeJS.ProcessEnv = process.env): { deployed?: unknown } {
  const file = env[DEPLOYED_CONFIG_VARIABLE];
  if (!file) return {};
  const problem = (message: string, fix: string) => new FleetSpecError([{ severity: "error", rule: "deployed-config", path: file, message, fix }], `${DEPLOYED_CONFIG_VARIABLE}=${file}`);
  let text: string;
  try {
    // Bounded, regular files only: a FIFO or a device must not hang or exhaust the program.
    text = readInputFile(file, { maxBytes: MAX_STACK_CONFIG_BYTES });
  } catch (error) {
    if (error instanceof InputFileError) throw problem(`Cannot read it: ${error.message}.`, `Point ${DEPLOYED_CONFIG_VARIABLE} at the deployed stack config, or unset it to judge the config alone.`);
    throw problem(`Cannot read it: ${(error as Error).message}.`, `Point ${DEPLOYED_CONFIG_VARIABLE} at the deployed stack config, or unset it to judge the config alone.`);
  }
  const config = parseStackConfig(text, file);
  if (config.problems.length > 0 || config.fleet === undefined) {
    throw problem("It is not a stack config with a baton:fleet key.", `Point ${DEPLOYED_CONFIG_VARIABLE} at the deployed Pulumi.<stack>.yaml.`);
  }
  return { deployed: config.fleet };
}

/** The URNs of what a part build owns and of the references to other parts it registered. */
export interface PartUrns {
  readonly owned: readonly pulumi.Output<string>[];
  readonly borrowed: readonly pulumi.Output<string>[];
}

/**
 * Builds one part of the fleet from its projection (`partProjection`), as the whole program would
 * build it; the offline preview captures the fleet this way, part by part. Warnings are left to the
 * whole program.
 */
export function runFleetPart(projection: unknown, part: FleetPart, options: FleetProgramOptions = {}): PartUrns {
  const today = options.today ?? isoDate(new Date());
  // The whole config was judged (against its base) before any part runs; a part builds what the whole
  // program builds, so a problem the projection already has is no reason to stop here. The component
  // validates the projection itself (against itself as deployed): validating it here too only doubled
  // a large part's cost.
  const fleet = new BlueGreenFleet((projection as { name: string }).name, { fleet: projection as FleetInput, today, part, deployed: projection as FleetInput });
  const scope = fleet.partScope!;
  return { owned: scope.owned.map((r) => r.urn), borrowed: scope.borrowed.map((r) => r.urn) };
}
