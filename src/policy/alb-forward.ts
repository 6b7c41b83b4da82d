/**
 * Policy on ALB listeners and listener rules (`aws.lb` and its `aws.alb` alias): weighted forward
 * actions within AWS's limits, through the spec's weight rules.
 */
import * as aws from "@pulumi/aws";
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import type { Problem } from "../fleet/problems.js";
import { checkAlbTargetGroupLimit, checkWeightRange, checkWeightsNotAllZero } from "../fleet/rules/service.js";
import { reportProblems, resourceLabel } from "./violations.js";

/** The part of a listener or listener-rule action this policy reads. */
export interface ForwardAction {
  readonly type: string;
  readonly forward?: { readonly targetGroups: ReadonlyArray<{ readonly arn: string; readonly weight?: number }> };
}

/**
 * Rules `weights-range`, `weights-all-zero` and `alb-target-group-limit` on each forward action.
 * An unset weight counts as 0, as the ELB API treats it; a forward with no weight set at all is
 * not a weighted forward and is not checked for all-zero.
 */
export function forwardActionProblems(actions: readonly ForwardAction[] | undefined, actionsProperty: string, resource: string): Problem[] {
  const problems: Problem[] = [];
  (actions ?? []).forEach((action, index) => {
    const targetGroups = action.forward?.targetGroups;
    if (targetGroups === undefined) return;
    const at = `${actionsProperty}[${index}].forward.targetGroups`;
    const weights: Record<string, number> = {};
    targetGroups.forEach((group, i) => {
      const weight = group.weight ?? 0;
      weights[`targetGroups[${i}]`] = weight;
      problems.push(...checkWeightRange("alb", weight, `${at}[${i}].weight`));
    });
    const owner = { subject: `The forward action of ${resource}`, lists: "this action lists", target: "target group", field: "forward.targetGroups" };
    if (targetGroups.some((group) => group.weight !== undefined)) problems.push(...checkWeightsNotAllZero(weights, at, owner));
    problems.push(...checkAlbTargetGroupLimit(weights, at, owner));
  });
  return problems;
}

const LISTENER_TYPES = [aws.lb.Listener, aws.alb.Listener];
const RULE_TYPES = [aws.lb.ListenerRule, aws.alb.ListenerRule];

function validateForwardWeights(args: ResourceValidationArgs, report: ReportViolation): void {
  const resource = resourceLabel(args.type, args.name);
  for (const type of LISTENER_TYPES) {
    const listener = args.asType(type);
    if (listener) return reportProblems(forwardActionProblems(listener.defaultActions, "defaultActions", resource), resource, report);
  }
  for (const type of RULE_TYPES) {
    const rule = args.asType(type);
    if (rule) return reportProblems(forwardActionProblems(rule.actions, "actions", resource), resource, report);
  }
  args.notApplicable("Policy only applies to load balancer listeners and listener rules");
}

export const albForwardWeights: ResourceValidationPolicy = {
  name: "alb-forward-weights",
  description: "ALB weighted forward actions must stay within AWS limits: weights 0–999, at most 5 target groups, not all 0.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateForwardWeights,
};
