/**
 * The AWS Load Balancer Controller's TargetGroupBinding (`elbv2.k8s.aws/v1beta1`) in one cluster:
 * the controller registers the Service's pods (target type ip) in that cluster's own target group,
 * and opens the pods' port to the load balancer's security group and nothing else.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TARGET_GROUP_BINDING_IMMUTABLE_FIELDS } from "../fleet/replacements.js";

export const TARGET_GROUP_BINDING_API_VERSION = "elbv2.k8s.aws/v1beta1";
export const TARGET_GROUP_BINDING_KIND = "TargetGroupBinding";

export interface TargetGroupBindingArgs {
  /** Namespace of the Service. */
  readonly namespace: string;
  /** The Kubernetes Service whose pods become targets. */
  readonly serviceName: string;
  /** The Service's port (`serviceRef.port`). Kubernetes: 1–65535. */
  readonly port: number;
  /**
   * The port on the pods (the Service's `targetPort`: a number or a container port's name); the
   * ingress rule admits only this port from the load balancer. @default `port`
   */
  readonly targetPort?: number | string;
  /** This cluster's target group. Immutable in the controller: a new target group means a new binding. */
  readonly targetGroupArn: pulumi.Input<string>;
  /** The load balancer's security group: the only source admitted to the pods. */
  readonly loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** Labels on the binding. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The binding's spec, exactly as the controller's CRD defines it. */
export interface TargetGroupBindingSpec {
  serviceRef: { name: string; port: number };
  targetGroupARN: string;
  targetType: "ip";
  networking: { ingress: Array<{ from: Array<{ securityGroup: { groupID: string } }>; ports: Array<{ protocol: "TCP"; port: number | string }> }> };
}

/** Builds the binding's spec from resolved values (kept pure so a test can check it against the CRD schema). */
export function targetGroupBindingSpec(args: { serviceName: string; port: number; targetPort?: number | string; targetGroupArn: string; loadBalancerSecurityGroupId: string }): TargetGroupBindingSpec {
  return {
    serviceRef: { name: args.serviceName, port: args.port },
    targetGroupARN: args.targetGroupArn,
    targetType: "ip",
    networking: {
      // The rule applies on the pods, so it names the pods' port: the Service's targetPort, not its port.
      ingress: [{ from: [{ securityGroup: { groupID: args.loadBalancerSecurityGroupId } }], ports: [{ protocol: "TCP", port: args.targetPort ?? args.port }] }],
    },
  };
}

export class TargetGroupBinding extends pulumi.ComponentResource {
  readonly binding: k8s.apiextensions.CustomResource;

  /**
   * `opts.provider` (or `providers`) selects the cluster; without it, the ambient kubeconfig's
   * cluster. `opts.dependsOn` should name the controller's release, the namespace and the nodes
   * the controller runs on, so the binding is created after them and deleted before them.
   */
  constructor(name: string, args: TargetGroupBindingArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
      throw new Error(`TargetGroupBinding ${name}: port must be a whole number from 1 to 65535, got ${args.port}.`);
    }
    super("baton:components:TargetGroupBinding", name, {}, opts);
    const spec = pulumi.all([args.targetGroupArn, args.loadBalancerSecurityGroupId]).apply(([targetGroupArn, loadBalancerSecurityGroupId]) =>
      targetGroupBindingSpec({ serviceName: args.serviceName, port: args.port, targetGroupArn, loadBalancerSecurityGroupId, ...(args.targetPort !== undefined ? { targetPort: args.targetPort } : {}) }));
    // @pulumi/kubernetes patches a custom resource in place unless its name or namespace changes, and
    // the controller's webhook refuses a patch to these fields: a change must replace the binding.
    // metadata.name is autonamed, so the replacement (bound to the new target group) is created
    // before the old binding is deleted, and the old one deregisters its pods only at the end.
    // The binding itself carries the component's dependsOn (the controller, the namespace, the nodes):
    // the engine orders a resource by its own dependencies, so the delete runs before theirs.
    this.binding = new k8s.apiextensions.CustomResource(name, {
      apiVersion: TARGET_GROUP_BINDING_API_VERSION,
      kind: TARGET_GROUP_BINDING_KIND,
      metadata: { namespace: args.namespace, ...(args.labels ? { labels: { ...args.labels } } : {}) },
      spec,
    }, { parent: this, replaceOnChanges: [...TARGET_GROUP_BINDING_IMMUTABLE_FIELDS], ...(opts?.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) });
    this.registerOutputs({ name: this.binding.metadata.name });
  }
}
