/**
 * The fleet spec's TypeScript types: `…Input` is what a user writes under `baton:fleet` (or hands a
 * component), `…Spec` is what validation returns, with every default filled in.
 *
 * They are written out here rather than inferred from the zod schemas (`schema.ts`) so that the
 * library's declarations never load zod's: a project compiling against baton with Pulumi's default
 * tsconfig (no `esModuleInterop`, no `skipLibCheck`) type-checks without them. `schema.ts` asserts
 * at compile time that each type here is exactly the schema's, so the two cannot drift.
 * Constraints (bounds, patterns, cross-field rules) are the schema's and the rules'; each field
 * names the AWS limit it is checked against.
 */

/**
 * baton's default `updateConfig`: a quarter of the group at a time. A percentage keeps a roll at
 * four batches whatever the group's size, so roll time stays flat as the group grows; AWS's own
 * default (one node at a time) makes a 100-node roll a hundred sequential drains.
 */
export const DEFAULT_UPDATE_CONFIG = { maxUnavailablePercentage: 25 } as const;

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** baton's default: a quarter of a year of audit history, enough to look back across an upgrade cycle. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];
export type CapacityType = "ON_DEMAND" | "SPOT";
export type AmiType = "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD" | "AL2023_x86_64_NVIDIA" | "AL2023_x86_64_NEURON" | "BOTTLEROCKET_x86_64" | "BOTTLEROCKET_ARM_64";
export type ControlPlaneLogType = "api" | "audit" | "authenticator" | "controllerManager" | "scheduler";
export type SupportType = "STANDARD" | "EXTENDED";

/** EKS managed node group `updateConfig`: exactly one of the two fields (EKS UpdateNodegroupConfig). */
export type UpdateConfigSpec = {
  /** Nodes taken out of service at once during a roll. AWS: 1–100. */
  maxUnavailable?: number | undefined;
  /** Percentage of nodes taken out of service at once during a roll. AWS: 1–100. */
  maxUnavailablePercentage?: number | undefined;
};

export type TaintSpec = {
  /** 1–63 characters. */
  key: string;
  /** Up to 63 characters. */
  value?: string | undefined;
  effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
};

/** A node group's size. AWS: min and desired 0–1000, max 1–1000, min ≤ desired ≤ max. */
export type ScalingSpec = {
  min: number;
  desired: number;
  max: number;
};

/** A managed node group, as validation returns it. */
export type NodeGroupSpec = {
  /** EC2 instance types, e.g. "m7i.large". Changing them replaces the node group (EKS cannot change them in place). */
  instanceTypes: string[];
  /** Changing it replaces the node group. */
  capacityType: CapacityType;
  /** AL2 is not published for Kubernetes 1.33+. Changing it replaces the node group. */
  amiType: AmiType;
  /** Root volume size in GiB, set on the launch template. 20–16384. */
  diskSizeGiB: number;
  scaling: ScalingSpec;
  /** Absent: DEFAULT_UPDATE_CONFIG. */
  updateConfig?: UpdateConfigSpec | undefined;
  /** Pins the node group's Kubernetes version; absent, it follows its cluster. */
  version?: string | undefined;
  /**
   * Pins the AMI release (AWS's `releaseVersion`): AL2023 "1.NN.P-YYYYMMDD" of the group's minor,
   * Bottlerocket "MAJOR.MINOR.PATCH-<commit>". Absent: EKS picks the latest at creation and at each
   * version bump, and never moves it otherwise.
   */
  releaseVersion?: string | undefined;
  /** Opt-in: rolls evict pods even when a PodDisruptionBudget forbids it (EKS's `force`). Absent: false. */
  forceUpdateVersion?: boolean | undefined;
  labels: Record<string, string>;
  /** At most 50. */
  taints: TaintSpec[];
  /** Node group blue/green: a retiring group gets a NoSchedule taint so nothing new lands on it; remove it in a later change. */
  retiring: boolean;
  /**
   * Opt-out: lets pods reach the instance metadata service (and so the node role's credentials)
   * by raising the IMDSv2 hop limit from 1 to 2. IMDSv2 stays required either way.
   */
  allowPodsToReachInstanceMetadata: boolean;
};

