/**
 * baton's components against baton's own policy pack: the resources the fleet program registers
 * must trip no mandatory policy, and no advisory one either (the defaults are the pack's advice).
 */
import { evaluatePolicies, type EvaluatedResource } from "../../src/policy/evaluate.js";
import { policies } from "../../src/policy/pack.js";
import { runFleetProgram } from "../../stacks/program.js";
import { migrationFleet, TODAY } from "../support/fleets.js";
import { runMocked } from "./harness.js";

Error.stackTraceLimit = 0;

it("the migration fleet's resources pass every policy of the pack", async () => {
  const { mocks } = await runMocked(() => runFleetProgram(migrationFleet(), { today: TODAY }));
  const resources: EvaluatedResource[] = mocks.resources.filter((r) => r.custom).map((r) => ({
    type: r.type, name: r.name, urn: `urn:pulumi:test::baton::${r.type}::${r.name}`,
    inputs: r.inputs, outputs: { ...r.state, ...(r.id !== undefined ? { id: r.id } : {}) },
  }));
  const dated = Object.fromEntries(["eks-version-supported", "eks-version-extended-support", "nodegroup-version-skew"].map((p) => [p, { today: TODAY }]));
  const violations = await evaluatePolicies(policies, resources, { config: dated });
  // blue runs 1.33, in extended support on TODAY: the one finding the pack should make.
  expect(violations.map((v) => `${v.policyName} ${v.urn?.split("::").pop()}`)).toEqual(["eks-version-extended-support shop-blue"]);
});
