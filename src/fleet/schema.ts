/**
 * The fleet spec: what a user writes under `baton:fleet` in a stack config. Zod schemas are the
 * single source of its shape; the rules that need more than one field live in `rules/`.
 * Every object is strict: an unknown key is an error, with a "did you mean" when one is close.
 */
import { z } from "zod";
import { closest } from "./suggest.js";
import { VERSION_PATTERN } from "./versions.js";

/** A strict object whose unknown-key error names the closest known key. */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      return issue.keys
        .map((key) => {
          const guess = closest(key, known);
          return `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}; known keys: ${known.join(", ")}`;
        })
        .join("\n");
    },
  });
}

/** Names that every derived AWS and Kubernetes name can be built from (DNS-1123 labels). */
const NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const name = (what: string) =>
  z.string().regex(NAME_PATTERN, {
    message: `${what} must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen`,
  });

/**
 * YAML reads `version: 1.30` as the number 1.3, so the spec cannot know which minor was meant;
 * a one-digit minor most likely lost a trailing zero. Messages may carry their fix after " | fix: ".
 */
function unquotedVersionMessage(input: number): string {
  const minor = String(input).split(".")[1] ?? "";
  const meant = minor.length === 1 ? `1.${minor}0` : `1.${minor}`;
  return `YAML read this version as the number ${input}, not a string (an unquoted 1.30 becomes 1.3) | fix: quote it: version: "${meant}" (or the minor you meant)`;
}

/** Kubernetes version as EKS writes it. A YAML number (1.30 reads as 1.3) gets its own message. */
export const KubernetesVersion = z
  .string({
    error: (issue) => (typeof issue.input === "number" ? unquotedVersionMessage(issue.input) : undefined),
  })
  .regex(VERSION_PATTERN, { message: 'a Kubernetes version is written "1.NN", e.g. "1.33"' });

