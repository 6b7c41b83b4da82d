/**
 * The EKS add-ons of one cluster, in the two phases EKS needs: the Pod Identity agent, kube-proxy
 * and the VPC CNI (with its own Pod Identity role) before any node, CoreDNS after the node groups.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { vpcCniRoleName } from "../fleet/names.js";
import { type AddonKey, type AddonVersions, EKS_ADDONS } from "./addons.js";
import type { ClusterScope } from "./cluster-scope.js";
import { managedPolicyArn, podIdentityTrustPolicy, VPC_CNI_ROLE_POLICIES } from "./iam.js";

/** The VPC CNI's service account, which its Pod Identity association (and so its role's trust) names. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

export interface NodeAddons {
  readonly podIdentityAgent: aws.eks.Addon;
  readonly kubeProxy: aws.eks.Addon;
  readonly vpcCni: aws.eks.Addon;
  /** The VPC CNI's network permissions, through EKS Pod Identity rather than on every node. */
  readonly vpcCniRole: aws.iam.Role;
}

function addon(scope: ClusterScope, cluster: aws.eks.Cluster, versions: AddonVersions, key: AddonKey, dependsOn: pulumi.Resource[], extra: Partial<aws.eks.AddonArgs> = {}): aws.eks.Addon {
  const definition = EKS_ADDONS.find((a) => a.key === key)!;
  return new aws.eks.Addon(`${scope.prefix}-${definition.addonName}`, {
    clusterName: cluster.name,
    addonName: definition.addonName,
    addonVersion: versions.versionFor(definition, scope.spec, scope.prefix),
    resolveConflictsOnCreate: "OVERWRITE",
    // Keep settings someone changed in the cluster; the version still moves.
    resolveConflictsOnUpdate: "PRESERVE",
    tags: scope.tags,
    ...extra,
  }, { parent: scope.parent, dependsOn });
}

/** The add-ons nodes need to become Ready: credentials, Service routing and pod networking. */
export function installNodeAddons(scope: ClusterScope, cluster: aws.eks.Cluster, versions: AddonVersions): NodeAddons {
  const { prefix, tags, partition } = scope;
  const vpcCniRole = new aws.iam.Role(`${prefix}-vpc-cni`, {
    name: vpcCniRoleName(scope.fleetName, scope.clusterName),
    description: `VPC CNI of ${prefix} (baton)`,
    assumeRolePolicy: podIdentityTrustPolicy(prefix, VPC_CNI_SERVICE_ACCOUNT.namespace, VPC_CNI_SERVICE_ACCOUNT.name),
    tags,
  }, { parent: scope.parent });
  const cniPolicies = VPC_CNI_ROLE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${prefix}-vpc-cni-${policy}`, {
    role: vpcCniRole.name, policyArn: managedPolicyArn(partition, policy),
  }, { parent: scope.parent }));

  const podIdentityAgent = addon(scope, cluster, versions, "podIdentityAgent", []);
  const kubeProxy = addon(scope, cluster, versions, "kubeProxy", []);
  const vpcCni = addon(scope, cluster, versions, "vpcCni", [podIdentityAgent, ...cniPolicies], {
    podIdentityAssociations: [{ serviceAccount: VPC_CNI_SERVICE_ACCOUNT.name, roleArn: vpcCniRole.arn }],
  });
  return { podIdentityAgent, kubeProxy, vpcCni, vpcCniRole };
}

/** CoreDNS's pods need nodes: created (and upgraded) after the node groups. */
export function installCoreDns(scope: ClusterScope, cluster: aws.eks.Cluster, versions: AddonVersions, nodeGroups: readonly pulumi.Resource[]): aws.eks.Addon {
  return addon(scope, cluster, versions, "coreDns", [...nodeGroups]);
}
