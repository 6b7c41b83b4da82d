/**
 * The nodes of one cluster: the role its managed node groups share (EKS creates their access
 * entries itself), and one `ManagedNodeGroup` per entry of the spec's `nodeGroups`.
 */
import * as aws from "@pulumi/aws";
import { nodeRoleName } from "../fleet/names.js";
import type { ClusterInput } from "./eks-cluster.js";
import type { ClusterScope } from "./cluster-scope.js";
import { assumeRolePolicy, managedPolicyArn, NODE_ROLE_POLICIES } from "./iam.js";
import { ManagedNodeGroup, type NodeGroupHost } from "./managed-node-group.js";

export interface NodeRole {
  readonly role: aws.iam.Role;
  /** The managed policies attached to it: a node group waits for them. */
  readonly policies: readonly aws.iam.RolePolicyAttachment[];
}

export function createNodeRole(scope: ClusterScope): NodeRole {
  const { prefix, tags, partition } = scope;
  const role = new aws.iam.Role(`${prefix}-node`, {
    name: nodeRoleName(scope.fleetName, scope.clusterName),
    description: `Nodes of ${prefix} (baton)`,
    assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com"),
    tags,
  }, { parent: scope.parent });
  const policies = NODE_ROLE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${prefix}-node-${policy}`, {
    role: role.name, policyArn: managedPolicyArn(partition, policy),
  }, { parent: scope.parent }));
  return { role, policies };
}

/** One component per spec node group, each judged against the deployed group when known. */
export function createNodeGroups(scope: ClusterScope, host: NodeGroupHost, today: string, deployed: ClusterInput | undefined, lastDeployed: ClusterInput | false | undefined): Record<string, ManagedNodeGroup> {
  const nodeGroups: Record<string, ManagedNodeGroup> = {};
  for (const [groupName, group] of Object.entries(scope.spec.nodeGroups)) {
    const was = deployed?.nodeGroups?.[groupName];
    // A group the last deployment did not have is new: nothing runs to read a size from.
    const last = lastDeployed === false ? false : lastDeployed?.nodeGroups?.[groupName];
    nodeGroups[groupName] = new ManagedNodeGroup(`${scope.prefix}-${groupName}`, {
      cluster: host, nodeGroupName: groupName, spec: group, today,
      ...(was !== undefined ? { deployed: was } : {}),
      ...(lastDeployed !== undefined ? { lastDeployed: last ?? false } : {}),
    }, { parent: scope.parent });
  }
  return nodeGroups;
}
