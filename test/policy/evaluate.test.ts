import { evaluatePolicies, mandatoryViolations } from "../../src/policy/evaluate.js";
import { policies } from "../../src/policy/pack.js";
import { DATED, resource } from "./support.js";

const openCluster = resource("aws:eks/cluster:Cluster", "prod", { roleArn: "r", version: "1.33", vpcConfig: { subnetIds: [] } });

describe("the pack's policies", () => {
  it("have unique names, a description, and an explicit enforcement level", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of policies) {
      expect(p.description.length, p.name).toBeGreaterThan(20);
      expect(["mandatory", "advisory"], p.name).toContain(p.enforcementLevel);
    }
  });

  it("make security guardrails mandatory and advice advisory", () => {
    const level = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
    for (const name of ["eks-endpoint-not-open", "eks-secrets-encryption", "eks-audit-logging", "launch-template-imdsv2", "nodegroup-imdsv2", "tgb-ingress-not-open"]) expect(level[name], name).toBe("mandatory");
    for (const name of ["eks-endpoint-private", "eks-version-extended-support", "nodegroup-update-config-present"]) expect(level[name], name).toBe("advisory");
  });

  it("are resource policies or stack policies as Pulumi's analyzer tells them apart", () => {
    const stack = policies.filter((p) => "validateStack" in p).map((p) => p.name);
    expect(stack.sort()).toEqual(["nodegroup-imdsv2", "nodegroup-version-skew", "route53-weighted-set"]);
  });
});

describe("evaluatePolicies", () => {
  it("reports every policy that trips, with the policy's level", async () => {
    const violations = await evaluatePolicies(policies, [openCluster], { config: DATED });
    expect(violations.map((v) => `${v.policyName}:${v.enforcementLevel}`)).toEqual([
      "eks-endpoint-not-open:mandatory",
      "eks-secrets-encryption:mandatory",
      "eks-audit-logging:mandatory",
    ]);
    expect(mandatoryViolations(violations)).toHaveLength(3);
  });

  it("takes enforcement levels from the pack config, as a string or an object, and skips disabled policies", async () => {
    const violations = await evaluatePolicies(policies, [openCluster], {
      config: { ...DATED, "eks-endpoint-not-open": "advisory", "eks-secrets-encryption": { enforcementLevel: "disabled" }, "eks-audit-logging": { enforcementLevel: "advisory" } },
    });
    expect(violations.map((v) => `${v.policyName}:${v.enforcementLevel}`)).toEqual(["eks-endpoint-not-open:advisory", "eks-audit-logging:advisory"]);
    expect(mandatoryViolations(violations)).toEqual([]);
  });
});
