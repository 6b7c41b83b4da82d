import type { Policies, PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, type EvaluatedResource, type PolicyViolation } from "../../src/policy/evaluate.js";

export const TODAY = "2026-01-15";
/** Pins the version policies' date so results do not drift with the calendar. */
export const DATED: PolicyPackConfig = {
  "eks-version-supported": { today: TODAY },
  "eks-version-extended-support": { today: TODAY },
  "nodegroup-version-skew": { today: TODAY },
};

export function resource(type: string, name: string, inputs: object, extra: Partial<EvaluatedResource> = {}): EvaluatedResource {
  return { type, name, urn: `urn:pulumi:test::baton::${type}::${name}`, inputs: { ...inputs }, ...extra };
}

/** The violations of one policy (found by name in `policies`) on these resources. */
export async function run(policies: Policies, name: string, resources: EvaluatedResource[], config: PolicyPackConfig = DATED): Promise<PolicyViolation[]> {
  const policy = policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  return evaluatePolicies([policy], resources, { config });
}

export const messages = (violations: readonly PolicyViolation[]) => violations.map((v) => v.message);
