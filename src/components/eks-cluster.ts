/**
 * One EKS cluster of a fleet: the control plane with its IAM role and secrets key, the EKS add-ons
 * (following the cluster's version), admin access entries, the cluster's managed node groups and
 * a Kubernetes provider for what the fleet puts inside the cluster.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterRoleName, derivedClusterNames, eksClusterName, loadBalancerControllerRoleName, nodeRoleName, vpcCniRoleName } from "../fleet/names.js";
import { canHostSystemPods } from "../fleet/nodegroups.js";
import { configPath, FleetSpecError, type Problem } from "../fleet/problems.js";
import { checkCluster, DEFAULT_LOG_TYPES } from "../fleet/rules/cluster.js";
import { checkAdminsAgainstDeployer } from "../fleet/rules/access.js";
import { checkSchedulableHome } from "../fleet/rules/schedulable-home.js";
import { tooLong } from "../fleet/rules/names.js";
import { checkNodeGroup } from "../fleet/rules/nodegroup.js";
import { Cluster } from "../fleet/schema.js";
import type { ApiAccessSpec, ClusterInput, ClusterSpec } from "../fleet/types.js";
import { judgeAgainstDeployed } from "../fleet/deployed.js";
import { parsePart } from "../fleet/parse-part.js";
import { isoDate } from "../fleet/versions.js";
import { AddonVersions, EKS_ADDONS, type AddonKey } from "./addons.js";
import { apiAccessRules } from "./api-access.js";
import {
  assumeRolePolicy, CLUSTER_ROLE_POLICIES, managedPolicyArn, NODE_ROLE_POLICIES, partitionOf, podIdentityTrustPolicy, VPC_CNI_ROLE_POLICIES,
} from "./iam.js";
import { awsIdentityFromConfig, kubeconfig, type AwsIdentity } from "./kubeconfig.js";
import { LoadBalancerController } from "./load-balancer-controller.js";
import { ManagedNodeGroup, type NodeGroupHost } from "./managed-node-group.js";
import { batonTags } from "./tags.js";
import { throwIfInvalid } from "./validation.js";

/** The component's part of the fleet spec, as a user writes it (see fleet/types.ts). */
export type { ClusterInput };

export interface EksNetwork {
  /** The VPC the cluster, its nodes and its target groups live in. */
  readonly vpcId: string;
  /** Subnets for the control plane's network interfaces and the nodes. AWS: at least two Availability Zones. */
  readonly subnetIds: readonly string[];
  /** Where `pulumi up` reaches the private API endpoint from: ingress on 443 to the cluster's security group. */
  readonly apiAccess?: ApiAccessSpec;
}

export interface EksClusterArgs {
  /** The fleet's name: the first part of every AWS name the cluster derives. */
  readonly fleetName: string;
  /** The cluster's name in the fleet (its key under `clusters:`). @default the component's name */
  readonly clusterName?: string;
  /** The cluster's settings, exactly as under `baton:fleet.clusters.<name>`; checked with the spec's rules. */
  readonly spec: ClusterInput;
  readonly network: EksNetwork;
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
  /**
   * The cluster as deployed, when known: a problem it already has that `spec` does not make worse
   * (a version since past EKS support) is a warning, not an error, so the fix can be applied.
   */
  readonly deployed?: ClusterInput;
  /** Shared add-on version lookups (a fleet passes one for all its clusters). @default a new lookup per cluster */
  readonly addonVersions?: AddonVersions;
  /** AWS region, for the kubeconfig and managed policy ARNs. @default the aws:region config */
  readonly region?: string;
  /**
   * The IAM principal `pulumi up` runs as, when known: an `admins` entry for it is refused, since EKS
   * already made its access entry when it created the cluster. @default unknown: not checked
   */
  readonly deployerArn?: string;
  /**
   * The AWS identity the kubeconfig's `aws eks get-token` signs with: it must be the identity the
   * AWS provider deploys as. @default the stack's aws:profile and aws:assumeRoles
   */
  readonly kubeconfigIdentity?: AwsIdentity;
}

/** The log group EKS writes a cluster's control-plane logs to (fixed by EKS). */
export const controlPlaneLogGroupName = (eksClusterName: string) => `/aws/eks/${eksClusterName}/cluster`;

/** The VPC CNI's service account, which its Pod Identity association (and so its role's trust) names. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

/** EKS's access policy for cluster admins, granted to `admins` through access entries. */
const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

