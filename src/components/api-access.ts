/**
 * Ingress on TCP 443 to an EKS cluster's security group from where `pulumi up` runs. EKS creates
 * the cluster security group admitting only itself (the control plane and the nodes), so without
 * these rules the Kubernetes provider cannot reach a private endpoint, even from inside the VPC.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ApiAccessSpec } from "../fleet/types.js";

/** The port of the EKS API server endpoint. */
export const KUBERNETES_API_PORT = 443;

/** One rule per security group and per CIDR of `network.apiAccess`, each named after its source. */
export function apiAccessRules(
  prefix: string, cluster: aws.eks.Cluster, access: ApiAccessSpec | undefined, tags: Record<string, string>, parent: pulumi.Resource,
): aws.vpc.SecurityGroupIngressRule[] {
  const rule = (source: string, from: Partial<aws.vpc.SecurityGroupIngressRuleArgs>, description: string) =>
    new aws.vpc.SecurityGroupIngressRule(`${prefix}-api-${source.replace(/[^A-Za-z0-9-]/g, "-")}`, {
      securityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: KUBERNETES_API_PORT,
      toPort: KUBERNETES_API_PORT,
      description,
      tags,
      ...from,
    }, { parent });
  return [
    ...(access?.securityGroupIds ?? []).map((id) => rule(id, { referencedSecurityGroupId: id }, `Kubernetes API of ${prefix} from ${id} (baton network.apiAccess)`)),
    ...(access?.cidrs ?? []).map((cidr) => rule(cidr, { cidrIpv4: cidr }, `Kubernetes API of ${prefix} from ${cidr} (baton network.apiAccess)`)),
  ];
}
