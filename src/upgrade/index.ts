/** The upgrade planner's public API: the road from a fleet to a target version, as stack files. */
export { planUpgrade, planAmiRoad, compareUpgrades, assertTargetVersion, notReadyReasons, UpgradePlanError, UPGRADE_METHODS, AMI_ROAD_TARGET, ROLLBACK_FOLDER } from "./upgrade-plan.js";
export type { UpgradeMethod, PlanMethod, AmiPin, PlanStatus, UpgradePlanOptions, MethodPlan, UpgradeStep, UpgradeTotals, TrafficMove, StepChecks, ExtendedSupportStay } from "./upgrade-plan.js";
export { DEFAULT_ASSUMPTIONS, type EstimateAssumptions } from "./assumptions.js";
export { estimateRoll, estimateStep, type RollEstimate, type StepEstimate, type OperationEstimate } from "./estimate.js";
export { StackDocument } from "./stack-document.js";
export { DEFAULT_SHIFT_PERCENTS } from "./blue-green.js";
export { renderPlanText, renderCompareText, formatMinutes, METHOD_NAMES } from "./render-text.js";
export { renderPlanMarkdown, renderCompareMarkdown } from "./render-markdown.js";
export { renderPlanJson, renderCompareJson } from "./render-json.js";
