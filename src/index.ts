/** The baton library's public API. Exports only: importing it has no side effects. */
export { policies, POLICY_PACK_NAME, evaluatePolicies, mandatoryViolations, TARGET_GROUP_BINDING_TYPE } from "./policy/index.js";
export type { EvaluatedResource, EvaluateOptions, PolicyViolation, VersionPolicyConfig } from "./policy/index.js";
export * from "./fleet/index.js";
export * from "./checks/index.js";
export * from "./components/index.js";
export * from "./traffic/index.js";
export * from "./preview/index.js";
export * from "./upgrade/index.js";
