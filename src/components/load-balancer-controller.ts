/**
 * The AWS Load Balancer Controller in one cluster: the `aws-load-balancer-controller` chart from
 * the eks-charts repository as a Helm release, its IAM role through EKS Pod Identity (trusted only
 * by this cluster's controller service account), two replicas with the chart's PodDisruptionBudget.
 * By default it serves TargetGroupBindings only: the chart's Service and Ingress handling is off
 * and its policy lets it register pods in this cluster's target groups and nothing more; the
 * `manageIngresses` opt-in restores the chart's defaults and the published policy. The
 * controller owns the TargetGroupBinding CRD and its webhooks (which fail closed), so every binding
 * is created after this release and deleted before it.
 *
 * Why `helm.v3.Release` and not `helm.v4.Chart`: a Release is one resource, so a binding's
 * `dependsOn` orders it after the whole install (the release waits for the controller's
 * Deployment to be ready) and the engine deletes the bindings before it uninstalls anything. The
 * chart's CRDs live in `crds/`, which Helm installs and never deletes, so a binding's finalizer is
 * never left without its CRD. A Chart renders the templates at preview time instead: the chart
 * generates the webhook's TLS certificate while rendering, so every preview would show a new
 * certificate and every `pulumi up` would roll it.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustPolicy } from "./iam.js";
import { publishedLoadBalancerControllerPolicy, targetGroupBindingPolicy } from "./load-balancer-controller-policy.js";

/** The chart version baton installs unless `loadBalancerController.chartVersion` pins another (controller v3.4.2). */
export const DEFAULT_LOAD_BALANCER_CONTROLLER_CHART_VERSION = "3.4.2";
export const LOAD_BALANCER_CONTROLLER_CHART = "aws-load-balancer-controller";
export const EKS_CHARTS_REPOSITORY = "https://aws.github.io/eks-charts";
/** Where the controller runs, and the service account its Pod Identity association names. */
export const LOAD_BALANCER_CONTROLLER_NAMESPACE = "kube-system";
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** Two replicas, and the chart's PodDisruptionBudget keeps one up through a node group roll. */
export const LOAD_BALANCER_CONTROLLER_REPLICAS = 2;

export interface LoadBalancerControllerArgs {
  /** The EKS cluster's name. */
  readonly clusterName: pulumi.Input<string>;
  /** The EKS cluster's name as known before deployment: the role's trust names it. */
  readonly eksName: string;
  /** The cluster's security group (EKS attaches it to the nodes): the one whose ingress the controller opens to a load balancer. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** The tags of the target groups the controller may register pods in (baton tags its own with fleet and cluster). */
  readonly targetGroupTags: Readonly<Record<string, string>>;
  /**
   * Opt-in: the controller also manages Ingresses and Services of type LoadBalancer, with the
   * chart's defaults and the controller's published policy (which can write every listener and
   * rule in the account). @default false: TargetGroupBindings only
   */
  readonly manageIngresses?: boolean;
  readonly region: pulumi.Input<string>;
  readonly partition: string;
  /** The cluster's VPC: the controller cannot look it up through the instance metadata service (hop limit 1). */
  readonly vpcId: string;
  /** The IAM role's name. */
  readonly roleName: string;
  /** @default DEFAULT_LOAD_BALANCER_CONTROLLER_CHART_VERSION */
  readonly chartVersion?: string;
  /** The cluster's Kubernetes provider. */
  readonly provider: k8s.Provider;
  /**
   * What the release must be installed after and uninstalled before: the Pod Identity agent,
   * CoreDNS and the node groups its pods run on.
   */
  readonly dependsOn: readonly pulumi.Resource[];
  readonly tags: Record<string, string>;
}

