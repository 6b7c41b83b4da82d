/** The fleet spec's public API: the schema, validation, the transition planner and their types. */
export { Fleet, DEFAULT_UPDATE_CONFIG, type FleetSpec, type FleetInput, type ClusterSpec, type NodeGroupSpec, type ServiceSpec, type AlbServiceSpec, type DnsServiceSpec, type UpdateConfigSpec, type TaintSpec } from "./schema.js";
export { validateFleet, type Validation, type ValidateOptions } from "./validate.js";
export { plan, planChanges, planRollback, type Plan, type Change, type ChangeKind, type ConfigEdit, type Rollback } from "./plan.js";
export { planRollbackSteps, mergeEdits, type PlanRollback, type Escape, type TakesEffect } from "./rollback.js";
export { formatPlan, formatEdit } from "./format-plan.js";
export { FleetSpecError, formatProblem, FLEET_CONFIG_KEY, type Problem } from "./problems.js";
export { parseStackConfig, type StackConfig } from "./stack-config.js";
export { EKS_VERSIONS, EMBEDDED_TABLE_DATE, supportPhase, offeredVersions, versionTable, versionsOn, useVersionTable, isIsoDate, type EksVersionSupport, type SupportPhase, type VersionTable, type VersionOnDate } from "./versions.js";
export { rollBatches, nodesPerBatch, effectiveUpdateConfig, effectiveNodeGroupVersion } from "./nodegroups.js";
export { shares, servingClusters, WEIGHT_LIMITS, ALB_MAX_TARGET_GROUPS } from "./traffic.js";
