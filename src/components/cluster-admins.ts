/**
 * Who administers a cluster besides the identity that created it: one EKS access entry with the
 * cluster-admin access policy per ARN in the spec's `admins`.
 */
import * as aws from "@pulumi/aws";
import type { ClusterScope } from "./cluster-scope.js";

/** EKS's access policy for cluster admins, granted to `admins` through access entries. */
const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

export function grantClusterAdmins(scope: ClusterScope, cluster: aws.eks.Cluster): void {
  const { prefix, tags, partition } = scope;
  const parent = { parent: scope.parent };
  for (const principalArn of scope.spec.admins) {
    const suffix = principalArn.split(":").pop()!.replace(/[^A-Za-z0-9-]/g, "-");
    const entry = new aws.eks.AccessEntry(`${prefix}-admin-${suffix}`, {
      clusterName: cluster.name, principalArn, type: "STANDARD", tags,
    }, parent);
    new aws.eks.AccessPolicyAssociation(`${prefix}-admin-${suffix}`, {
      clusterName: cluster.name, principalArn: entry.principalArn,
      policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
      accessScope: { type: "cluster" },
    }, parent);
  }
}
