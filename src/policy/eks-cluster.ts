/**
 * Policies on `aws.eks.Cluster`: the API endpoint, secrets encryption, audit logs and the
 * Kubernetes version. Conditions come from the spec's cluster rules; this file adapts the
 * provider's arguments (and AWS's defaults for unset ones) to them.
 */
import * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import type { Problem } from "../fleet/problems.js";
import { checkControlPlaneLogging, checkPublicAccessCidrs, REQUIRED_LOG_TYPES } from "../fleet/rules/cluster.js";
import { checkEksVersion } from "../fleet/versions.js";
import { policyToday, VERSION_POLICY_CONFIG_SCHEMA, type VersionPolicyConfig } from "./config.js";
import { asPropertyProblem, reportProblems, resourceLabel } from "./violations.js";

/** The cluster's arguments as a policy sees them: resolved values, no Outputs. */
export type ClusterArgs = Unwrap<aws.eks.ClusterArgs>;

const CIDRS_PATH = "vpcConfig.publicAccessCidrs";
const PRIVATE_FIX = "Set vpcConfig.endpointPublicAccess: false and endpointPrivateAccess: true, or list only the CIDRs that need the public endpoint (VPN or CI egress) in vpcConfig.publicAccessCidrs.";

/** AWS turns the public endpoint on unless `endpointPublicAccess` is false. */
function publicEndpointOn(cluster: ClusterArgs): boolean {
  return cluster.vpcConfig.endpointPublicAccess !== false;
}

/** Rule `cluster-public-endpoint-open` on the provider's arguments: an unset CIDR list means EKS's 0.0.0.0/0. */
export function clusterEndpointProblems(cluster: ClusterArgs): Problem[] {
  if (!publicEndpointOn(cluster)) return [];
  const cidrs = cluster.vpcConfig.publicAccessCidrs;
  if (cidrs === undefined || cidrs.length === 0) {
    return checkPublicAccessCidrs(["0.0.0.0/0"], CIDRS_PATH).map((p) => ({
      ...asPropertyProblem(p, CIDRS_PATH, PRIVATE_FIX, { value: undefined }),
      message: `The public endpoint is on (endpointPublicAccess is ${cluster.vpcConfig.endpointPublicAccess === undefined ? "unset, and AWS defaults it to true" : "true"}) with no CIDRs, so EKS opens it to 0.0.0.0/0. ${p.message}`,
    }));
  }
  return checkPublicAccessCidrs(cidrs, CIDRS_PATH).map((p) => asPropertyProblem(p, p.path, p.rule === "cluster-public-endpoint-open" ? PRIVATE_FIX : p.fix));
}

/** Advisory: a public endpoint limited to CIDRs is allowed, but private-only is baton's default. */
export function clusterPublicEndpointAdvice(cluster: ClusterArgs): Problem[] {
  const cidrs = cluster.vpcConfig.publicAccessCidrs;
  if (!publicEndpointOn(cluster) || cidrs === undefined || cidrs.length === 0) return [];
  if (checkPublicAccessCidrs(cidrs, CIDRS_PATH).length > 0) return []; // the mandatory policy reports these
  return [{
    severity: "warning", rule: "cluster-public-endpoint", path: "vpcConfig.endpointPublicAccess", value: cluster.vpcConfig.endpointPublicAccess ?? true,
    message: `The Kubernetes API is reachable from the internet (limited to ${cidrs.join(", ")}).`,
    fix: "Reach the API through the VPC (VPN, bastion or CI runners in the VPC) and set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true.",
  }];
}

