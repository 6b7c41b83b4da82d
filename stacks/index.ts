/**
 * The stack `pulumi up` runs (Pulumi.yaml: `main: stacks/index.ts`, loaded by tsx): the fleet under
 * `baton:fleet` in the stack's config. An invalid fleet stops the preview with the spec's problems
 * and no stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { FleetSpecError } from "../src/spec/problems.js";
import { useCachedVersionTable } from "../src/cli/version-cache.js";
import { deployedFleetFromEnv, runFleetProgram } from "./program.js";

function run() {
  // The EKS version table `baton versions --refresh` wrote, when there is one: judge as the CLI does.
  useCachedVersionTable((warning) => void pulumi.log.warn(warning));
  try {
    // getObject, not requireObject: a missing key gets the spec's message with its fix.
    // BATON_DEPLOYED_CONFIG, when set, names the deployed config the change is judged against.
    return runFleetProgram(new pulumi.Config("baton").getObject<unknown>("fleet"), deployedFleetFromEnv());
  } catch (error) {
    // RunError ends the program with its message alone, without Pulumi's stack trace.
    if (error instanceof FleetSpecError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

const outputs = run();
export const fleet = outputs.fleet;
export const clusters = outputs.clusters;
export const services = outputs.services;
