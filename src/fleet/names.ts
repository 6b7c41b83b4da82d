/**
 * The AWS and Kubernetes names baton derives from fleet, cluster, node group and service names.
 * Components call these, and `rules/names.ts` checks that each fits its AWS limit, so a name
 * that is too long fails validation instead of failing half-way through `pulumi up`.
 */
export interface DerivedName {
  readonly what: string;
  readonly value: string;
  readonly limit: number;
}

/** EKS cluster name. AWS: 1–100 characters. */
export const eksClusterName = (fleet: string, cluster: string) => `${fleet}-${cluster}`;

/** Managed node group name prefix; Pulumi adds an 8-character random suffix so a replacement can be created before the old group is deleted. AWS: 1–63 characters. */
export const nodeGroupNamePrefix = (fleet: string, cluster: string, nodeGroup: string) => `${fleet}-${cluster}-${nodeGroup}`;

/**
 * ALB target group name prefix: one group per service per cluster. Pulumi adds an 8-character random
 * suffix so a replacement (a new port) can be created before the old group is deleted. AWS: at most 32 characters.
 */
export const targetGroupName = (fleet: string, service: string, cluster: string) => `${fleet}-${service}-${cluster}`;

/** IAM role names. AWS: at most 64 characters. */
export const clusterRoleName = (fleet: string, cluster: string) => `${fleet}-${cluster}-cluster`;
/** One node role per cluster, shared by its node groups: keeps a large fleet inside IAM's per-account role quota. */
export const nodeRoleName = (fleet: string, cluster: string) => `${fleet}-${cluster}-node`;
/** The VPC CNI's own role (EKS Pod Identity), so the node role needs no network permissions. */
export const vpcCniRoleName = (fleet: string, cluster: string) => `${fleet}-${cluster}-vpc-cni`;

/** The AWS Load Balancer Controller's role (EKS Pod Identity); shorter than the cluster role's name, so never the one that hits the limit. */
export const loadBalancerControllerRoleName = (fleet: string, cluster: string) => `${fleet}-${cluster}-lbc`;

/** Route53 weighted record set identifier: the cluster name. AWS: 1–128 characters. */
export const setIdentifier = (fleet: string, cluster: string) => `${fleet}-${cluster}`;

/** Pulumi's random suffix on auto-named resources ("-" and 7 characters). */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** A name as AWS will see it once Pulumi's autonaming suffix is added. */
const withAutonameSuffix = (prefix: string) => `${prefix}-${"x".repeat(AUTONAME_SUFFIX_LENGTH - 1)}`;

export function derivedClusterNames(fleet: string, cluster: string): DerivedName[] {
  return [
    { what: "EKS cluster name", value: eksClusterName(fleet, cluster), limit: 100 },
    { what: "cluster IAM role name", value: clusterRoleName(fleet, cluster), limit: 64 },
    { what: "node IAM role name", value: nodeRoleName(fleet, cluster), limit: 64 },
    { what: "VPC CNI IAM role name", value: vpcCniRoleName(fleet, cluster), limit: 64 },
    { what: "AWS Load Balancer Controller IAM role name", value: loadBalancerControllerRoleName(fleet, cluster), limit: 64 },
  ];
}

export function derivedNodeGroupNames(fleet: string, cluster: string, nodeGroup: string): DerivedName[] {
  return [
    { what: "node group name (with Pulumi's 8-character suffix)", value: withAutonameSuffix(nodeGroupNamePrefix(fleet, cluster, nodeGroup)), limit: 63 },
  ];
}

export function derivedServiceNames(fleet: string, service: string, cluster: string): DerivedName[] {
  return [{ what: "target group name (with Pulumi's 8-character suffix)", value: withAutonameSuffix(targetGroupName(fleet, service, cluster)), limit: 32 }];
}
