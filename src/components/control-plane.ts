/**
 * The control plane of one EKS cluster: its IAM role, the key that encrypts Kubernetes secrets, the
 * log group EKS writes control-plane logs to, and the cluster itself.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { clusterRoleName } from "../fleet/names.js";
import { DEFAULT_LOG_TYPES } from "../fleet/rules/cluster.js";
import type { ClusterScope } from "./cluster-scope.js";
import type { ExistingLogGroups } from "./log-groups.js";
import { assumeRolePolicy, CLUSTER_ROLE_POLICIES, managedPolicyArn } from "./iam.js";

/** The log group EKS writes a cluster's control-plane logs to (fixed by EKS). */
export const controlPlaneLogGroupName = (eksClusterName: string) => `/aws/eks/${eksClusterName}/cluster`;

export interface ControlPlane {
  readonly clusterRole: aws.iam.Role;
  readonly secretsKey?: aws.kms.Key;
  /** Registered once the deploy-time lookup says whether to adopt an existing group. */
  readonly logGroup: Promise<aws.cloudwatch.LogGroup>;
  readonly cluster: aws.eks.Cluster;
}

/** Creates the control plane: a private endpoint (unless the spec opts out), secrets encrypted, audit logs on. */
export function createControlPlane(scope: ClusterScope, subnetIds: readonly string[], logGroups: ExistingLogGroups): ControlPlane {
  const { prefix, spec, tags, partition } = scope;
  const parent = { parent: scope.parent };

  // Control-plane role: only what EKS requires to manage the cluster.
  const clusterRole = new aws.iam.Role(`${prefix}-cluster`, {
    name: clusterRoleName(scope.fleetName, scope.clusterName),
    description: `EKS control plane of ${prefix} (baton)`,
    assumeRolePolicy: assumeRolePolicy("eks.amazonaws.com"),
    tags,
  }, parent);
  const clusterPolicies = CLUSTER_ROLE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${prefix}-cluster-${policy}`, {
    role: clusterRole.name, policyArn: managedPolicyArn(partition, policy),
  }, parent));

  const secretsKey = spec.secretsKmsKeyArn === undefined
    ? new aws.kms.Key(`${prefix}-secrets`, {
      description: `Envelope encryption of Kubernetes secrets in ${prefix} (baton)`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, parent)
    : undefined;
  const secretsKeyArn: pulumi.Input<string> = spec.secretsKmsKeyArn ?? secretsKey!.arn;

  // EKS writes control-plane logs to this group and, when it does not exist, creates it with no
  // retention (kept and billed forever). Created first, it carries the spec's retention. Kept when
  // the cluster goes (late events still land in it, and its retention still expires them), and
  // adopted by a cluster re-added under the same name. The import option only adopts when the
  // group is not in the stack yet; for a group the stack already holds under that id, the engine
  // treats it like any other resource.
  const logGroupName = controlPlaneLogGroupName(prefix);
  const logGroup = logGroups.exists(logGroupName, parent).then((exists) => new aws.cloudwatch.LogGroup(`${prefix}-control-plane`, {
    name: logGroupName,
    retentionInDays: spec.logRetentionDays,
    tags,
  }, { ...parent, retainOnDelete: true, ...(exists ? { import: logGroupName } : {}) }));

  const cluster = new aws.eks.Cluster(prefix, {
    name: prefix,
    version: spec.version,
    roleArn: clusterRole.arn,
    vpcConfig: {
      subnetIds: [...subnetIds],
      endpointPrivateAccess: true,
      // Public access is an opt-out that names its CIDRs; absent, the API is reachable only from the VPC.
      endpointPublicAccess: spec.publicAccessCidrs !== undefined,
      ...(spec.publicAccessCidrs !== undefined ? { publicAccessCidrs: [...spec.publicAccessCidrs] } : {}),
    },
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKeyArn } },
    enabledClusterLogTypes: [...(spec.logging ?? DEFAULT_LOG_TYPES)],
    upgradePolicy: { supportType: spec.supportType },
    // baton installs the add-ons as managed EKS add-ons that follow the version; EKS's unmanaged copies would not.
    bootstrapSelfManagedAddons: false,
    tags,
  }, { parent: scope.parent, dependsOn: [...clusterPolicies, logGroup] });

  return { clusterRole, ...(secretsKey ? { secretsKey } : {}), logGroup, cluster };
}
