/**
 * The stack `pulumi up` runs (Pulumi.yaml: `main: stacks/index.ts`, loaded by tsx): the fleet under
 * `baton:fleet` in the stack's config. An invalid fleet stops the preview with the spec's problems
 * and no stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { ADDON_VERSIONS_OUTPUT } from "../src/fleet/addon-versions.js";
import { FleetSpecError } from "../src/fleet/problems.js";
import { checkWave } from "../src/fleet/waves.js";
import { useCachedVersionTable } from "../src/cli/version-cache.js";
import { deployedFleetFromEnv, runFleetProgram } from "./program.js";

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

function run() {
  // The EKS version table `baton versions --refresh` wrote, when there is one: judge as the CLI does.
  useCachedVersionTable((warning) => void pulumi.log.warn(warning));
  // `baton:wave` orders the fleet's stacks; a value `baton plan` refuses stops `pulumi up` too.
  const wave = checkWave(new pulumi.Config("baton").get("wave"));
  try {
    // getObject, not requireObject: a missing key gets the spec's message with its fix.
    // BATON_DEPLOYED_CONFIG, when set, names the deployed config the change is judged against.
    // The add-on versions this stack last deployed: unpinned add-ons keep them until their cluster's version moves.
    return runFleetProgram(new pulumi.Config("baton").getObject<unknown>("fleet"), {
      ...deployedFleetFromEnv(),
      ...deployer(),
      stackProblems: wave.problems,
      readPreviousAddonVersions: () => new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`).getOutput(ADDON_VERSIONS_OUTPUT),
    });
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
/** Read back by the next run (ADDON_VERSIONS_OUTPUT); keep the name in step with it. */
export const addonVersions = outputs.addonVersions;
