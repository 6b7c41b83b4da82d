/**
 * The stack `pulumi up` runs (Pulumi.yaml: `main: stacks/index.ts`, loaded by tsx): the fleet under
 * `baton:fleet` in the stack's config, judged as a change from what the stack's last deployment
 * applied. An invalid fleet, or a change the rules refuse, stops the preview with the spec's
 * problems and no stack trace, before any resource is registered.
 *
 * The module exports one async function (`export =`): Pulumi's Node.js runtime calls it, awaits
 * it, and exports what it returns as the stack's outputs. That lets the program read the last
 * deployment's record before it registers anything, which a CommonJS module cannot do at its
 * top level.
 */
import * as pulumi from "@pulumi/pulumi";
import { ADDON_VERSIONS_OUTPUT } from "../src/fleet/addon-versions.js";
import { FleetSpecError } from "../src/fleet/problems.js";
import { checkWave } from "../src/fleet/waves.js";
import { useCachedVersionTable } from "../src/cli/version-cache.js";
import { readLastDeployment } from "./last-deployment.js";
import { runFleetProgram, type FleetProgramOutputs } from "./program.js";

/**
 * The role the AWS provider assumes when the stack names one (`aws:assumeRoles` or `aws:assumeRole`):
 * the identity that creates the clusters. With ambient credentials it is not known here.
 */
function deployer(): { deployerArn?: string } {
  const aws = new pulumi.Config("aws");
  const roles = aws.getObject<Array<{ roleArn?: string }>>("assumeRoles") ?? [];
  const single = aws.getObject<{ roleArn?: string }>("assumeRole");
  // With a chain of roles, the provider acts as the last one.
  const roleArn = roles.length > 0 ? roles[roles.length - 1]?.roleArn : single?.roleArn;
  return typeof roleArn === "string" ? { deployerArn: roleArn } : {};
}

async function main(): Promise<FleetProgramOutputs> {
  // The EKS version table `baton versions --refresh` wrote, when there is one: judge as the CLI does.
  useCachedVersionTable((warning) => void pulumi.log.warn(warning));
  const config = new pulumi.Config("baton");
  // `baton:wave` orders the fleet's stacks; a value `baton plan` refuses stops `pulumi up` too.
  const wave = checkWave(config.get("wave"));
  try {
    // First, and awaited: the last deployment's record, read through this stack's own reference
    // (a read, not a registration). Nothing is registered until the change is judged against it.
    const last = await readLastDeployment();
    // getObject, not requireObject: a missing key gets the spec's message with its fix.
    return runFleetProgram(config.getObject<unknown>("fleet"), {
      lastDeployment: last.deployment,
      ...(config.getObject<unknown>("override") !== undefined ? { overrides: config.getObject<unknown>("override") } : {}),
      // The add-on versions this stack last deployed: unpinned add-ons keep them until their cluster's version moves.
      previousAddonVersions: last.reference.getOutput(ADDON_VERSIONS_OUTPUT),
      ...deployer(),
      stackProblems: wave.problems,
    });
  } catch (error) {
    // RunError ends the program with its message alone, without Pulumi's stack trace.
    throw withoutDependencyFrames(error instanceof FleetSpecError ? new pulumi.RunError(error.message) : error);
  }
}

/**
 * The error with the stack frames inside node_modules (Pulumi's own machinery) left out. Pulumi's
 * runtime formats every uncaught error with `util.inspect(error, { colors: true })`, and on Node.js
 * versions without nodejs/node#64022 that call never returns for a frame such as
 * `node_modules/@pulumi/resource.ts:1598:22` (the SDK's source-mapped frames; nodejs/node#64011):
 * the program would hang instead of failing. The program's own frames stay; a RunError's stack is
 * never shown anyway.
 */
function withoutDependencyFrames(error: unknown): unknown {
  if (!(error instanceof Error) || typeof error.stack !== "string") return error;
  error.stack = error.stack.split("\n").filter((line) => !/^\s+at .*node_modules/.test(line)).join("\n");
  return error;
}

// The stack outputs are what `main` returns: fleet, clusters, services, addonVersions (read back by
// the next run as ADDON_VERSIONS_OUTPUT) and deploymentRecord (DEPLOYMENT_RECORD_OUTPUT).
export = main;
