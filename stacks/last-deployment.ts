/**
 * What the stack's last deployment applied, read the way Pulumi lets a program read any stack's
 * outputs: a StackReference, here to the stack itself. The engine answers it from the stack's
 * latest state on every backend, in `pulumi preview` as in `pulumi up` (it runs reads in previews),
 * and a stack never deployed answers with no outputs. The reference is a read (ReadResource), never
 * a registration: it creates, changes and deletes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEPLOYMENT_RECORD_OUTPUT, readDeploymentRecord } from "../src/fleet/deployment-record.js";
import type { LastDeployment } from "../src/fleet/judge.js";
import { FleetSpecError } from "../src/fleet/problems.js";
import { DEPLOYED_CONFIG_VARIABLE, deployedFleetFromEnv } from "./program.js";

/** The organization every self-managed (DIY) backend reports: a fixed name, not a real organization. */
const DIY_ORGANIZATION = "organization";

/**
 * The name this stack is known by to its own backend. Pulumi Cloud (and Pulumi Deployments, which
 * runs against it) wants `<organization>/<project>/<stack>`. A self-managed backend (a folder, S3,
 * ...) reports the fixed organization `organization` and accepts the bare stack name in both its
 * layouts: the project layout resolves it in the current project, and the legacy layout (state
 * created before Pulumi 3.61) knows stacks by bare name only and refuses a qualified one.
 */
export function selfReferenceName(organization: string | undefined, project: string, stack: string): string {
  return organization === undefined || organization === DIY_ORGANIZATION ? stack : `${organization}/${project}/${stack}`;
}

/** The organization the engine named for this run, if any (the SDK throws when it named none). */
function organizationOrUndefined(): string | undefined {
  try { return pulumi.getOrganization(); } catch { return undefined; }
}

export interface LastDeploymentReading {
  /** The stack's reference to itself: the add-on versions are read through it too. */
  readonly reference: pulumi.StackReference;
  /** What to judge the change against; null when the stack has no record (its first deployment). */
  readonly deployment: LastDeployment | null;
}

/**
 * The oldest Pulumi CLI this stack runs under. Older engines replace a stack's outputs with whatever
 * a failed run registered, which for a refused change is nothing: the record would be gone and the
 * next run judged alone. pulumi/pulumi#15754 (merged 2024-03-25) keeps existing outputs when a
 * deployment fails; 3.113.0 is a release that certainly carries it.
 */
export const MINIMUM_PULUMI_CLI = "3.113.0";

async function requireCliThatKeepsOutputs(): Promise<void> {
  try {
    await pulumi.runtime.requirePulumiVersion(`>=${MINIMUM_PULUMI_CLI}`);
  } catch (error) {
    throw new pulumi.RunError(`baton's stack needs the Pulumi CLI ${MINIMUM_PULUMI_CLI} or newer (${(error as Error).message.split("\n")[0]}). `
      + "Older CLIs delete a stack's outputs when a deployment fails, and with them the record of the last deployment that pulumi up judges each change against. Upgrade the Pulumi CLI.");
  }
}

/** Where the record is read from, as the log line and a refusal name it. */
export const RECORD_SOURCE = `the last deployment (stack output ${DEPLOYMENT_RECORD_OUTPUT})`;

/**
 * Reads the last deployment's record, awaited. A record this baton cannot read stops the program
 * (FleetSpecError). Without a record, a deployed config named by BATON_DEPLOYED_CONFIG stands in
 * for it (a stack last deployed by a baton that wrote no record); with one, the variable is
 * ignored, with a warning.
 */
export async function readLastDeployment(env: NodeJS.ProcessEnv = process.env): Promise<LastDeploymentReading> {
  await requireCliThatKeepsOutputs();
  const organization = organizationOrUndefined();
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  // The logical name stays the qualified one it always had, so the reference keeps its URN in the state.
  const reference = new pulumi.StackReference(`${organization ?? DIY_ORGANIZATION}/${project}/${stack}`, { name: selfReferenceName(organization, project, stack) });
  const details = await reference.getOutputDetails(DEPLOYMENT_RECORD_OUTPUT);
  const reading = readDeploymentRecord(details.value ?? details.secretValue);
  if (reading.kind === "unreadable") throw new FleetSpecError([reading.problem], "The stack's last deployment cannot be read");
  const named = deployedFleetFromEnv(env);
  if (reading.kind === "record") {
    if (named.deployed !== undefined) {
      void pulumi.log.warn(`${DEPLOYED_CONFIG_VARIABLE} is ignored: this stack has a record of its last deployment (stack output ${DEPLOYMENT_RECORD_OUTPUT}), and the change is judged against that. Unset ${DEPLOYED_CONFIG_VARIABLE}.`);
    }
    const versions = reading.record.versions;
    return { reference, deployment: { fleet: reading.record.fleet, source: RECORD_SOURCE, ...(versions !== undefined ? { versions } : {}) } };
  }
  if (named.deployed !== undefined) {
    return { reference, deployment: { fleet: named.deployed, source: `the deployed config ${DEPLOYED_CONFIG_VARIABLE} names (${env[DEPLOYED_CONFIG_VARIABLE]}; this stack has no deployment record yet)` } };
  }
  return { reference, deployment: null };
}
