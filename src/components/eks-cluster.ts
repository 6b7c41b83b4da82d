/**
 * One EKS cluster of a fleet, built in named steps (each in its own file): the control plane
 * (`control-plane.ts`), admin access (`cluster-admins.ts`), the add-ons (`cluster-addons.ts`), the
 * node groups (`cluster-nodes.ts`), API access (`api-access.ts`) and the Kubernetes provider for
 * what the fleet puts inside the cluster (`kubeconfig.ts`). The controller and namespaces follow
 * on demand, when a binding asks for them.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { derivedClusterNames, eksClusterName, loadBalancerControllerRoleName } from "../fleet/names.js";
import { canHostSystemPods } from "../fleet/nodegroups.js";
import { configPath, FleetSpecError, type Problem } from "../fleet/problems.js";
import { checkCluster } from "../fleet/rules/cluster.js";
import { READINESS_GATE_LABEL } from "../fleet/rules/readiness-gate.js";
import { checkAdminsAgainstDeployer } from "../fleet/rules/access.js";
import { checkSchedulableHome } from "../fleet/rules/schedulable-home.js";
import { tooLong } from "../fleet/rules/names.js";
import { checkNodeGroup } from "../fleet/rules/nodegroup.js";
import { Cluster } from "../fleet/schema.js";
import type { ApiAccessSpec, ClusterInput, ClusterSpec } from "../fleet/types.js";
import { judgeAgainstDeployed } from "../fleet/deployed.js";
import { parsePart } from "../fleet/parse-part.js";
import { isoDate } from "../fleet/versions.js";
import { AddonVersions, type AddonKey } from "./addons.js";
import { apiAccessRules } from "./api-access.js";
import { grantClusterAdmins } from "./cluster-admins.js";
import { installCoreDns, installNodeAddons } from "./cluster-addons.js";
import { createNodeGroups, createNodeRole } from "./cluster-nodes.js";
import type { ClusterScope } from "./cluster-scope.js";
import { createControlPlane } from "./control-plane.js";
import { partitionOf } from "./iam.js";
import { awsIdentityFromConfig, clusterKubernetesProvider, type AwsIdentity } from "./kubeconfig.js";
import { LoadBalancerController } from "./load-balancer-controller.js";
import { ExistingLogGroups } from "./log-groups.js";
import type { ManagedNodeGroup, NodeGroupHost } from "./managed-node-group.js";
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
  /**
   * The cluster as last deployed, for what pulumi up sends (node group sizes: see
   * `ManagedNodeGroupArgs.lastDeployed`); `false`: not known. @default deployed
   */
  readonly lastDeployed?: ClusterInput | false;
  /** Shared add-on version lookups (a fleet passes one for all its clusters). @default a new lookup per cluster */
  readonly addonVersions?: AddonVersions;
  /** Shared lookup of existing control-plane log groups (a fleet passes one for all its clusters). @default one lookup per cluster */
  readonly logGroups?: ExistingLogGroups;
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

export { controlPlaneLogGroupName } from "./control-plane.js";
export { VPC_CNI_SERVICE_ACCOUNT } from "./cluster-addons.js";

export class EksCluster extends pulumi.ComponentResource implements NodeGroupHost {
  readonly fleetName: string;
  readonly clusterName: string;
  /** The validated spec, defaults applied. */
  readonly spec: ClusterSpec;
  readonly subnetIds: readonly string[];
  readonly vpcId: string;
  readonly cluster: aws.eks.Cluster;
  /**
   * The control-plane log group, created before the cluster so it carries a retention, kept when
   * the cluster leaves the stack and adopted when it comes back (see `log-groups.ts`).
   */
  readonly logGroup: Promise<aws.cloudwatch.LogGroup>;
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
  private namespaceProvider?: k8s.Provider;
  private readonly kubeconfigIdentity: AwsIdentity;
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
    this.region = args.region ?? aws.config.region;
    this.apiAccess = args.network.apiAccess;
    const prefix = eksClusterName(args.fleetName, clusterName);
    const scope: ClusterScope = {
      parent: this, fleetName: args.fleetName, clusterName, prefix, spec,
      tags: batonTags({ fleet: args.fleetName, cluster: clusterName }), partition: partitionOf(this.region),
    };

