/**
 * IAM documents written out rather than fetched: the fleet program must not invoke a provider
 * function per role (a 300-cluster preview would make hundreds of calls for constant JSON).
 */

/** The AWS partition of a region (managed policy ARNs differ in China and GovCloud). */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith("cn-")) return "aws-cn";
  if (region?.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** An AWS managed policy's ARN. */
export function managedPolicyArn(partition: string, policy: string): string {
  return `arn:${partition}:iam::aws:policy/${policy}`;
}

/** A trust policy that lets one AWS service principal assume the role (and tag the session, where it needs to). */
export function assumeRolePolicy(service: string, actions: readonly string[] = ["sts:AssumeRole"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions.length === 1 ? actions[0] : [...actions] }],
  });
}

/**
 * The trust policy of a role for one service account through EKS Pod Identity. Pod Identity tags
 * its session with the cluster, namespace and service account (session tags are on unless an
 * association disables them), and the conditions keep any other association in the account, in
 * another cluster or for another service account, from assuming the role.
 */
export function podIdentityTrustPolicy(clusterName: string, namespace: string, serviceAccount: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { Service: POD_IDENTITY_PRINCIPAL },
      Action: [...POD_IDENTITY_ACTIONS],
      Condition: {
        StringEquals: {
          "aws:RequestTag/eks-cluster-name": clusterName,
          "aws:RequestTag/kubernetes-namespace": namespace,
          "aws:RequestTag/kubernetes-service-account": serviceAccount,
        },
      },
    }],
  });
}

/** Managed policies each role gets, and nothing more. */
export const CLUSTER_ROLE_POLICIES = ["AmazonEKSClusterPolicy"] as const;
/** Nodes pull images and join the cluster; pod networking rights live on the VPC CNI's own role. */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;
export const VPC_CNI_ROLE_POLICIES = ["AmazonEKS_CNI_Policy"] as const;
/** EKS Pod Identity's service principal, and the actions its trust policy must allow. */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";
export const POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"] as const;
