/**
 * Which input changes make the provider replace a resource, for every resource type the fleet
 * registers. Written from the provider documentation (the AWS provider's "forces new resource"
 * arguments, which @pulumi/aws bridges), the AWS API references (what an Update* call can change),
 * @pulumi/kubernetes' own rule (a Kubernetes object is replaced only when its name or namespace
 * changes) and, for the TargetGroupBinding, the fields the AWS Load Balancer Controller's webhook
 * refuses to update. A changed path listed under neither `replaces` nor `inPlace` is reported as
 * "may replace": baton does not guess.
 *
 * Plain data with no Pulumi import: the spec's transition rules (which change replaces something a
 * serving cluster needs) and the preview's diff read the same table.
 */

export interface ReplacementRule {
  /** Input paths whose change makes the provider replace the resource (a path covers everything below it). */
  readonly replaces: readonly string[];
  /** Input paths the provider updates in place. */
  readonly inPlace: readonly string[];
  /** Why a replacement happens, in one clause a reviewer reads. */
  readonly why: string;
  /**
   * Paths the provider would patch in place but something downstream refuses to change (the
   * controller's admission webhook): the update fails at deploy time unless the resource lists
   * them in `replaceOnChanges`.
   */
  readonly refusedUpdates?: readonly string[];
  /** Who refuses `refusedUpdates`, and with what message. */
  readonly refusedBy?: string;
}

/**
 * @pulumi/kubernetes replaces an object when its name or namespace (or its group, version and
 * kind) changes; every other change is a patch. A custom resource gets no other rule.
 */
export const KUBERNETES_IDENTITY = ["metadata.name", "metadata.namespace", "apiVersion", "kind"] as const;

/**
 * The TargetGroupBinding fields the AWS Load Balancer Controller's validating webhook refuses to
 * change (`checkImmutableFields` in webhooks/elbv2/targetgroupbinding_validator.go: "TargetGroupBinding
 * update may not change these immutable fields"). @pulumi/kubernetes would patch them in place, so
 * baton's binding lists them in `replaceOnChanges` and a change replaces the binding instead.
 */
export const TARGET_GROUP_BINDING_IMMUTABLE_FIELDS = ["spec.targetGroupARN", "spec.targetType", "spec.ipAddressType", "spec.vpcID"] as const;

export const TARGET_GROUP_BINDING_TYPE = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
export const TARGET_GROUP_TYPE = "aws:lb/targetGroup:TargetGroup";

export const REPLACEMENT_TABLE: Readonly<Record<string, ReplacementRule>> = {
  "aws:eks/cluster:Cluster": {
    // EKS cannot rename a cluster, change its role, re-key or remove envelope encryption, or change its Kubernetes network.
    replaces: [
      "name", "roleArn", "encryptionConfig.provider", "encryptionConfig.resources", "kubernetesNetworkConfig",
      "accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons", "outpostConfig",
    ],
    // UpdateClusterVersion, UpdateClusterConfig (logging, endpoint access, access mode, upgrade policy), tags.
    inPlace: [
      "version", "enabledClusterLogTypes", "upgradePolicy", "accessConfig.authenticationMode",
      "vpcConfig.endpointPrivateAccess", "vpcConfig.endpointPublicAccess", "vpcConfig.publicAccessCidrs",
      "zonalShiftConfig", "tags",
    ],
    why: "EKS cannot change a cluster's name, role, secrets encryption or network settings in place",
  },
  "aws:eks/nodeGroup:NodeGroup": {
    replaces: [
      "clusterName", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "subnetIds", "amiType", "capacityType",
      "instanceTypes", "diskSize", "remoteAccess", "launchTemplate.id", "launchTemplate.name",
    ],
    // UpdateNodegroupVersion (version, release, launch template version) and UpdateNodegroupConfig.
    inPlace: [
      "version", "releaseVersion", "forceUpdateVersion", "launchTemplate.version", "scalingConfig", "updateConfig",
      "labels", "taints", "nodeRepairConfig", "tags",
    ],
    why: "EKS cannot change a managed node group's instance types, capacity type, AMI type, subnets or role in place",
  },
  "aws:ec2/launchTemplate:LaunchTemplate": {
    replaces: ["name", "namePrefix"],
    // Any other change creates a new template version; the node group rolls onto it.
    inPlace: [
      "description", "updateDefaultVersion", "metadataOptions", "blockDeviceMappings", "tagSpecifications", "userData",
      "imageId", "instanceType", "vpcSecurityGroupIds", "tags",
    ],
    why: "a launch template cannot be renamed",
  },
  "aws:eks/addon:Addon": {
    replaces: ["clusterName", "addonName"],
    inPlace: ["addonVersion", "resolveConflictsOnCreate", "resolveConflictsOnUpdate", "configurationValues", "serviceAccountRoleArn", "podIdentityAssociations", "preserve", "tags"],
    why: "an add-on belongs to one cluster under one name",
  },
  "aws:eks/accessEntry:AccessEntry": {
    replaces: ["clusterName", "principalArn", "type"],
    inPlace: ["kubernetesGroups", "userName", "tags"],
    why: "an access entry is keyed by its cluster, principal and type",
  },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
    // EKS has no update call for an association: every field is fixed.
    replaces: ["clusterName", "principalArn", "policyArn", "accessScope"],
    inPlace: [],
    why: "EKS cannot change an access policy association; it is deleted and created again",
  },
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
    replaces: ["clusterName", "namespace", "serviceAccount"],
    inPlace: ["roleArn", "targetRoleArn", "disableSessionTags", "tags"],
    why: "a pod identity association is keyed by cluster, namespace and service account",
  },
  "aws:iam/role:Role": {
    replaces: ["name", "namePrefix", "path"],
    inPlace: ["description", "assumeRolePolicy", "maxSessionDuration", "permissionsBoundary", "inlinePolicies", "managedPolicyArns", "forceDetachPolicies", "tags"],
    why: "IAM cannot rename a role or change its path",
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    replaces: ["role", "policyArn"],
    inPlace: [],
    why: "an attachment is a (role, policy) pair; a new pair is a new attachment",
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    replaces: ["name", "namePrefix", "logGroupClass"],
    inPlace: ["retentionInDays", "kmsKeyId", "skipDestroy", "tags"],
    why: "CloudWatch Logs cannot rename a log group or change its class",
  },
  "aws:kms/key:Key": {
    replaces: ["customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
    inPlace: ["description", "enableKeyRotation", "rotationPeriodInDays", "deletionWindowInDays", "policy", "isEnabled", "bypassPolicyLockoutSafetyCheck", "tags"],
    why: "KMS cannot change a key's spec, usage or key store",
  },
  [TARGET_GROUP_TYPE]: {
    replaces: ["name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType"],
    inPlace: ["healthCheck", "stickiness", "deregistrationDelay", "slowStart", "loadBalancingAlgorithmType", "tags"],
    why: "ELB cannot change a target group's port, protocol, target type or VPC",
  },
  "aws:lb/listenerRule:ListenerRule": {
    replaces: ["listenerArn"],
    // ModifyRule (actions, conditions) and SetRulePriorities.
    inPlace: ["priority", "actions", "conditions", "tags"],
    why: "a listener rule belongs to one listener",
  },
  "aws:route53/record:Record": {
    replaces: ["zoneId", "name"],
    // One ChangeResourceRecordSets batch: weight, alias target, TTL and records change in place.
    inPlace: ["type", "setIdentifier", "weightedRoutingPolicies", "aliases", "ttl", "records", "healthCheckId", "allowOverwrite"],
    why: "a record set is keyed by its hosted zone and name",
  },
  [TARGET_GROUP_BINDING_TYPE]: {
    // The provider's own rule only; baton's binding adds the immutable fields through replaceOnChanges.
    replaces: [...KUBERNETES_IDENTITY],
    inPlace: ["metadata.labels", "metadata.annotations", "spec.serviceRef", "spec.networking", "spec.nodeSelector", "spec.targetGroupName", "spec.multiClusterTargetGroup"],
    refusedUpdates: [...TARGET_GROUP_BINDING_IMMUTABLE_FIELDS],
    refusedBy: "the AWS Load Balancer Controller's webhook",
    why: "@pulumi/kubernetes replaces a Kubernetes object when its name or namespace changes",
  },
  "pulumi:providers:kubernetes": {
    replaces: [],
    inPlace: [],
    why: "the Kubernetes provider decides from the kubeconfig whether the resources it manages must move",
  },
};

