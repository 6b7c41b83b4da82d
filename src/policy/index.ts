/** The policy layer: the spec's rules as `@pulumi/policy` policies, and an offline evaluator. */
export { policies, POLICY_PACK_NAME } from "./pack.js";
export { evaluatePolicies, mandatoryViolations, type EvaluatedResource, type EvaluateOptions, type PolicyViolation } from "./evaluate.js";
export { TARGET_GROUP_BINDING_TYPE } from "./target-group-binding.js";
export type { VersionPolicyConfig } from "./config.js";
