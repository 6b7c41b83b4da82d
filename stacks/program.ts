/**
 * The fleet program: validate `baton:fleet` with every spec rule, then build the fleet. Shared by
 * the stack (`stacks/index.ts`, run by `pulumi up`) and the offline preview, which runs it
 * in-process under Pulumi's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenFleet, type FleetOutputs } from "../src/components/blue-green-fleet.js";
import type { FleetInput } from "../src/spec/schema.js";
import { formatProblem, FleetSpecError, warningsOf } from "../src/spec/problems.js";
import { validateFleet } from "../src/spec/validate.js";
import { isoDate } from "../src/spec/versions.js";

export interface FleetProgramOptions {
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
  /**
   * The fleet as deployed (raw `baton:fleet`), when known: problems it already has that this fleet
   * does not make worse are warnings, not errors. The offline preview passes its base config.
   */
  readonly deployed?: unknown;
}

/**
 * Runs the fleet program on the raw `baton:fleet` value. Throws FleetSpecError listing every
 * problem before any resource is registered; returns the stack outputs.
 */
export function runFleetProgram(fleetInput: unknown, options: FleetProgramOptions = {}): FleetOutputs {
  const today = options.today ?? isoDate(new Date());
  const deployed = options.deployed === undefined ? {} : { deployed: options.deployed };
  const validation = validateFleet(fleetInput, { today, ...deployed });
  if (!validation.ok) throw new FleetSpecError(validation.problems);
  // Warnings (a version in paid extended support) do not stop the program; they show in the preview.
  for (const warning of warningsOf(validation.problems)) void pulumi.log.warn(formatProblem(warning));
  const fleet = new BlueGreenFleet(validation.fleet.name, { fleet: validation.fleet, today, ...(deployed as { deployed?: FleetInput }) });
  return fleet.outputs;
}