export class EksCluster extends pulumi.ComponentResource implements NodeGroupHost {
  readonly fleetName: string;
  readonly clusterName: string;
  /** The validated spec, defaults applied. */
  readonly spec: ClusterSpec;
  readonly subnetIds: readonly string[];
  readonly vpcId: string;
  readonly cluster: aws.eks.Cluster;
  /** The control-plane log group, created before the cluster so it carries a retention. */
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly clusterRole: aws.iam.Role;
  readonly nodeRole: aws.iam.Role;
  readonly vpcCniRole: aws.iam.Role;
  /** The key that encrypts Kubernetes secrets; absent when the spec brings its own (`secretsKmsKeyArn`). */
  readonly secretsKey?: aws.kms.Key;
  readonly addons: Readonly<Record<AddonKey, aws.eks.Addon>>;
  readonly nodeGroups: Readonly<Record<string, ManagedNodeGroup>>;
  /** What a node group waits for: the node role's policies and the add-ons nodes need to become Ready. */
  readonly nodePrerequisites: readonly pulumi.Resource[];
  /** A Kubernetes provider for this cluster (its API endpoint is private unless the spec opts out). */
  readonly kubernetesProvider: k8s.Provider;
  /** Where `pulumi up` reaches the API from, as given in the network. */
  readonly apiAccess?: ApiAccessSpec;
  /** Ingress on 443 to the cluster's security group, one per `apiAccess` source; the Kubernetes provider waits for them. */
  readonly apiAccessRules: readonly aws.vpc.SecurityGroupIngressRule[];
  /** The node groups CoreDNS and the AWS Load Balancer Controller can run on (not retiring, nodes, no repelling taint). */
  readonly systemNodeGroups: readonly ManagedNodeGroup[];
  private readonly region: string | undefined;
  private controller?: LoadBalancerController;
  private readonly namespaces = new Map<string, k8s.core.v1.Namespace>();
  readonly endpoint: pulumi.Output<string>;
  readonly eksName: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const clusterName = args.clusterName ?? name;
    const today = args.today ?? isoDate(new Date());
    const spec = validateCluster(args.fleetName, clusterName, args.spec, today, args.deployed, args.deployerArn);
    super("baton:components:EksCluster", name, {}, opts);

    this.fleetName = args.fleetName;
    this.clusterName = clusterName;
    this.spec = spec;
    this.subnetIds = args.network.subnetIds;
    this.vpcId = args.network.vpcId;
    const region = args.region ?? aws.config.region;
    this.region = region;
    this.apiAccess = args.network.apiAccess;
    const partition = partitionOf(region);
    const prefix = eksClusterName(args.fleetName, clusterName);
    const tags = batonTags({ fleet: args.fleetName, cluster: clusterName });
    const parent = { parent: this };

