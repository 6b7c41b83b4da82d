/**
 * Where a service's traffic goes live, per cluster: the weights on its listener rule or Route53
 * records, and the target groups that receive each cluster's share.
 */
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Route53Client } from "@aws-sdk/client-route-53";
import { setIdentifier } from "../../fleet/names.js";
import type { FleetSpec, ServiceSpec } from "../../fleet/types.js";
import { loadBalancerByDns, loadBalancerDimensionOfListener, readListenerRule, arnDimension } from "./alb.js";
import { recordSetsAt, weightsBySetIdentifier } from "./route53.js";

export interface LiveServiceWeights {
  /** Live weight per cluster (clusters with nothing on AWS are absent). */
  readonly weights: Record<string, number>;
  /** Things carrying weight that map to no cluster: untagged target groups, unknown set identifiers. */
  readonly unmapped: readonly { readonly id: string; readonly weight: number }[];
  /** ALB only: each cluster's target groups on the rule. */
  readonly targetGroups: Readonly<Record<string, readonly string[]>>;
}

export async function readServiceWeights(
  clients: { elbv2: ElasticLoadBalancingV2Client; route53: Route53Client },
  fleet: FleetSpec,
  service: ServiceSpec,
): Promise<LiveServiceWeights> {
  const weights: Record<string, number> = {};
  const unmapped: { id: string; weight: number }[] = [];
  const targetGroups: Record<string, string[]> = {};
  if (service.routing === "alb") {
    const rule = await readListenerRule(clients.elbv2, service.alb.listenerArn, service.alb.priority);
    for (const target of rule.targets) {
      if (target.cluster === undefined) {
        unmapped.push({ id: target.targetGroupArn, weight: target.weight });
        continue;
      }
      weights[target.cluster] = (weights[target.cluster] ?? 0) + target.weight;
      (targetGroups[target.cluster] ??= []).push(target.targetGroupArn);
    }
    return { weights, unmapped, targetGroups };
  }
  const sets = await recordSetsAt(clients.route53, service.route53.zoneId, service.route53.name);
  const byIdentifier = weightsBySetIdentifier(sets);
  const clusterByIdentifier = new Map(Object.keys(fleet.clusters).map((c) => [setIdentifier(fleet.name, c), c]));
  for (const [identifier, weight] of byIdentifier) {
    const cluster = clusterByIdentifier.get(identifier);
    if (cluster === undefined) unmapped.push({ id: identifier, weight });
    else weights[cluster] = weight;
  }
  return { weights, unmapped, targetGroups };
}

/** The target groups serving `cluster` for this service, with the load balancer's CloudWatch dimension. */
export async function clusterTargetGroups(
  elbv2: ElasticLoadBalancingV2Client,
  fleet: FleetSpec,
  serviceName: string,
  cluster: string,
  live: LiveServiceWeights,
): Promise<{ loadBalancer: string; targetGroupArns: readonly string[] }> {
  const service = fleet.services[serviceName]!;
  if (service.routing === "alb") {
    const loadBalancer = loadBalancerDimensionOfListener(service.alb.listenerArn);
    // baton's listener rule names every cluster listed in the service's weights, weight 0 included;
    // a cluster missing from the live rule has no target group baton manages (its names are autonamed).
    return { loadBalancer, targetGroupArns: live.targetGroups[cluster] ?? [] };
  }
  const target = service.route53.targets[cluster];
  if (!target) return { loadBalancer: "", targetGroupArns: [] };
  const lb = await loadBalancerByDns(elbv2, target.dnsName);
  return { loadBalancer: arnDimension(lb.arn), targetGroupArns: lb.targetGroupArns };
}