export class LoadBalancerController extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly policy: aws.iam.RolePolicy;
  readonly podIdentity: aws.eks.PodIdentityAssociation;
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("baton:components:LoadBalancerController", name, {}, opts);
    const parent = { parent: this };

    this.role = new aws.iam.Role(name, {
      name: args.roleName,
      description: `AWS Load Balancer Controller of ${name} (baton)`,
      // Only this cluster's controller service account may assume it, as for the VPC CNI.
      assumeRolePolicy: podIdentityTrustPolicy(args.eksName, LOAD_BALANCER_CONTROLLER_NAMESPACE, LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT),
      tags: args.tags,
    }, parent);
    // Inline: the published policy is longer than a managed policy's 6,144 characters allow once formatted.
    this.policy = new aws.iam.RolePolicy(name, {
      role: this.role.name,
      policy: args.manageIngresses
        ? JSON.stringify(publishedLoadBalancerControllerPolicy(args.partition))
        : pulumi.output(args.clusterSecurityGroupId).apply((securityGroupId) => JSON.stringify(targetGroupBindingPolicy({
          partition: args.partition, targetGroupTags: args.targetGroupTags, securityGroupId,
        }))),
    }, parent);
    this.podIdentity = new aws.eks.PodIdentityAssociation(name, {
      clusterName: args.clusterName,
      namespace: LOAD_BALANCER_CONTROLLER_NAMESPACE,
      serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
      roleArn: this.role.arn,
      tags: args.tags,
    }, parent);

    this.release = new k8s.helm.v3.Release(name, {
      name: LOAD_BALANCER_CONTROLLER_CHART,
      chart: LOAD_BALANCER_CONTROLLER_CHART,
      version: args.chartVersion ?? DEFAULT_LOAD_BALANCER_CONTROLLER_CHART_VERSION,
      repositoryOpts: { repo: EKS_CHARTS_REPOSITORY },
      namespace: LOAD_BALANCER_CONTROLLER_NAMESPACE,
      values: loadBalancerControllerValues(args),
      // Wait for the Deployment (and so the webhooks) to be ready before bindings are created.
      skipAwait: false,
    }, { parent: this, provider: args.provider, dependsOn: [this.podIdentity, this.policy, ...args.dependsOn] });

    this.registerOutputs({ roleArn: this.role.arn, chartVersion: this.release.version, status: this.release.status });
  }
}

/**
 * Chart values that switch off everything but TargetGroupBindings (chart and controller flags as
 * of controller v2.x–3.x): the Service controller (feature gate `EnableServiceController`), the
 * chart's IngressClass and IngressClassParams (so no Ingress names this controller unless someone
 * creates a class for it), the `kubernetes.io/ingress.class` annotation, and the Ingress add-ons
 * (Shield, WAF) it would otherwise call.
 */
export const TARGET_GROUP_BINDING_ONLY_VALUES = {
  controllerConfig: { featureGates: { EnableServiceController: false } },
  createIngressClassResource: false,
  ingressClassParams: { create: false },
  disableIngressClassAnnotation: true,
  enableShield: false,
  enableWaf: false,
  enableWafv2: false,
} as const;

/** The chart values (pure data, so a test reads them). */
export function loadBalancerControllerValues(args: { clusterName: pulumi.Input<string>; region: pulumi.Input<string>; vpcId: string; manageIngresses?: boolean }) {
  return {
    ...(args.manageIngresses ? {} : TARGET_GROUP_BINDING_ONLY_VALUES),
    clusterName: args.clusterName,
    // Nodes require IMDSv2 with hop limit 1, so the controller's pods cannot read region and VPC from the metadata service.
    region: args.region,
    vpcId: args.vpcId,
    replicaCount: LOAD_BALANCER_CONTROLLER_REPLICAS,
    podDisruptionBudget: { maxUnavailable: 1 },
    serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
    // baton binds pods with TargetGroupBindings only: leave Services of type LoadBalancer to whoever handles them today.
    enableServiceMutatorWebhook: false,
    // Keep the webhook certificate across upgrades, so a chart upgrade does not break webhook calls mid-rollout.
    keepTLSSecret: true,
  };
}