    // Control-plane role: only what EKS requires to manage the cluster.
    this.clusterRole = new aws.iam.Role(`${prefix}-cluster`, {
      name: clusterRoleName(args.fleetName, clusterName),
      description: `EKS control plane of ${prefix} (baton)`,
      assumeRolePolicy: assumeRolePolicy("eks.amazonaws.com"),
      tags,
    }, parent);
    const clusterPolicies = CLUSTER_ROLE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${prefix}-cluster-${policy}`, {
      role: this.clusterRole.name, policyArn: managedPolicyArn(partition, policy),
    }, parent));

    if (spec.secretsKmsKeyArn === undefined) {
      this.secretsKey = new aws.kms.Key(`${prefix}-secrets`, {
        description: `Envelope encryption of Kubernetes secrets in ${prefix} (baton)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      }, parent);
    }
    const secretsKeyArn: pulumi.Input<string> = spec.secretsKmsKeyArn ?? this.secretsKey!.arn;

    // EKS writes control-plane logs to this group and, when it does not exist, creates it with no
    // retention (kept and billed forever). Created first, it carries the spec's retention.
    this.logGroup = new aws.cloudwatch.LogGroup(`${prefix}-control-plane`, {
      name: controlPlaneLogGroupName(prefix),
      retentionInDays: spec.logRetentionDays,
      tags,
    }, parent);

    this.cluster = new aws.eks.Cluster(prefix, {
      name: prefix,
      version: spec.version,
      roleArn: this.clusterRole.arn,
      vpcConfig: {
        subnetIds: [...args.network.subnetIds],
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
    }, { parent: this, dependsOn: [...clusterPolicies, this.logGroup] });
    this.eksName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;

    for (const principalArn of spec.admins) {
      const suffix = principalArn.split(":").pop()!.replace(/[^A-Za-z0-9-]/g, "-");
      const entry = new aws.eks.AccessEntry(`${prefix}-admin-${suffix}`, {
        clusterName: this.cluster.name, principalArn, type: "STANDARD", tags,
      }, parent);
      new aws.eks.AccessPolicyAssociation(`${prefix}-admin-${suffix}`, {
        clusterName: this.cluster.name, principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
        accessScope: { type: "cluster" },
      }, parent);
    }

    // Nodes: one role for the cluster's groups; EKS creates their access entries itself.
    this.nodeRole = new aws.iam.Role(`${prefix}-node`, {
      name: nodeRoleName(args.fleetName, clusterName),
      description: `Nodes of ${prefix} (baton)`,
      assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com"),
      tags,
    }, parent);
    const nodePolicies = NODE_ROLE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${prefix}-node-${policy}`, {
      role: this.nodeRole.name, policyArn: managedPolicyArn(partition, policy),
    }, parent));

    // The VPC CNI gets its network permissions through EKS Pod Identity, not through every node.
    this.vpcCniRole = new aws.iam.Role(`${prefix}-vpc-cni`, {
      name: vpcCniRoleName(args.fleetName, clusterName),
      description: `VPC CNI of ${prefix} (baton)`,
      assumeRolePolicy: podIdentityTrustPolicy(prefix, VPC_CNI_SERVICE_ACCOUNT.namespace, VPC_CNI_SERVICE_ACCOUNT.name),
      tags,
    }, parent);
    const cniPolicies = VPC_CNI_ROLE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${prefix}-vpc-cni-${policy}`, {
      role: this.vpcCniRole.name, policyArn: managedPolicyArn(partition, policy),
    }, parent));

    const versions = args.addonVersions ?? new AddonVersions();
    const addons: Partial<Record<AddonKey, aws.eks.Addon>> = {};
    const addon = (key: AddonKey, dependsOn: pulumi.Resource[], extra: Partial<aws.eks.AddonArgs> = {}) => {
      const definition = EKS_ADDONS.find((a) => a.key === key)!;
      addons[key] = new aws.eks.Addon(`${prefix}-${definition.addonName}`, {
        clusterName: this.cluster.name,
        addonName: definition.addonName,
        addonVersion: versions.versionFor(definition, spec, prefix),
        resolveConflictsOnCreate: "OVERWRITE",
        // Keep settings someone changed in the cluster; the version still moves.
        resolveConflictsOnUpdate: "PRESERVE",
        tags,
        ...extra,
      }, { parent: this, dependsOn });
      return addons[key]!;
    };
    const podIdentityAgent = addon("podIdentityAgent", []);
    const kubeProxy = addon("kubeProxy", []);
    const vpcCni = addon("vpcCni", [podIdentityAgent, ...cniPolicies], {
      podIdentityAssociations: [{ serviceAccount: VPC_CNI_SERVICE_ACCOUNT.name, roleArn: this.vpcCniRole.arn }],
    });
    this.nodePrerequisites = [...nodePolicies, podIdentityAgent, kubeProxy, vpcCni];

    const nodeGroups: Record<string, ManagedNodeGroup> = {};
    for (const [groupName, group] of Object.entries(spec.nodeGroups)) {
      nodeGroups[groupName] = new ManagedNodeGroup(`${prefix}-${groupName}`, {
        cluster: this, nodeGroupName: groupName, spec: group, today,
        ...(args.deployed?.nodeGroups?.[groupName] !== undefined ? { deployed: args.deployed.nodeGroups[groupName] } : {}),
      }, parent);
    }
    this.nodeGroups = nodeGroups;
    // CoreDNS's pods need nodes: created (and upgraded) after the node groups.
    addon("coreDns", Object.values(nodeGroups));
    this.addons = addons as Record<AddonKey, aws.eks.Addon>;

    this.systemNodeGroups = Object.values(nodeGroups).filter((group) => canHostSystemPods(group.spec));
    this.apiAccessRules = apiAccessRules(prefix, this.cluster, args.network.apiAccess, tags, this);
    // The provider reaches the API only once the rules admit the deployer.
    this.kubernetesProvider = new k8s.Provider(prefix, {
      kubeconfig: kubeconfig(this.cluster, region, args.kubeconfigIdentity ?? awsIdentityFromConfig()),
    }, { parent: this, dependsOn: [...this.apiAccessRules] });

    this.registerOutputs({
      name: this.eksName,
      version: this.cluster.version,
      endpoint: this.endpoint,
      nodeGroups: Object.fromEntries(Object.entries(nodeGroups).map(([n, g]) => [n, g.nodeGroupName])),
    });
  }

  /** The AWS Load Balancer Controller, once a binding has asked for it; absent when the spec opts out. */
  get loadBalancerController(): LoadBalancerController | undefined {
    return this.controller;
  }

  /**
   * What a TargetGroupBinding in `namespace` must be created after and deleted before: the
   * controller (its CRD and fail-closed webhooks; installed on first use unless the spec opts
   * out), the namespace (created on first use unless the spec lists it in existingNamespaces,
   * shared by every service in it) and the node groups the controller runs on, whose pods clear
   * the binding's finalizer when it is deleted.
   */
  bindingPrerequisites(namespace: string): pulumi.Resource[] {
    const controller = this.spec.loadBalancerController.install ? this.installController() : undefined;
    const ns = this.spec.existingNamespaces.includes(namespace) ? undefined : this.namespace(namespace);
    return [...(controller ? [controller.release] : []), ...(ns ? [ns] : []), ...this.systemNodeGroups];
  }

  private installController(): LoadBalancerController {
    if (this.controller === undefined) {
      const prefix = eksClusterName(this.fleetName, this.clusterName);
      this.controller = new LoadBalancerController(`${prefix}-lbc`, {
        clusterName: this.eksName,
        // The provider's own region when the stack does not set aws:region (it may come from AWS_REGION).
        region: this.region ?? aws.getRegionOutput({}, { parent: this }).region,
        partition: partitionOf(this.region),
        vpcId: this.vpcId,
        roleName: loadBalancerControllerRoleName(this.fleetName, this.clusterName),
        ...(this.spec.loadBalancerController.chartVersion !== undefined ? { chartVersion: this.spec.loadBalancerController.chartVersion } : {}),
        provider: this.kubernetesProvider,
        // Credentials come from the Pod Identity agent, names resolve through CoreDNS, and the pods need nodes.
        dependsOn: [this.addons.podIdentityAgent, this.addons.coreDns, ...this.systemNodeGroups],
        tags: batonTags({ fleet: this.fleetName, cluster: this.clusterName }),
      }, { parent: this });
    }
    return this.controller;
  }

  /** The namespace, created once per cluster however many services live in it. Never deleted: it may hold the team's workloads. */
  private namespace(name: string): k8s.core.v1.Namespace {
    let ns = this.namespaces.get(name);
    if (ns === undefined) {
      const prefix = eksClusterName(this.fleetName, this.clusterName);
      ns = new k8s.core.v1.Namespace(`${prefix}-ns-${name}`, {
        metadata: { name, labels: { "app.kubernetes.io/managed-by": "baton" } },
      }, { parent: this, provider: this.kubernetesProvider, retainOnDelete: true });
      this.namespaces.set(name, ns);
    }
    return ns;
  }
}

