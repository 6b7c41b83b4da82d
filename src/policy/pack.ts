/**
 * The baton policy pack's policies, in one list. `policy/index.ts` hands them to a `PolicyPack`
 * (whose constructor starts the analyzer server); tests and `evaluatePolicies` use them directly.
 */
import type { Policies } from "@pulumi/policy";
import { albForwardWeights } from "./alb-forward.js";
import { eksAuditLogging, eksEndpointNotOpen, eksEndpointPrivate, eksSecretsEncryption, eksVersionExtendedSupport, eksVersionSupported } from "./eks-cluster.js";
import { launchTemplateImdsv2 } from "./launch-template.js";
import { nodeGroupImdsv2, nodeGroupReleaseVersion, nodeGroupUpdateConfig, nodeGroupUpdateConfigPresent, nodeGroupVersionSkew } from "./node-group.js";
import { route53WeightedRecord, route53WeightedSet } from "./route53.js";
import { targetGroupBindingIngress } from "./target-group-binding.js";

export const POLICY_PACK_NAME = "baton";

export const policies: Policies = [
  eksEndpointNotOpen,
  eksEndpointPrivate,
  eksSecretsEncryption,
  eksAuditLogging,
  eksVersionSupported,
  eksVersionExtendedSupport,
  nodeGroupUpdateConfig,
  nodeGroupUpdateConfigPresent,
  nodeGroupReleaseVersion,
  launchTemplateImdsv2,
  nodeGroupImdsv2,
  nodeGroupVersionSkew,
  albForwardWeights,
  route53WeightedRecord,
  route53WeightedSet,
  targetGroupBindingIngress,
];
