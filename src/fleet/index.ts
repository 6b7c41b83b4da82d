/**
 * The fleet spec's public API: its types, validation, the transition planner. The zod schemas stay
 * internal (`validateFleet` is how a fleet is parsed), so a user's compiler never loads zod's
 * declarations.
 */
export {
  DEFAULT_UPDATE_CONFIG, LOG_RETENTION_DAYS, DEFAULT_LOG_RETENTION_DAYS,
  type FleetSpec, type FleetInput, type NetworkSpec, type ApiAccessSpec, type ClusterSpec, type ClusterInput, type NodeGroupSpec, type NodeGroupInput,
  type ScalingSpec, type UpdateConfigSpec, type TaintSpec, type AddonPins, type LoadBalancerControllerSpec, type LoadBalancerControllerInput,
  type ServiceSpec, type ServiceInput, type AlbServiceSpec, type AlbServiceInput, type AlbSpec, type AlbInput, type HealthCheckSpec, type HealthCheckInput,
  type DnsServiceSpec, type DnsServiceInput, type Route53Spec, type Route53Input, type DnsTargetSpec, type GatesSpec, type GatesInput,
  type CapacityType, type AmiType, type ControlPlaneLogType, type SupportType, type LogRetentionDays,
} from "./types.js";
export { validateFleet, type Validation, type ValidateOptions } from "./validate.js";
export { plan, planChanges, planRollback, type Plan, type Change, type ChangeKind, type ConfigEdit, type Rollback } from "./plan.js";
export { planRollbackSteps, mergeEdits, type PlanRollback, type Escape, type TakesEffect } from "./rollback.js";
export { formatPlan, formatEdit } from "./format-plan.js";
export { FleetSpecError, formatProblem, FLEET_CONFIG_KEY, type Problem } from "./problems.js";
export { parseStackConfig, type StackConfig } from "./stack-config.js";
export { EKS_VERSIONS, EMBEDDED_TABLE_DATE, supportPhase, offeredVersions, versionTable, versionsOn, useVersionTable, isIsoDate, type EksVersionSupport, type SupportPhase, type VersionTable, type VersionOnDate } from "./versions.js";
export { rollBatches, nodesPerBatch, effectiveUpdateConfig, effectiveNodeGroupVersion } from "./nodegroups.js";
export { shares, servingClusters, WEIGHT_LIMITS, ALB_MAX_TARGET_GROUPS } from "./traffic.js";