/** The cluster's part of the spec, parsed and checked with the spec's rules; throws FleetSpecError with every problem. */
function validateCluster(fleetName: string, clusterName: string, input: ClusterInput, today: string, deployed: ClusterInput | undefined, deployerArn: string | undefined): ClusterSpec {
  const at = ["clusters", clusterName];
  const parsed = parsePart(Cluster, input, at);
  if (!parsed.ok) throw new FleetSpecError(parsed.problems, `EksCluster ${clusterName}: the spec is invalid`);
  const problems = clusterRuleProblems(fleetName, clusterName, parsed.value, today);
  const was = deployed === undefined ? undefined : parsePart(Cluster, deployed, at);
  // Who deploys is not a property of the deployed config: an admins entry for the deployer is refused either way.
  const deployer = checkAdminsAgainstDeployer(parsed.value.admins, deployerArn, `${configPath(at)}.admins`);
  throwIfInvalid([...(was?.ok ? judgeAgainstDeployed(problems, clusterRuleProblems(fleetName, clusterName, was.value, today)) : problems), ...deployer], `EksCluster ${clusterName}`);
  return parsed.value;
}

function clusterRuleProblems(fleetName: string, clusterName: string, spec: ClusterSpec, today: string): Problem[] {
  const path = configPath(["clusters", clusterName]);
  const problems: Problem[] = [
    ...checkCluster(spec, path, today),
    // A cluster built with no node groups gets them from its author's own ManagedNodeGroups; one that lists them keeps a home.
    ...(Object.keys(spec.nodeGroups).length > 0 ? checkSchedulableHome(spec, path) : []),
    ...tooLong(derivedClusterNames(fleetName, clusterName), path, clusterName),
  ];
  for (const [groupName, group] of Object.entries(spec.nodeGroups)) problems.push(...checkNodeGroup(spec, group, `${path}.nodeGroups.${groupName}`, today));
  return problems;
}
