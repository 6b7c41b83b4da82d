/**
 * The fleet spec: what a user writes under `baton:fleet` in a stack config. Zod schemas check its
 * shape; the rules that need more than one field live in `rules/`. The TypeScript types a user
 * sees are written out in `types.ts`, and the end of this file asserts they are exactly these
 * schemas' (so the library's declarations never load zod's).
 * Every object is strict: an unknown key is an error, with a "did you mean" when one is close.
 */
import { z } from "zod";
import { closest } from "./suggest.js";
import { VERSION_PATTERN } from "./versions.js";
import {
  DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS,
  type AlbServiceInput, type AlbServiceSpec, type ApiAccessSpec, type ClusterInput, type ClusterSpec, type DnsServiceInput,
  type DnsServiceSpec, type FleetInput, type FleetSpec, type GatesSpec, type NodeGroupInput, type NodeGroupSpec,
  type ServiceInput, type ServiceSpec, type TaintSpec, type UpdateConfigSpec,
} from "./types.js";

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

/** Names that every derived AWS and Kubernetes name can be built from (DNS-1123 labels, at most 63 characters). */
const NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const MAX_NAME = 63;
const name = (what: string) =>
  z.string()
    .max(MAX_NAME, { error: (issue) => `${what} has ${typeof issue.input === "string" ? issue.input.length : "too many"} characters; a name is a DNS label of at most ${MAX_NAME} | fix: shorten it to ${MAX_NAME} characters or fewer (the AWS names built from it are shorter still)` })
    .regex(NAME_PATTERN, {
      message: `${what} must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen`,
    });

/** Any name the fleet spec takes (a cluster, a service, the fleet), for rules that check a key on its own. */
export const Name = name("a name");

/**
 * YAML reads `version: 1.30` as the number 1.3, so the spec cannot know which minor was meant;
 * a one-digit minor most likely lost a trailing zero. Messages may carry their fix after " | fix: ".
 */
function unquotedVersionMessage(input: number): string {
  const shown = Number.isNaN(input) ? ".nan" : Number.isFinite(input) ? String(input) : ".inf";
  const minor = /^1\.(\d+)$/.exec(shown)?.[1];
  // Only "1.N" can have lost a trailing zero; any other number is no Kubernetes version at all.
  if (minor === undefined) {
    return `YAML read this version as the number ${shown}, not a string; a Kubernetes version is written "1.NN" | fix: write the minor version in quotes, e.g. version: "1.33"`;
  }
  const meant = minor.length === 1 ? `1.${minor}0` : `1.${minor}`;
  return `YAML read this version as the number ${shown}, not a string (an unquoted 1.30 becomes 1.3) | fix: quote it: version: "${meant}" (or the minor you meant)`;
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
  /** @default { maxUnavailablePercentage: 25 } — see DEFAULT_UPDATE_CONFIG (types.ts). */
  updateConfig: UpdateConfig.optional(),
  /** Pin the node group's Kubernetes version; by default it follows its cluster. */
  version: KubernetesVersion.optional(),
  /**
   * Pin the AMI release (AWS's `releaseVersion`): AL2023 "1.NN.P-YYYYMMDD" for the group's minor,
   * Bottlerocket its own "MAJOR.MINOR.PATCH-<commit>". Absent: EKS picks the latest release at
   * creation and at each version bump, and never moves it otherwise. Rules: rules/nodegroup.ts.
   */
  releaseVersion: z.string().min(1).max(64).optional(),
  /**
   * Opt-in: a version or release roll evicts pods even when a PodDisruptionBudget forbids it
   * (EKS UpdateNodegroupVersion `force`), instead of failing after 15 minutes. @default false
   */
  forceUpdateVersion: z.boolean().optional(),
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
   * Namespaces another team owns in this cluster: baton leaves them alone (no label, no place in
   * the stack). Any other namespace an ALB service binds pods in is baton's: created, or adopted
   * when it exists (a namespace baton kept after an earlier decommission), labelled for the
   * controller's pod readiness gate, and never deleted. @default []
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

// For the fleet program and the tests, which import the types with the schemas; the library's own
// modules import them from types.ts, so no declaration a user compiles against names this file.
export type {
  AlbServiceInput, AlbServiceSpec, ApiAccessSpec, ClusterInput, ClusterSpec, DnsServiceInput, DnsServiceSpec, FleetInput, FleetSpec,
  GatesSpec, NodeGroupInput, NodeGroupSpec, ServiceInput, ServiceSpec, TaintSpec, UpdateConfigSpec,
};

/** True when A and B are the same type, not merely assignable to each other (an extra optional key counts). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Holds<T extends true> = T;

/**
 * The hand-written types in `types.ts` are exactly what these schemas accept and return. A
 * "does not satisfy the constraint 'true'" error here means a schema changed: change its type too.
 */
export type TypesMatchSchemas = [
  Holds<Same<FleetSpec, z.output<typeof Fleet>>>,
  Holds<Same<FleetInput, z.input<typeof Fleet>>>,
  Holds<Same<ClusterSpec, z.output<typeof Cluster>>>,
  Holds<Same<ClusterInput, z.input<typeof Cluster>>>,
  Holds<Same<NodeGroupSpec, z.output<typeof NodeGroup>>>,
  Holds<Same<NodeGroupInput, z.input<typeof NodeGroup>>>,
  Holds<Same<ServiceSpec, z.output<typeof Service>>>,
  Holds<Same<ServiceInput, z.input<typeof Service>>>,
  Holds<Same<AlbServiceSpec, z.output<typeof AlbService>>>,
  Holds<Same<AlbServiceInput, z.input<typeof AlbService>>>,
  Holds<Same<DnsServiceSpec, z.output<typeof DnsService>>>,
  Holds<Same<DnsServiceInput, z.input<typeof DnsService>>>,
  Holds<Same<UpdateConfigSpec, z.output<typeof UpdateConfig>>>,
  Holds<Same<TaintSpec, z.output<typeof Taint>>>,
  Holds<Same<ApiAccessSpec, z.output<typeof ApiAccess>>>,
  Holds<Same<GatesSpec, z.output<typeof Gates>>>,
];

/** A service's health gates, with the schema's defaults when the service declares none. */
export function gatesOf(service: ServiceSpec): GatesSpec {
  return service.gates ?? Gates.parse({});
}
