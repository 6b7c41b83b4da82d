/**
 * The whole pack over every resource baton's own fleet program registers for the example stacks,
 * under the mock runtime: baton must pass its own guardrails with no mandatory violation.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { evaluatePolicies, mandatoryViolations, type EvaluatedResource } from "../../src/policy/evaluate.js";
import { policies } from "../../src/policy/pack.js";
import type { MockedResource } from "../../src/preview/offline-mocks.js";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { runFleetProgram } from "../../stacks/program.js";
import { runMocked } from "../components/harness.js";
import { TODAY } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const stackFleet = (stack: string) =>
  parseStackConfig(readFileSync(path.resolve(__dirname, `../../stacks/Pulumi.${stack}.yaml`), "utf8"), stack).fleet;

const asEvaluated = (r: MockedResource): EvaluatedResource => ({
  type: r.type, name: r.name, urn: `urn:pulumi:test::baton::${r.type}::${r.name}`,
  inputs: r.inputs, outputs: { ...r.state, ...(r.id === undefined ? {} : { id: r.id }) },
});

async function violationsFor(stack: string) {
  const { mocks } = await runMocked(() => runFleetProgram(stackFleet(stack), { today: TODAY }));
  const resources = mocks.resources.filter((r) => r.custom).map(asEvaluated);
  const violations = await evaluatePolicies(policies, resources, { config: { "eks-version-supported": { today: TODAY }, "eks-version-extended-support": { today: TODAY }, "nodegroup-version-skew": { today: TODAY } } });
  return { resources, violations };
}

describe("the pack over baton's example fleets", () => {
  it.each(["migration", "dev"])("the %s stack has no mandatory violation", async (stack) => {
    const { resources, violations } = await violationsFor(stack);
    // The pack saw the resources it guards, so a pass is not a pass by omission.
    const types = new Set(resources.map((r) => r.type));
    for (const type of ["aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:ec2/launchTemplate:LaunchTemplate", "aws:lb/listenerRule:ListenerRule", "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"]) {
      expect(types, type).toContain(type);
    }
    expect(mandatoryViolations(violations)).toEqual([]);
  });

  it("flags only the advice a user should see: blue's 1.33 is in extended support", async () => {
    const { violations } = await violationsFor("migration");
    expect(violations.map((v) => v.policyName)).toEqual(["eks-version-extended-support"]);
    expect(violations[0]!.message).toContain("1.33");
  });
});