/** A managed node group as the fleet spec writes it (`baton:fleet.clusters.<c>.nodeGroups.<g>`), before defaults. */
export type NodeGroupInput = {
  /** EC2 instance types, e.g. "m7i.large". Changing them replaces the node group (EKS cannot change them in place). */
  instanceTypes: string[];
  /** @default "ON_DEMAND". Changing it replaces the node group. */
  capacityType?: CapacityType | undefined;
  /** @default "AL2023_x86_64_STANDARD" (AL2 is not published for Kubernetes 1.33+). Changing it replaces the node group. */
  amiType?: AmiType | undefined;
  /** Root volume size in GiB, set on the launch template. AWS: 20–16384. @default 50 */
  diskSizeGiB?: number | undefined;
  scaling: ScalingSpec;
  /** @default { maxUnavailablePercentage: 25 } (DEFAULT_UPDATE_CONFIG) */
  updateConfig?: UpdateConfigSpec | undefined;
  /** Pins the node group's Kubernetes version, e.g. "1.34". @default its cluster's version */
  version?: string | undefined;
  /**
   * Pins the AMI release (AWS's `releaseVersion`), e.g. "1.34.2-20261120" (AL2023) or
   * "1.55.0-d93bb1b1" (Bottlerocket). @default none: EKS picks the latest at creation and at each
   * version bump, and never moves it otherwise
   */
  releaseVersion?: string | undefined;
  /**
   * Opt-in: a version or release roll evicts pods even when a PodDisruptionBudget forbids it
   * (EKS UpdateNodegroupVersion `force`), instead of failing after 15 minutes. @default false
   */
  forceUpdateVersion?: boolean | undefined;
  /** @default {} */
  labels?: Record<string, string> | undefined;
  /** At most 50. @default [] */
  taints?: TaintSpec[] | undefined;
  /** Node group blue/green: a retiring group gets a NoSchedule taint so nothing new lands on it; remove it in a later change. @default false */
  retiring?: boolean | undefined;
  /**
   * Opt-out: lets pods reach the instance metadata service (and so the node role's credentials)
   * by raising the IMDSv2 hop limit from 1 to 2. IMDSv2 stays required either way. @default false
   */
  allowPodsToReachInstanceMetadata?: boolean | undefined;
};

/** Pinned EKS add-on versions (e.g. "v1.19.2-eksbuild.1"); an unpinned add-on follows the cluster version. */
export type AddonPins = {
  vpcCni?: string | undefined;
  coreDns?: string | undefined;
  kubeProxy?: string | undefined;
  podIdentityAgent?: string | undefined;
};

/** The AWS Load Balancer Controller baton installs in a cluster that an ALB service weights. */
export type LoadBalancerControllerSpec = {
  /** Opt-out: false when your team installs and runs the controller itself. */
  install: boolean;
  /** The `aws-load-balancer-controller` chart version from the eks-charts repository, e.g. "3.4.2"; absent, baton's pinned version. */
  chartVersion?: string | undefined;
  /**
   * Opt-in: the controller also manages Ingresses and Services of type LoadBalancer, with the
   * controller's published IAM policy, which can change every listener and rule in the account.
   */
  manageIngresses: boolean;
};

export type LoadBalancerControllerInput = {
  /** Opt-out: false when your team installs and runs the controller itself. @default true */
  install?: boolean | undefined;
  /** The `aws-load-balancer-controller` chart version from the eks-charts repository, e.g. "3.4.2". @default baton's pinned version */
  chartVersion?: string | undefined;
  /**
   * Opt-in: the controller also manages Ingresses and Services of type LoadBalancer, with the
   * chart's defaults and the controller's published IAM policy, which can create, change and
   * delete every listener and rule in the account. @default false: TargetGroupBindings only, with
   * a policy scoped to this cluster's target groups and security group
   */
  manageIngresses?: boolean | undefined;
};

