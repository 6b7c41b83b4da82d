/**
 * What a real `pulumi up` needs in place around each resource, written down as data: per resource
 * type, what must exist before the resource is created (or updated), and what must still exist
 * when it is deleted. The mock runtime cannot fail on these (it creates nothing), so
 * `engine-order.ts` checks the order the engine would follow against this table instead.
 *
 * Each entry names the resources that satisfy it by type and by a match on the graph: the same
 * cluster (the nearest `EksCluster` above it, or above its provider), the same ALB route, the
 * namespace a Kubernetes object names, or the node groups system pods can land on.
 */
import type { CapturedResource } from "./model.js";

export const TYPES = {
  targetGroupBinding: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  kubernetesProvider: "pulumi:providers:kubernetes",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  podIdentityAssociation: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  apiAccessRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

/** Which resources of the required type count for a given resource. */
export type Match =
  /** In the same cluster. */
  | "cluster"
  /** In the same cluster, and able to run system pods: desired above 0, no NoSchedule/NoExecute taint. */
  | "cluster-system-nodes"
  /** The Namespace named by the resource's `metadata.namespace`, in the same cluster. */
  | "own-namespace"
  /** In the same weighted ALB route (a listener rule and the target groups it forwards to). */
  | "route";

export interface Requirement {
  /** Type token of what must exist. */
  readonly type: string;
  readonly match: Match;
  /** Only resources of that type whose inputs pass this filter count (e.g. one add-on by name). */
  readonly where?: (inputs: Readonly<Record<string, unknown>>) => boolean;
  /** `some`: one matching resource is enough (a node to run on); `every`: each matching resource is needed. */
  readonly quantifier: "some" | "every";
  /** What fails in a real `pulumi up` without it. */
  readonly why: string;
}

export interface Preconditions {
  /** Which resources of the type the entry applies to (e.g. only the CoreDNS add-on). @default all */
  readonly when?: (inputs: Readonly<Record<string, unknown>>) => boolean;
  /** Must exist before the resource is created or updated. */
  readonly create: readonly Requirement[];
  /** Must still exist while the resource is deleted. */
  readonly delete: readonly Requirement[];
  /**
   * Resources of this type that referenced it (through their inputs) must have stopped, by an
   * update or their own delete, before it is deleted.
   */
  readonly unreferencedBy?: readonly string[];
}

const addonNamed = (name: string) => (inputs: Readonly<Record<string, unknown>>) => inputs["addonName"] === name;

const controller: Requirement = {
  type: TYPES.helmRelease, match: "cluster", quantifier: "some",
  why: "the AWS Load Balancer Controller owns the TargetGroupBinding CRD and its webhooks fail closed; while deleting, its pods clear the binding's finalizer",
};
const ownNamespace: Requirement = { type: TYPES.namespace, match: "own-namespace", quantifier: "some", why: "a namespaced object needs its namespace" };
const systemNodes: Requirement = {
  type: TYPES.nodeGroup, match: "cluster-system-nodes", quantifier: "some",
  why: "the controller's pods need a node to run on, to serve the webhooks and clear the finalizer",
};

/** Keyed by type token; a type may have several entries, each with its own `when`. */
export const PRECONDITIONS: Readonly<Record<string, readonly Preconditions[]>> = {
  [TYPES.targetGroupBinding]: [{ create: [controller, ownNamespace, systemNodes], delete: [controller, ownNamespace, systemNodes] }],
  [TYPES.kubernetesProvider]: [{
    create: [{
      type: TYPES.apiAccessRule, match: "cluster", quantifier: "every",
      why: "the cluster's security group admits only itself: without the rule the provider cannot reach a private endpoint",
    }],
    delete: [],
  }],
  [TYPES.helmRelease]: [{
    create: [
      { type: TYPES.podIdentityAssociation, match: "cluster", quantifier: "some", why: "the controller starts with no AWS credentials without its Pod Identity association" },
      { type: TYPES.addon, where: addonNamed("eks-pod-identity-agent"), match: "cluster", quantifier: "some", why: "the Pod Identity agent hands the controller its credentials" },
      { type: TYPES.addon, where: addonNamed("coredns"), match: "cluster", quantifier: "some", why: "the controller resolves the AWS API endpoints through CoreDNS" },
      { ...systemNodes, why: "Helm waits for the controller's Deployment, whose pods need nodes" },
    ],
    delete: [],
  }],
  [TYPES.nodeGroup]: [{
    create: [
      { type: TYPES.addon, where: addonNamed("vpc-cni"), match: "cluster", quantifier: "some", why: "nodes stay NotReady without pod networking" },
      { type: TYPES.addon, where: addonNamed("kube-proxy"), match: "cluster", quantifier: "some", why: "nodes need Service routing" },
      { type: TYPES.addon, where: addonNamed("eks-pod-identity-agent"), match: "cluster", quantifier: "some", why: "the VPC CNI gets its credentials through the Pod Identity agent" },
    ],
    delete: [],
  }],
  [TYPES.addon]: [{
    when: addonNamed("coredns"),
    create: [{ ...systemNodes, why: "EKS reports CoreDNS as degraded while its pods cannot be scheduled, and the provider fails the add-on" }],
    delete: [],
  }],
  [TYPES.listenerRule]: [{
    create: [{ type: TYPES.targetGroup, match: "route", quantifier: "every", why: "a forward action can only name target groups that exist" }],
    delete: [],
  }],
  [TYPES.targetGroup]: [{ create: [], delete: [], unreferencedBy: [TYPES.listenerRule] }],
};

/** How the order check sees the graph around one resource. */
export interface GraphView {
  /** The URN of the EksCluster the resource belongs to (above it, or above its provider). */
  clusterOf(r: CapturedResource): string | undefined;
  /** The provider resource the resource names explicitly. */
  providerOf(r: CapturedResource): CapturedResource | undefined;
}

/**
 * A resource type whose delete can leave the object in the cloud (`retainOnDelete`), and what a
 * later create of the same object then needs. The engine forgets a retained resource; the cloud
 * does not, and a create under the same physical identity fails unless the new resource adopts it.
 */
export interface LeftInCloud {
  /** The object's physical identity: equal values are the same object in the cloud. */
  readonly identity: (r: CapturedResource, graph: GraphView) => string | undefined;
  /** Whether the new resource adopts an existing object instead of failing on it. */
  readonly adopts: (r: CapturedResource, graph: GraphView) => boolean;
  /** What fails otherwise. */
  readonly why: string;
}

const isTrue = (value: unknown) => value === true || value === "true";

export const LEFT_IN_CLOUD: Readonly<Record<string, LeftInCloud>> = {
  [TYPES.logGroup]: {
    identity: (r) => (typeof r.inputs["name"] === "string" ? r.inputs["name"] : undefined),
    adopts: (r) => r.importId !== undefined && r.importId === r.inputs["name"],
    why: "CloudWatch's CreateLogGroup fails with ResourceAlreadyExistsException for a group that exists, and the AWS provider does not adopt it; the import resource option does",
  },
  [TYPES.namespace]: {
    identity: (r, graph) => {
      const name = (r.inputs["metadata"] as Record<string, unknown> | undefined)?.["name"];
      const cluster = graph.clusterOf(r);
      return typeof name === "string" && cluster !== undefined ? `${cluster}/${name}` : undefined;
    },
    adopts: (r, graph) => isTrue(graph.providerOf(r)?.inputs["upsertExistingObjects"]),
    why: "the Kubernetes provider (4.29 and later) refuses to create an object that already exists (AlreadyExists) unless its provider sets upsertExistingObjects",
  },
};

/** Whether a node group can run system pods, from its registered inputs (desired above 0, no repelling taint). */
export function runsSystemPods(inputs: Readonly<Record<string, unknown>>): boolean {
  const desired = (inputs["scalingConfig"] as { desiredSize?: number } | undefined)?.desiredSize ?? 0;
  const taints = (inputs["taints"] as Array<{ effect?: string }> | undefined) ?? [];
  return desired > 0 && !taints.some((t) => t.effect === "NO_SCHEDULE" || t.effect === "NO_EXECUTE");
}

/** The preconditions that apply to one resource. */
export function preconditionsOf(resource: CapturedResource, table = PRECONDITIONS): Preconditions[] {
  return (table[resource.type] ?? []).filter((p) => p.when === undefined || p.when(resource.inputs));
}