/** Paths of a diff below the given input path: `vpcConfig.subnetIds[0]` is below `vpcConfig.subnetIds`. */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

export interface ReplacementVerdict {
  readonly op: "update" | "replace" | "may-replace";
  /** The paths that force (replace) or may force (may-replace) the replacement. */
  readonly paths: readonly string[];
  readonly reason?: string;
}

/**
 * Decides whether changing `paths` of a resource of `type` replaces it, from the table and the
 * resource's own `replaceOnChanges` (the engine replaces a resource when a changed path is under
 * one of them, whatever the provider says).
 */
export function classifyUpdate(type: string, paths: readonly string[], replaceOnChanges: readonly string[] = []): ReplacementVerdict {
  const rule = REPLACEMENT_TABLE[type];
  const byOption = paths.filter((p) => replaceOnChanges.some((r) => isUnder(p, r)));
  if (rule === undefined) {
    if (byOption.length > 0) return { op: "replace", paths: byOption, reason: `${byOption.join(", ")} changed, and the resource lists it in replaceOnChanges` };
    return { op: "may-replace", paths, reason: `baton has no replacement table for ${type}; the provider decides at deploy time` };
  }
  const byProvider = paths.filter((p) => rule.replaces.some((r) => isUnder(p, r)));
  if (byProvider.length > 0) return { op: "replace", paths: [...new Set([...byProvider, ...byOption])], reason: `${byProvider.join(", ")} changed: ${rule.why}` };
  if (byOption.length > 0) {
    const refused = byOption.some((p) => (rule.refusedUpdates ?? []).some((r) => isUnder(p, r)));
    return {
      op: "replace", paths: byOption,
      reason: `${byOption.join(", ")} changed: ${refused ? `${rule.refusedBy ?? "its controller"} refuses to update it, so the resource lists it in replaceOnChanges and is replaced` : "the resource lists it in replaceOnChanges"}`,
    };
  }
  const refused = paths.filter((p) => (rule.refusedUpdates ?? []).some((r) => isUnder(p, r)));
  if (refused.length > 0) {
    return {
      op: "may-replace", paths: refused,
      reason: `${refused.join(", ")} changed: the provider would update it in place, and ${rule.refusedBy ?? "its controller"} refuses that update; list it in replaceOnChanges so the resource is replaced instead`,
    };
  }
  const unknown = paths.filter((p) => !rule.inPlace.some((r) => isUnder(p, r)));
  if (unknown.length > 0) {
    return { op: "may-replace", paths: unknown, reason: `baton does not know whether ${unknown.join(", ")} can change in place; the provider decides at deploy time` };
  }
  return { op: "update", paths: [] };
}
