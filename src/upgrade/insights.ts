/**
 * EKS upgrade insights as a preflight of an upgrade plan (`upgrade-plan --insights`): an ERROR
 * insight for a version the plan moves a cluster to, or insights that could not be read, make a
 * plan that reaches the target not ready. The insights are read by the caller (the plan itself
 * stays offline); this only judges them.
 */
import type { ClusterInsights, UpgradeInsight } from "../traffic/aws/eks-insights.js";
import type { MethodPlan } from "./upgrade-plan.js";

export type { ClusterInsights } from "../traffic/aws/eks-insights.js";

/** The ERROR insights of the clusters read, each with its cluster. */
export function blockingPlanInsights(insights: readonly ClusterInsights[]): { readonly cluster: string; readonly insight: UpgradeInsight }[] {
  return insights.flatMap((c) => (c.read?.insights ?? []).filter((i) => i.status === "ERROR").map((insight) => ({ cluster: c.cluster, insight })));
}

/** Why the insights stop the plan, one phrase each (empty when they do not). */
export function insightReasons(insights: readonly ClusterInsights[]): string[] {
  const blocked = blockingPlanInsights(insights).map(({ cluster, insight }) =>
    `blocked by EKS upgrade insight "${insight.name}" on cluster ${cluster}${insight.kubernetesVersion ? ` (${insight.kubernetesVersion})` : ""}${insight.recommendation ? `: ${insight.recommendation.replace(/\.$/, "")}` : ""}`);
  const unread = [...new Set(insights.flatMap((c) => (c.error === undefined ? [] : [c.error])))].map((e) => `upgrade insights not read: ${e}`);
  return [...blocked, ...unread];
}

/** The plan with the insights read for it: a plan that reaches the target is not ready while they block it. */
export function withInsights(plan: MethodPlan, insights: readonly ClusterInsights[]): MethodPlan {
  const blocks = insightReasons(insights).length > 0;
  const status = plan.ok && blocks && (plan.status === "ready" || plan.status === "needs-input") ? "needs-attention" : plan.status;
  return { ...plan, status, insights };
}
