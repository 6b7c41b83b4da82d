import * as pulumi from "@pulumi/pulumi";
import { FleetSpecError } from "../../src/fleet/problems.js";
import { checkAdminsAgainstDeployer, principalKey } from "../../src/fleet/rules/access.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { runMocked } from "./harness.js";

Error.stackTraceLimit = 0;

const CI_ROLE = "arn:aws:iam::123456789012:role/ci/deployer";

describe("admins and the identity that creates the cluster", () => {
  it("compares principals as EKS keys them: paths and STS sessions dropped", () => {
    expect(principalKey("arn:aws:sts::123456789012:assumed-role/deployer/run-42")).toBe(principalKey(CI_ROLE));
    expect(principalKey("arn:aws:iam::123456789012:role/deployer")).toBe(principalKey(CI_ROLE));
    expect(principalKey("arn:aws:iam::210987654321:role/deployer")).not.toBe(principalKey(CI_ROLE));
    expect(principalKey("arn:aws:iam::123456789012:user/deployer")).not.toBe(principalKey(CI_ROLE));
    expect(checkAdminsAgainstDeployer(["arn:aws:iam::123456789012:role/platform-admin"], CI_ROLE, "p")).toEqual([]);
    expect(checkAdminsAgainstDeployer([CI_ROLE], undefined, "p")).toEqual([]);
  });

  it("refuses admins that include the deploying identity before anything is registered", async () => {
    const fleet = edit(migrationFleet(), (f) => { f.clusters.green.admins = ["arn:aws:iam::123456789012:role/platform-admin", CI_ROLE]; });
    let thrown: unknown;
    const { mocks } = await runMocked(() => {
      try { runFleetProgram(fleet, { today: TODAY, deployerArn: "arn:aws:sts::123456789012:assumed-role/deployer/run-42" }); } catch (error) { thrown = error; }
    });
    expect(thrown).toBeInstanceOf(FleetSpecError);
    expect((thrown as FleetSpecError).problems).toMatchObject([{ rule: "admins-include-deployer", path: "baton:fleet.clusters.green.admins[1]", value: CI_ROLE }]);
    expect(mocks.resources).toEqual([]);
  });

  it("the stack takes the deploying identity from the AWS provider's assumed role", async () => {
    const fleet = edit(migrationFleet(), (f) => { f.clusters.blue.admins = [CI_ROLE]; });
    let thrown: unknown;
    await runMocked(async () => {
      // The stack module exports the program Pulumi's runtime calls and awaits.
      const { default: program } = await import("../../stacks/index.js");
      try { await program(); } catch (error) { thrown = error; }
    }, { "baton:fleet": JSON.stringify(fleet), "aws:assumeRoles": JSON.stringify([{ roleArn: CI_ROLE }]) });
    expect(pulumi.RunError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toContain("[admins-include-deployer]");
  });
});
