/**
 * baton's Pulumi policy pack: `pulumi preview --policy-pack policy`. The policies live in the
 * library (src/policy) so they are tested without the CLI; this file only starts the pack.
 * At run time the pack loads the built library's policy entry, `baton/policy` (the "baton"
 * dependency in policy/package.json); its types come from the source, so the root type-check
 * covers this file.
 */
import { PolicyPack } from "@pulumi/policy";
import type * as batonPolicy from "../src/policy/index.js";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { policies, POLICY_PACK_NAME }: typeof batonPolicy = require("baton/policy");

new PolicyPack(POLICY_PACK_NAME, {
  policies,
  description: "baton guardrails for EKS, managed node groups, ALB and Route53 weighted traffic, and TargetGroupBindings.",
  provider: "aws",
  tags: ["eks", "kubernetes", "security"],
});
