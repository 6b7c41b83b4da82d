/** The traffic layer's public API: weight edits, the health-gated rollout, live status. */
export { parseAssignment, applyAssignments, weightsForPercentages, apportion, percentBase, percentOf, sameWeights } from "./weights.js";
export type { WeightAssignment } from "./weights.js";
export { readServiceWeights as readStackFileWeights, writeServiceWeights as writeStackFileWeights } from "./stack-file.js";
export type { ServiceWeights } from "./stack-file.js";
export { proposeShift, ShiftArgumentError } from "./shift.js";
export type { ShiftProposal } from "./shift.js";
export { evaluateGates } from "./gates.js";
export type { AlarmState, GateObservation, GateCheck, GateState, GateVerdict } from "./gates.js";
export { buildSchedule, parseSteps, parseDuration, ScheduleError, DURATION_BOUNDS, MAX_STEPS } from "./schedule.js";
export type { Schedule, RolloutStep } from "./schedule.js";
export { runRollout, DEFAULT_TIMING, HALT_POLICIES } from "./rollout.js";
export type {
  Clock, HaltPolicy, LiveTraffic, RolloutEvent, RolloutFailure, RolloutOutcome, RolloutPorts, RolloutResult, RolloutTiming, StackApplier, WeightsStore,
} from "./rollout.js";
export { stackFileWeights } from "./weights-file.js";
export { locateStack, pulumiCliApplier, StackLocationError } from "./pulumi-stack.js";
export type { StackLocation, PulumiCliOptions } from "./pulumi-stack.js";
export { serviceState, otherChangesIn } from "./stack-state.js";
export type { ServiceState } from "./stack-state.js";
export { editFile, replaceIfUnchanged, FileEditError } from "./files.js";
export type { EditOptions } from "./files.js";
export { createAwsClients } from "./aws/clients.js";
export type { AwsClients } from "./aws/clients.js";
export { awsLiveTraffic } from "./aws/live-traffic.js";
export { gatherStatus, statusFindings } from "./status.js";
export type { FleetStatus, ClusterStatus, NodeGroupStatus, ServiceStatus, Read, StatusOptions, StatusInsightsOptions } from "./status.js";
export { readUpgradeInsights, readClustersInsights, blockingInsights } from "./aws/eks-insights.js";
export type { UpgradeInsights, UpgradeInsight, DeprecatedApi, InsightClient, InsightsReadOptions, ClusterInsights } from "./aws/eks-insights.js";
export { formatStatus } from "./format-status.js";
export { formatSchedule, formatEvent, formatResult } from "./format-rollout.js";