/** A whole number in AWS's bounds; any breach of a number gets one message naming both bounds. */
const int = (min: number, max: number) => {
  const error = (issue: { input?: unknown }) =>
    typeof issue.input !== "number" ? undefined : `must be a whole number from ${min} to ${max} | fix: use a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, { message: 'a security group id looks like "sg-0a1b2c3d4e5f67890"' });

/** EKS managed node group `updateConfig`: exactly one of the two fields (EKS UpdateNodegroupConfig). */
export const UpdateConfig = strictObject({
  /** Nodes taken out of service at once during a roll. AWS: 1–100. */
  maxUnavailable: int(1, 100).optional(),
  /** Percentage of nodes taken out of service at once during a roll. AWS: 1–100. */
  maxUnavailablePercentage: int(1, 100).optional(),
});

/**
 * baton's default: a quarter of the group at a time. A percentage keeps a roll at four batches
 * whatever the group's size, so roll time stays flat as the group grows; AWS's own default
 * (one node at a time) makes a 100-node roll a hundred sequential drains.
 */
export const DEFAULT_UPDATE_CONFIG = { maxUnavailablePercentage: 25 } as const;

export const Taint = strictObject({
  key: z.string().min(1).max(63),
  value: z.string().max(63).optional(),
  effect: z.enum(["NoSchedule", "NoExecute", "PreferNoSchedule"]),
});

export const NodeGroup = strictObject({
  /** EC2 instance types. Changing them replaces the node group (EKS cannot change them in place). */
  instanceTypes: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, { message: 'an instance type looks like "m7i.large"' })).min(1),
  /** @default "ON_DEMAND". Changing it replaces the node group. */
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
  /** @default "AL2023_x86_64_STANDARD" (AL2 is not published for Kubernetes 1.33+). Changing it replaces the node group. */
  amiType: z
    .enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_x86_64_NEURON", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"])
    .default("AL2023_x86_64_STANDARD"),
  /** Root volume size in GiB, set on the launch template. @default 50 */
  diskSizeGiB: int(20, 16384).default(50),
  scaling: strictObject({ min: int(0, 1000), desired: int(0, 1000), max: int(1, 1000) }),
  /** @default { maxUnavailablePercentage: 25 } — see DEFAULT_UPDATE_CONFIG. */
  updateConfig: UpdateConfig.optional(),
  /** Pin the node group's Kubernetes version; by default it follows its cluster. */
  version: KubernetesVersion.optional(),
  labels: z.record(z.string().min(1).max(317), z.string().max(63)).default({}),
  taints: z.array(Taint).max(50).default([]),
  /** Node group blue/green: a retiring group gets a NoSchedule taint so nothing new lands on it; remove it in a later change. */
  retiring: z.boolean().default(false),
  /**
   * Opt-out: let pods reach the instance metadata service (and so the node role's credentials)
   * by raising the IMDSv2 hop limit from 1 to 2. IMDSv2 stays required either way.
   * @default false
   */
  allowPodsToReachInstanceMetadata: z.boolean().default(false),
});

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** baton's default: a quarter of a year of audit history, enough to look back across an upgrade cycle. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

export const Cluster = strictObject({
  version: KubernetesVersion,
  nodeGroups: z.record(name("a node group name"), NodeGroup),
  /**
   * Opt-out of the private-only API endpoint: the CIDRs allowed to reach a public endpoint.
   * Absent: private endpoint only. 0.0.0.0/0 is refused.
   */
  publicAccessCidrs: z.array(z.string()).min(1).optional(),
  /** Control-plane log types. @default all five. api, audit and authenticator are required. */
  logging: z.array(z.enum(["api", "audit", "authenticator", "controllerManager", "scheduler"])).optional(),
  /** Bring your own KMS key (ARN) for secrets encryption; by default baton creates one that rotates yearly. */
  secretsKmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, { message: "a KMS key ARN looks like arn:aws:kms:us-east-1:123456789012:key/…" }).optional(),
  /**
   * EKS upgrade policy. @default "EXTENDED": at the end of standard support the cluster enters
   * (paid) extended support instead of being upgraded (STANDARD upgrades it then); at the end of
   * extended support EKS upgrades it either way. baton warns while a version is in extended support.
   */
  supportType: z.enum(["STANDARD", "EXTENDED"]).default("EXTENDED"),
  /** IAM principal ARNs granted cluster admin through EKS access entries. */
  admins: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, { message: "an IAM principal ARN looks like arn:aws:iam::123456789012:role/platform-admin" })).default([]),
  /**
   * Namespaces that already exist in this cluster. baton creates the namespace of every ALB
   * service that binds pods in the cluster unless it is listed here (creating a namespace that
   * exists fails: the Kubernetes provider does not adopt objects it did not create). @default []
   */
  existingNamespaces: z.array(name("a namespace")).default([]),
  /** The AWS Load Balancer Controller baton installs in a cluster that an ALB service weights. */
  loadBalancerController: strictObject({
    /**
     * Opt-out: false when your team installs and runs the controller itself (the README says what
     * it must then provide). @default true
     */
    install: z.boolean().default(true),
    /** The `aws-load-balancer-controller` chart version from the eks-charts repository. @default baton's pinned version */
    chartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'a chart version looks like "3.4.2"' }).optional(),
    /**
     * Opt-in: let the controller also manage Ingresses and Services of type LoadBalancer, with the
     * chart's defaults and the controller's published IAM policy, which can create, change and
     * delete every listener and rule in the account. @default false: TargetGroupBindings only,
     * with a policy scoped to this cluster's target groups and security group
     */
    manageIngresses: z.boolean().default(false),
  }).default({ install: true, manageIngresses: false }),
  /**
   * Days CloudWatch keeps the control-plane logs. EKS creates their log group with no retention
   * (kept, and billed, forever); baton creates it first with this retention. CloudWatch takes only
   * the values in LOG_RETENTION_DAYS. @default 90
   */
  logRetentionDays: z.literal(LOG_RETENTION_DAYS, { error: `CloudWatch keeps logs for one of ${LOG_RETENTION_DAYS.join(", ")} days` }).default(DEFAULT_LOG_RETENTION_DAYS),
  /** Pin an add-on version (e.g. "v1.19.2-eksbuild.1"); unpinned add-ons follow the cluster version. */
  addons: strictObject({
    vpcCni: z.string().min(1).optional(),
    coreDns: z.string().min(1).optional(),
    kubeProxy: z.string().min(1).optional(),
    podIdentityAgent: z.string().min(1).optional(),
  }).default({}),
});

const HealthCheck = strictObject({
  /** @default "/" */
  path: z.string().startsWith("/").max(1024).default("/"),
  /** Seconds between checks. AWS: 5–300. @default 15 */
  intervalSeconds: int(5, 300).default(15),
  /** AWS: 2–10. @default 2 */
  healthyThreshold: int(2, 10).default(2),
  /** AWS: 2–10. @default 2 */
  unhealthyThreshold: int(2, 10).default(2),
  /**
   * Seconds without a response that fail a check. AWS: 2–120, and shorter than the interval (ELB
   * refuses a timeout that is not). baton sets it rather than leave AWS's protocol default. @default 5
   */
  timeoutSeconds: int(2, 120).default(5),
  /** HTTP codes that count as healthy. @default "200-399" */
  matcher: z.string().regex(/^\d{3}([-,]\d{3})*$/).default("200-399"),
});

const Alb = strictObject({
  listenerArn: z.string().regex(/^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[^/]+\/[0-9a-f]+\/[0-9a-f]+$/, {
    message: "an ALB listener ARN looks like arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/NAME/ID/ID",
  }),
  /** The load balancer's security group: the only source the TargetGroupBinding admits to the pods. */
  securityGroupId,
  hostHeaders: z.array(z.string().min(1).max(128)).max(5).optional(),
  pathPatterns: z.array(z.string().min(1).max(128)).max(5).optional(),
  /** Listener rule priority. AWS: 1–50000, unique on the listener. */
  priority: int(1, 50000),
  /** Target group stickiness on the forward action, in seconds. AWS: 1–604800. */
  stickinessSeconds: int(1, 604800).optional(),
  healthCheck: HealthCheck.default({ path: "/", intervalSeconds: 15, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200-399", timeoutSeconds: 5 }),
  /**
   * Seconds a target stays draining after it is deregistered (a pod terminating in a node roll, a
   * binding deleted) before the ALB drops its connections. AWS: 0–3600, AWS's default 300.
   * @default 30: in-flight HTTP requests finish, and a drain does not hold every node roll for five minutes.
   */
  deregistrationDelaySeconds: int(0, 3600).default(30),
});

const DnsTarget = strictObject({
  /** The cluster's load balancer DNS name. */
  dnsName: z.string().min(1).max(253),
  /** The load balancer's canonical hosted zone id (not your zone). */
  zoneId: z.string().regex(/^Z[0-9A-Z]{1,31}$/, { message: 'a hosted zone id looks like "Z35SXDOTRQ7X7K"' }),
});

const Route53 = strictObject({
  zoneId: z.string().regex(/^Z[0-9A-Z]{1,31}$/, { message: 'a hosted zone id looks like "Z0123456789ABCDEFGHIJ"' }),
  name: z.string().min(1).max(253),
  /** One alias target per cluster that can receive weight. */
  targets: z.record(z.string(), DnsTarget),
  /** @default true: Route53 skips a cluster whose load balancer has no healthy target. */
  evaluateTargetHealth: z.boolean().default(true),
});

/** Health gates a rollout watches while it bakes each step (`baton rollout`). */
const Gates = strictObject({
  /** CloudWatch alarm names that must be OK. */
  alarms: z.array(z.string().min(1).max(255)).default([]),
  /** Healthy targets the receiving cluster's target group must have. @default 1 */
  minHealthyTargets: int(0, 10000).default(1),
  /** Ceiling on the target group's 5xx responses over requests (0–1), from CloudWatch metrics. */
  max5xxRatio: z.number().min(0).max(1).optional(),
});

const serviceCommon = {
  namespace: name("a namespace"),
  /** The Kubernetes Service to bind; @default the service's key. */
  serviceName: name("a Kubernetes Service name").optional(),
  port: int(1, 65535),
  /**
   * The port on the pods when it differs from the Service's `port` (the Service's `targetPort`: a
   * number, or the name of a container port). The binding admits only this port from the load
   * balancer. @default the service's port
   */
  targetPort: z.union([int(1, 65535), z.string().regex(/^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/, { message: "a named port is 1–15 lowercase letters, digits and hyphens, with at least one letter" })]).optional(),
  /** Traffic weight per cluster. ALB: 0–999; Route53: 0–255. */
  weights: z.record(z.string(), z.number()),
  gates: Gates.optional(),
};

export const AlbService = strictObject({ ...serviceCommon, routing: z.literal("alb"), alb: Alb });
export const DnsService = strictObject({ ...serviceCommon, routing: z.literal("route53"), route53: Route53 });
export const Service = z.discriminatedUnion("routing", [AlbService, DnsService], {
  error: (issue) => (issue.code === "invalid_union" ? 'must be "alb" or "route53" | fix: write routing: alb (with an alb: block) or routing: route53 (with a route53: block)' : undefined),
});

/**
 * Where `pulumi up` reaches the clusters' Kubernetes API from (CI runners, a VPN, a bastion): each
 * entry becomes an ingress rule on TCP 443 to every cluster's security group. AWS's default quota
 * is 60 inbound rules per security group.
 */
export const ApiAccess = strictObject({
  /** Security groups of the machines that run `pulumi up`. */
  securityGroupIds: z.array(securityGroupId).max(60).optional(),
  /** IPv4 CIDRs of the machines that run `pulumi up`; 0.0.0.0/0 is refused. */
  cidrs: z.array(z.string()).max(60).optional(),
});

export const Fleet = strictObject({
  name: name("the fleet name"),
  network: strictObject({
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: 'a VPC id looks like "vpc-0a1b2c3d4e5f67890"' }),
    /** EKS needs subnets in at least two Availability Zones. */
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: 'a subnet id looks like "subnet-0a1b2c3d4e5f67890"' })).min(2, { error: "must list at least 2 subnets, in different Availability Zones (EKS needs two) | fix: add a subnet in a second Availability Zone" }).max(16),
    /** Where `pulumi up` reaches the private API endpoints from. @default none */
    apiAccess: ApiAccess.optional(),
  }),
  clusters: z.record(name("a cluster name"), Cluster),
  services: z.record(name("a service name"), Service).default({}),
});

export type FleetSpec = z.infer<typeof Fleet>;
export type ClusterSpec = z.infer<typeof Cluster>;
export type NodeGroupSpec = z.infer<typeof NodeGroup>;
export type ServiceSpec = z.infer<typeof Service>;
export type AlbServiceSpec = z.infer<typeof AlbService>;
export type DnsServiceSpec = z.infer<typeof DnsService>;
export type UpdateConfigSpec = z.infer<typeof UpdateConfig>;
export type TaintSpec = z.infer<typeof Taint>;
export type ApiAccessSpec = z.infer<typeof ApiAccess>;
/** The fleet as a user writes it, before defaults. */
export type FleetInput = z.input<typeof Fleet>;

export type GatesSpec = z.infer<typeof Gates>;

/** A service's health gates, with the schema's defaults when the service declares none. */
export function gatesOf(service: ServiceSpec): GatesSpec {
  return service.gates ?? Gates.parse({});
}