/** An EKS cluster, as validation returns it. */
export type ClusterSpec = {
  /** Kubernetes version as EKS writes it, e.g. "1.34". */
  version: string;
  nodeGroups: Record<string, NodeGroupSpec>;
  /** Opt-out of the private-only API endpoint: the CIDRs allowed to reach a public endpoint. Absent: private only. */
  publicAccessCidrs?: string[] | undefined;
  /** Control-plane log types; absent, all five. api, audit and authenticator are required. */
  logging?: ControlPlaneLogType[] | undefined;
  /** Your own KMS key (ARN) for secrets encryption; absent, baton creates one that rotates yearly. */
  secretsKmsKeyArn?: string | undefined;
  /** EKS upgrade policy: with EXTENDED, the cluster enters (paid) extended support at the end of standard support instead of being upgraded. */
  supportType: SupportType;
  /** IAM principal ARNs granted cluster admin through EKS access entries. */
  admins: string[];
  /** Namespaces that already exist in the cluster, which baton must not create. */
  existingNamespaces: string[];
  loadBalancerController: LoadBalancerControllerSpec;
  /** Days CloudWatch keeps the control-plane logs. */
  logRetentionDays: LogRetentionDays;
  addons: AddonPins;
};

/** An EKS cluster as the fleet spec writes it (`baton:fleet.clusters.<name>`), before defaults. */
export type ClusterInput = {
  /** Kubernetes version as EKS writes it, e.g. "1.34" (quoted in YAML: an unquoted 1.30 reads as 1.3). */
  version: string;
  nodeGroups: Record<string, NodeGroupInput>;
  /** Opt-out of the private-only API endpoint: the CIDRs allowed to reach a public endpoint. 0.0.0.0/0 is refused. @default private endpoint only */
  publicAccessCidrs?: string[] | undefined;
  /** Control-plane log types. api, audit and authenticator are required. @default all five */
  logging?: ControlPlaneLogType[] | undefined;
  /** Your own KMS key (ARN) for secrets encryption. @default a key baton creates, rotated yearly */
  secretsKmsKeyArn?: string | undefined;
  /**
   * EKS upgrade policy. @default "EXTENDED": at the end of standard support the cluster enters
   * (paid) extended support instead of being upgraded (STANDARD upgrades it then); at the end of
   * extended support EKS upgrades it either way. baton warns while a version is in extended support.
   */
  supportType?: SupportType | undefined;
  /** IAM principal ARNs granted cluster admin through EKS access entries. @default [] */
  admins?: string[] | undefined;
  /**
   * Namespaces that already exist in this cluster. baton creates the namespace of every ALB
   * service that binds pods in the cluster unless it is listed here. @default []
   */
  existingNamespaces?: string[] | undefined;
  /** @default { install: true, manageIngresses: false } */
  loadBalancerController?: LoadBalancerControllerInput | undefined;
  /** Days CloudWatch keeps the control-plane logs (one of LOG_RETENTION_DAYS). @default 90 */
  logRetentionDays?: LogRetentionDays | undefined;
  /** @default {}: every add-on follows the cluster version */
  addons?: AddonPins | undefined;
};

/** A target group's health check, as validation returns it. */
export type HealthCheckSpec = {
  path: string;
  /** Seconds between checks. AWS: 5–300. */
  intervalSeconds: number;
  /** AWS: 2–10. */
  healthyThreshold: number;
  /** AWS: 2–10. */
  unhealthyThreshold: number;
  /** Seconds without a response that fail a check. AWS: 2–120, and shorter than the interval. */
  timeoutSeconds: number;
  /** HTTP codes that count as healthy, e.g. "200-399". */
  matcher: string;
};

export type HealthCheckInput = {
  /** @default "/" */
  path?: string | undefined;
  /** Seconds between checks. AWS: 5–300. @default 15 */
  intervalSeconds?: number | undefined;
  /** AWS: 2–10. @default 2 */
  healthyThreshold?: number | undefined;
  /** AWS: 2–10. @default 2 */
  unhealthyThreshold?: number | undefined;
  /** Seconds without a response that fail a check. AWS: 2–120, and shorter than the interval. @default 5 */
  timeoutSeconds?: number | undefined;
  /** HTTP codes that count as healthy. @default "200-399" */
  matcher?: string | undefined;
};

