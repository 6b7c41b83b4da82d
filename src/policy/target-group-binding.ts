/**
 * Policy on the AWS Load Balancer Controller's TargetGroupBinding: its `networking` rules open the
 * node security groups to the pods' port, so they must never admit the whole internet.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { z } from "zod";
import type { Problem } from "../fleet/problems.js";
import { isOpenCidr } from "../fleet/rules/cluster.js";
import { reportProblems, resourceLabel } from "./violations.js";

/** The Pulumi type of a TargetGroupBinding created with `@pulumi/kubernetes`' CustomResource. */
export const TARGET_GROUP_BINDING_TYPE = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";

/** The part of the CRD (elbv2.k8s.aws/v1beta1) this policy reads; other fields pass through. */
const Peer = z.looseObject({ ipBlock: z.looseObject({ cidr: z.string() }).optional() });
const Binding = z.looseObject({
  spec: z.looseObject({
    networking: z.looseObject({ ingress: z.array(z.looseObject({ from: z.array(Peer).default([]) })).default([]) }).optional(),
  }).optional(),
});

/** Rule `tgb-ingress-open`: a peer `ipBlock` of 0.0.0.0/0 or ::/0 exposes the pods to the internet. */
export function targetGroupBindingProblems(props: unknown): Problem[] {
  const parsed = Binding.safeParse(props);
  if (!parsed.success) return [];
  const problems: Problem[] = [];
  parsed.data.spec?.networking?.ingress.forEach((rule, i) => {
    rule.from.forEach((peer, j) => {
      const cidr = peer.ipBlock?.cidr;
      if (cidr === undefined || !isOpenCidr(cidr)) return;
      problems.push({
        severity: "error", rule: "tgb-ingress-open", path: `spec.networking.ingress[${i}].from[${j}].ipBlock.cidr`, value: cidr,
        message: "The binding opens the pods' port to the whole internet; only the load balancer should reach them.",
        fix: "Replace the ipBlock with securityGroup: { groupID: <the load balancer's security group> }.",
      });
    });
  });
  return problems;
}

function validateBinding(args: ResourceValidationArgs, report: ReportViolation): void {
  if (args.type !== TARGET_GROUP_BINDING_TYPE) args.notApplicable(`Policy only applies to resources of type '${TARGET_GROUP_BINDING_TYPE}'`);
  reportProblems(targetGroupBindingProblems(args.props), resourceLabel(args.type, args.name), report);
}

export const targetGroupBindingIngress: ResourceValidationPolicy = {
  name: "tgb-ingress-not-open",
  description: "TargetGroupBinding networking must not admit 0.0.0.0/0 or ::/0 to the pods.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateBinding,
};