    // 1. Control plane: its role, secrets key, log group and the cluster.
    const controlPlane = createControlPlane(scope, args.network.subnetIds, args.logGroups ?? new ExistingLogGroups());
    this.clusterRole = controlPlane.clusterRole;
    if (controlPlane.secretsKey) this.secretsKey = controlPlane.secretsKey;
    this.logGroup = controlPlane.logGroup;
    this.cluster = controlPlane.cluster;
    this.eksName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;

    // 2. Access: the spec's admins, through access entries.
    grantClusterAdmins(scope, this.cluster);

    // 3. Add-ons nodes need, then 4. node groups, then CoreDNS, whose pods need the nodes.
    const nodeRole = createNodeRole(scope);
    this.nodeRole = nodeRole.role;
    const versions = args.addonVersions ?? new AddonVersions();
    const nodeAddons = installNodeAddons(scope, this.cluster, versions);
    this.vpcCniRole = nodeAddons.vpcCniRole;
    this.nodePrerequisites = [...nodeRole.policies, nodeAddons.podIdentityAgent, nodeAddons.kubeProxy, nodeAddons.vpcCni];
    this.nodeGroups = createNodeGroups(scope, this, today, args.deployed, args.lastDeployed);
    const coreDns = installCoreDns(scope, this.cluster, versions, Object.values(this.nodeGroups));
    this.addons = { podIdentityAgent: nodeAddons.podIdentityAgent, kubeProxy: nodeAddons.kubeProxy, vpcCni: nodeAddons.vpcCni, coreDns };
    this.systemNodeGroups = Object.values(this.nodeGroups).filter((group) => canHostSystemPods(group.spec));

    // 5. API access from where pulumi up runs, and 6. the Kubernetes provider that needs it.
    this.apiAccessRules = apiAccessRules(prefix, this.cluster, args.network.apiAccess, scope.tags, this);
    this.kubeconfigIdentity = args.kubeconfigIdentity ?? awsIdentityFromConfig();
    this.kubernetesProvider = clusterKubernetesProvider(prefix, this.cluster, this.region, this.kubeconfigIdentity, this.apiAccessRules, this);

    this.registerOutputs({
      name: this.eksName,
      version: this.cluster.version,
      endpoint: this.endpoint,
      nodeGroups: Object.fromEntries(Object.entries(this.nodeGroups).map(([n, g]) => [n, g.nodeGroupName])),
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
        eksName: prefix,
        clusterSecurityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId,
        targetGroupTags: batonTags({ fleet: this.fleetName, cluster: this.clusterName }),
        manageIngresses: this.spec.loadBalancerController.manageIngresses,
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

  /**
   * The namespace, created once per cluster however many services live in it, with the label that
   * turns on the controller's pod readiness gate. Never deleted (`retainOnDelete`): it may hold the
   * team's workloads. So that it can be created again after it left the stack (a decommission
   * and re-add, a service unbound and bound again, a rollback), it goes through a provider of its
   * own that adopts an existing namespace (`upsertExistingObjects`; Kubernetes provider 4.29 and
   * later refuse to create an object that exists). The cluster's main provider keeps refusing.
   */
  private namespace(name: string): k8s.core.v1.Namespace {
    let ns = this.namespaces.get(name);
    if (ns === undefined) {
      const prefix = eksClusterName(this.fleetName, this.clusterName);
      this.namespaceProvider ??= clusterKubernetesProvider(`${prefix}-namespaces`, this.cluster, this.region, this.kubeconfigIdentity, this.apiAccessRules, this, { upsertExistingObjects: true });
      ns = new k8s.core.v1.Namespace(`${prefix}-ns-${name}`, {
        metadata: { name, labels: { "app.kubernetes.io/managed-by": "baton", [READINESS_GATE_LABEL.key]: READINESS_GATE_LABEL.value } },
      }, { parent: this, provider: this.namespaceProvider, retainOnDelete: true });
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