/** A service's ALB settings, as validation returns them. */
export type AlbSpec = {
  /** The ALB listener the service's rule goes on (its ARN). */
  listenerArn: string;
  /** The load balancer's security group: the only source the TargetGroupBinding admits to the pods. */
  securityGroupId: string;
  /** At most 5. */
  hostHeaders?: string[] | undefined;
  /** At most 5. */
  pathPatterns?: string[] | undefined;
  /** Listener rule priority. AWS: 1–50000, unique on the listener. */
  priority: number;
  /** Target group stickiness on the forward action, in seconds. AWS: 1–604800. */
  stickinessSeconds?: number | undefined;
  healthCheck: HealthCheckSpec;
  /** Seconds a deregistered target keeps draining before the ALB drops its connections. AWS: 0–3600. */
  deregistrationDelaySeconds: number;
};

export type AlbInput = {
  /** The ALB listener the service's rule goes on (its ARN). */
  listenerArn: string;
  /** The load balancer's security group: the only source the TargetGroupBinding admits to the pods. */
  securityGroupId: string;
  /** At most 5. */
  hostHeaders?: string[] | undefined;
  /** At most 5. */
  pathPatterns?: string[] | undefined;
  /** Listener rule priority. AWS: 1–50000, unique on the listener. */
  priority: number;
  /** Target group stickiness on the forward action, in seconds. AWS: 1–604800. */
  stickinessSeconds?: number | undefined;
  /** @default path "/", every 15 s, 2 healthy / 2 unhealthy, 5 s timeout, "200-399" */
  healthCheck?: HealthCheckInput | undefined;
  /**
   * Seconds a deregistered target keeps draining before the ALB drops its connections. AWS:
   * 0–3600, AWS's default 300. @default 30: in-flight requests finish, and a drain does not hold
   * every node roll for five minutes.
   */
  deregistrationDelaySeconds?: number | undefined;
};

/** One cluster's alias target in a Route53 service. */
export type DnsTargetSpec = {
  /** The cluster's load balancer DNS name. */
  dnsName: string;
  /** The load balancer's canonical hosted zone id (not your zone). */
  zoneId: string;
};

/** A service's Route53 settings, as validation returns them. */
export type Route53Spec = {
  /** Your hosted zone's id. */
  zoneId: string;
  /** The record name, e.g. "api.example.com". */
  name: string;
  /** One alias target per cluster that can receive weight. */
  targets: Record<string, DnsTargetSpec>;
  /** Route53 skips a cluster whose load balancer has no healthy target. */
  evaluateTargetHealth: boolean;
};

export type Route53Input = {
  /** Your hosted zone's id. */
  zoneId: string;
  /** The record name, e.g. "api.example.com". */
  name: string;
  /** One alias target per cluster that can receive weight. */
  targets: Record<string, DnsTargetSpec>;
  /** @default true: Route53 skips a cluster whose load balancer has no healthy target. */
  evaluateTargetHealth?: boolean | undefined;
};

/** Health gates a rollout watches while it bakes each step (`baton rollout`), as validation returns them. */
export type GatesSpec = {
  /** CloudWatch alarm names that must be OK. */
  alarms: string[];
  /** Healthy targets the receiving cluster's target group must have. */
  minHealthyTargets: number;
  /** Ceiling on the target group's 5xx responses over requests (0–1), from CloudWatch metrics. */
  max5xxRatio?: number | undefined;
};

export type GatesInput = {
  /** CloudWatch alarm names that must be OK. @default [] */
  alarms?: string[] | undefined;
  /** Healthy targets the receiving cluster's target group must have. @default 1 */
  minHealthyTargets?: number | undefined;
  /** Ceiling on the target group's 5xx responses over requests (0–1), from CloudWatch metrics. */
  max5xxRatio?: number | undefined;
};

/** A service routed by an ALB listener rule, as validation returns it. */
export type AlbServiceSpec = {
  routing: "alb";
  alb: AlbSpec;
  /** The Kubernetes namespace of the Service. */
  namespace: string;
  /** The Kubernetes Service to bind; absent, the service's key. */
  serviceName?: string | undefined;
  /** The Service's port. */
  port: number;
  /**
   * The port on the pods when it differs from `port` (the Service's `targetPort`: a number, or the
   * name of a container port). The binding admits only this port from the load balancer.
   */
  targetPort?: number | string | undefined;
  /** Traffic weight per cluster. ALB: 0–999; Route53: 0–255. */
  weights: Record<string, number>;
  gates?: GatesSpec | undefined;
};