/** Secrets must be envelope-encrypted with a KMS key: EKS does not do it unless asked. */
export function clusterEncryptionProblems(cluster: ClusterArgs): Problem[] {
  const config = cluster.encryptionConfig;
  const fix = 'Set encryptionConfig: { resources: ["secrets"], provider: { keyArn: <a KMS key ARN, rotation on> } }.';
  if (config === undefined) {
    return [{ severity: "error", rule: "cluster-secrets-encryption", path: "encryptionConfig", message: "Kubernetes secrets are not encrypted with a KMS key.", fix }];
  }
  const problems: Problem[] = [];
  if (!config.resources.includes("secrets")) {
    problems.push({ severity: "error", rule: "cluster-secrets-encryption", path: "encryptionConfig.resources", value: config.resources, message: 'Encryption does not cover "secrets".', fix });
  }
  if (!config.provider.keyArn) {
    problems.push({ severity: "error", rule: "cluster-secrets-encryption", path: "encryptionConfig.provider.keyArn", value: config.provider.keyArn, message: "Encryption names no KMS key.", fix });
  }
  return problems;
}

/** Rule `cluster-audit-logging`: unset `enabledClusterLogTypes` means no logs at all on EKS. */
export function clusterLoggingProblems(cluster: ClusterArgs): Problem[] {
  const fix = `Include ${REQUIRED_LOG_TYPES.map((t) => `"${t}"`).join(", ")} in enabledClusterLogTypes (baton's default enables all five types).`;
  return checkControlPlaneLogging(cluster.enabledClusterLogTypes ?? [], "enabledClusterLogTypes").map((p) => asPropertyProblem(p, p.path, fix, { value: cluster.enabledClusterLogTypes }));
}

/** Rules `eks-version-supported` / `eks-version-extended-support`, plus: the version must be pinned. */
export function clusterVersionProblems(cluster: ClusterArgs, today: string): Problem[] {
  if (cluster.version === undefined) {
    return [{
      severity: "error", rule: "eks-version-pinned", path: "version",
      message: "No Kubernetes version: EKS picks the newest at creation and the stack can no longer say which version runs, nor upgrade it as a change.",
      fix: 'Set version to the minor the cluster runs, e.g. "1.33".',
    }];
  }
  return checkEksVersion(cluster.version, "version", today);
}

const label = (name: string) => resourceLabel("aws:eks/cluster:Cluster", name);

export const eksEndpointNotOpen: ResourceValidationPolicy = {
  name: "eks-endpoint-not-open",
  description: "EKS clusters must not expose the Kubernetes API endpoint to the whole internet.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    reportProblems(clusterEndpointProblems(cluster), label(args.name), report);
  }),
};

export const eksEndpointPrivate: ResourceValidationPolicy = {
  name: "eks-endpoint-private",
  description: "EKS clusters should keep the Kubernetes API endpoint private; a public endpoint limited to CIDRs is an opt-out.",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    reportProblems(clusterPublicEndpointAdvice(cluster), label(args.name), report);
  }),
};

export const eksSecretsEncryption: ResourceValidationPolicy = {
  name: "eks-secrets-encryption",
  description: "EKS clusters must encrypt Kubernetes secrets with a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    reportProblems(clusterEncryptionProblems(cluster), label(args.name), report);
  }),
};

export const eksAuditLogging: ResourceValidationPolicy = {
  name: "eks-audit-logging",
  description: `EKS clusters must send the ${REQUIRED_LOG_TYPES.join(", ")} control-plane logs to CloudWatch.`,
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    reportProblems(clusterLoggingProblems(cluster), label(args.name), report);
  }),
};

export const eksVersionSupported: ResourceValidationPolicy = {
  name: "eks-version-supported",
  description: "EKS clusters must pin a Kubernetes version that EKS supports.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: VERSION_POLICY_CONFIG_SCHEMA,
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    const today = policyToday(args.getConfig<VersionPolicyConfig>());
    reportProblems(clusterVersionProblems(cluster, today).filter((p) => p.severity === "error"), label(args.name), report);
  }),
};

export const eksVersionExtendedSupport: ResourceValidationPolicy = {
  name: "eks-version-extended-support",
  description: "EKS clusters should run a Kubernetes version in standard support (extended support is billed extra).",
  enforcementLevel: "advisory",
  severity: "low",
  configSchema: VERSION_POLICY_CONFIG_SCHEMA,
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    const today = policyToday(args.getConfig<VersionPolicyConfig>());
    reportProblems(clusterVersionProblems(cluster, today).filter((p) => p.severity === "warning"), label(args.name), report);
  }),
};
