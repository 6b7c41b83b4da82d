/**
 * ALB weighted routing between clusters: one target group per cluster (target type ip, with a
 * health check), a TargetGroupBinding in each cluster that registers the Service's pods in it, and
 * one listener rule on the user's listener that forwards to the target groups by weight.
 * A weight change touches only the listener rule: the ALB applies it to the next request.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { targetGroupName } from "../fleet/names.js";
import { TARGET_GROUP_PROTOCOL, TARGET_TYPE } from "../fleet/serving-path.js";
import { AlbService } from "../fleet/schema.js";
import type { AlbServiceInput, AlbServiceSpec, ApiAccessSpec, ClusterSpec } from "../fleet/types.js";
import { weightOf } from "../fleet/traffic.js";
import { listedClusters, validateService } from "./service-validation.js";
import { batonTags } from "./tags.js";
import { TargetGroupBinding } from "./target-group-binding.js";

/** The component's part of the fleet spec, as a user writes it (see fleet/types.ts). */
export type { AlbServiceInput };

/** A cluster the route sends traffic to. `EksCluster` satisfies it. */
export interface AlbRoutedCluster {
  readonly spec: ClusterSpec;
  /** Where the TargetGroupBinding goes; without one, no binding is created (register targets yourself). */
  readonly kubernetesProvider?: k8s.Provider;
  /** Where `pulumi up` reaches the cluster's API from; checked with the spec's `cluster-api-unreachable` rule. */
  readonly apiAccess?: ApiAccessSpec;
  /** What a binding in `namespace` must be created after and deleted before (`EksCluster` installs them on first use). */
  bindingPrerequisites?(namespace: string): pulumi.Resource[];
}

export interface WeightedAlbRouteArgs {
  readonly fleetName: string;
  /** The service's name in the fleet (its key under `services:`). @default the component's name */
  readonly serviceName?: string;
  /** The service, exactly as in the fleet spec; checked with the spec's rules. */
  readonly service: AlbServiceInput;
  /** Every cluster the service's weights name, by name. */
  readonly clusters: Readonly<Record<string, AlbRoutedCluster>>;
  /** The VPC of the clusters' pods (target groups of type ip live in one VPC). */
  readonly vpcId: pulumi.Input<string>;
}

export class WeightedAlbRoute extends pulumi.ComponentResource {
  readonly spec: AlbServiceSpec;
  readonly targetGroups: Readonly<Record<string, aws.lb.TargetGroup>>;
  readonly bindings: Readonly<Record<string, TargetGroupBinding>>;
  readonly listenerRule: aws.lb.ListenerRule;

  constructor(name: string, args: WeightedAlbRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    const serviceName = args.serviceName ?? name;
    const spec = validateService(AlbService, "WeightedAlbRoute", args.fleetName, serviceName, args.service, args.clusters);
    super("baton:components:WeightedAlbRoute", name, {}, opts);
    this.spec = spec;
    const { alb } = spec;

    const targetGroups: Record<string, aws.lb.TargetGroup> = {};
    const bindings: Record<string, TargetGroupBinding> = {};
    for (const cluster of listedClusters(spec)) {
      const tags = batonTags({ fleet: args.fleetName, cluster, service: serviceName });
      // Autonamed: a port change creates the new target group before the old one is deleted.
      const group = new aws.lb.TargetGroup(targetGroupName(args.fleetName, serviceName, cluster), {
        // The inputs that identify a target group come from the spec's serving path (its rule judges their changes).
        port: spec.port,
        protocol: TARGET_GROUP_PROTOCOL,
        targetType: TARGET_TYPE,
        vpcId: args.vpcId,
        deregistrationDelay: alb.deregistrationDelaySeconds,
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: alb.healthCheck.path,
          interval: alb.healthCheck.intervalSeconds,
          timeout: alb.healthCheck.timeoutSeconds,
          healthyThreshold: alb.healthCheck.healthyThreshold,
          unhealthyThreshold: alb.healthCheck.unhealthyThreshold,
          matcher: alb.healthCheck.matcher,
        },
        tags,
      }, { parent: this });
      targetGroups[cluster] = group;

      const routed = args.clusters[cluster];
      const provider = routed?.kubernetesProvider;
      if (routed !== undefined && provider !== undefined) {
        bindings[cluster] = new TargetGroupBinding(`${args.fleetName}-${serviceName}-${cluster}`, {
          namespace: spec.namespace,
          serviceName: spec.serviceName ?? serviceName,
          port: spec.port,
          ...(spec.targetPort !== undefined ? { targetPort: spec.targetPort } : {}),
          targetGroupArn: group.arn,
          loadBalancerSecurityGroupId: alb.securityGroupId,
          labels: { "app.kubernetes.io/managed-by": "baton", "baton/service": serviceName },
        }, { parent: this, provider, dependsOn: routed.bindingPrerequisites?.(spec.namespace) ?? [] });
      }
    }
    this.targetGroups = targetGroups;
    this.bindings = bindings;

    const conditions: aws.types.input.lb.ListenerRuleCondition[] = [];
    if (alb.hostHeaders) conditions.push({ hostHeader: { values: [...alb.hostHeaders] } });
    if (alb.pathPatterns) conditions.push({ pathPattern: { values: [...alb.pathPatterns] } });
    // A listener rule needs a condition; without host or path, the rule takes every path.
    if (conditions.length === 0) conditions.push({ pathPattern: { values: ["/*"] } });

    this.listenerRule = new aws.lb.ListenerRule(`${args.fleetName}-${serviceName}`, {
      listenerArn: alb.listenerArn,
      priority: alb.priority,
      conditions,
      actions: [{
        type: "forward",
        forward: {
          targetGroups: listedClusters(spec).map((cluster) => ({ arn: targetGroups[cluster]!.arn, weight: weightOf(spec, cluster) })),
          ...(alb.stickinessSeconds !== undefined ? { stickiness: { enabled: true, duration: alb.stickinessSeconds } } : {}),
        },
      }],
      tags: batonTags({ fleet: args.fleetName, service: serviceName }),
    }, { parent: this });

    this.registerOutputs({
      listenerRuleArn: this.listenerRule.arn,
      targetGroupArns: Object.fromEntries(Object.entries(targetGroups).map(([c, g]) => [c, g.arn])),
    });
  }
}