/** A service routed by Route53 weighted records, as validation returns it. */
export type DnsServiceSpec = {
  routing: "route53";
  route53: Route53Spec;
  /** The Kubernetes namespace of the Service. */
  namespace: string;
  /** The Kubernetes Service to bind; absent, the service's key. */
  serviceName?: string | undefined;
  /** The Service's port. */
  port: number;
  /**
   * The port on the pods when it differs from `port` (the Service's `targetPort`: a number, or the
   * name of a container port). The binding admits only this port from the load balancer.
   */
  targetPort?: number | string | undefined;
  /** Traffic weight per cluster. ALB: 0–999; Route53: 0–255. */
  weights: Record<string, number>;
  gates?: GatesSpec | undefined;
};

export type ServiceSpec = AlbServiceSpec | DnsServiceSpec;

/** An ALB service as the fleet spec writes it (`baton:fleet.services.<name>`, `routing: alb`), before defaults. */
export type AlbServiceInput = {
  routing: "alb";
  alb: AlbInput;
  /** The Kubernetes namespace of the Service. */
  namespace: string;
  /** The Kubernetes Service to bind; absent, the service's key. */
  serviceName?: string | undefined;
  /** The Service's port. */
  port: number;
  /**
   * The port on the pods when it differs from `port` (the Service's `targetPort`: a number, or the
   * name of a container port). The binding admits only this port from the load balancer.
   */
  targetPort?: number | string | undefined;
  /** Traffic weight per cluster. ALB: 0–999; Route53: 0–255. */
  weights: Record<string, number>;
  gates?: GatesInput | undefined;
};

/** A Route53 service as the fleet spec writes it (`routing: route53`), before defaults. */
export type DnsServiceInput = {
  routing: "route53";
  route53: Route53Input;
  /** The Kubernetes namespace of the Service. */
  namespace: string;
  /** The Kubernetes Service to bind; absent, the service's key. */
  serviceName?: string | undefined;
  /** The Service's port. */
  port: number;
  /**
   * The port on the pods when it differs from `port` (the Service's `targetPort`: a number, or the
   * name of a container port). The binding admits only this port from the load balancer.
   */
  targetPort?: number | string | undefined;
  /** Traffic weight per cluster. ALB: 0–999; Route53: 0–255. */
  weights: Record<string, number>;
  gates?: GatesInput | undefined;
};

export type ServiceInput = AlbServiceInput | DnsServiceInput;

/**
 * Where `pulumi up` reaches the clusters' Kubernetes API from (CI runners, a VPN, a bastion): each
 * entry becomes an ingress rule on TCP 443 to every cluster's security group. AWS's default quota
 * is 60 inbound rules per security group.
 */
export type ApiAccessSpec = {
  /** Security groups of the machines that run `pulumi up`. */
  securityGroupIds?: string[] | undefined;
  /** IPv4 CIDRs of the machines that run `pulumi up`; 0.0.0.0/0 is refused. */
  cidrs?: string[] | undefined;
};

export type NetworkSpec = {
  /** The VPC the clusters, their nodes and their target groups live in. */
  vpcId: string;
  /** EKS needs subnets in at least two Availability Zones (2–16 subnets). */
  subnetIds: string[];
  /** Where `pulumi up` reaches the private API endpoints from. @default none */
  apiAccess?: ApiAccessSpec | undefined;
};

/** The fleet, as validation returns it: every default filled in. */
export type FleetSpec = {
  /** The fleet's name: the first part of every AWS name baton derives. */
  name: string;
  network: NetworkSpec;
  clusters: Record<string, ClusterSpec>;
  services: Record<string, ServiceSpec>;
};

/** The fleet as a user writes it under `baton:fleet`, before defaults. */
export type FleetInput = {
  /** The fleet's name: the first part of every AWS name baton derives. */
  name: string;
  network: NetworkSpec;
  clusters: Record<string, ClusterInput>;
  /** @default {} */
  services?: Record<string, ServiceInput> | undefined;
};
