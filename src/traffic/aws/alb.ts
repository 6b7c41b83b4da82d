/**
 * What an ALB service's listener rule holds live: the forward action's target groups, which cluster
 * each belongs to (its `baton:cluster` tag), their weights and their targets' health.
 */
import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  paginateDescribeRules,
  type Rule,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { TAG_CLUSTER } from "../../components/tags.js";

/** The tag the components put on each target group, naming its cluster. */
const CLUSTER_TAG = TAG_CLUSTER;

export interface ForwardTarget {
  readonly targetGroupArn: string;
  readonly weight: number;
  /** The cluster from the target group's tag; undefined when untagged. */
  readonly cluster?: string;
}

export interface ListenerRuleWeights {
  readonly ruleArn: string;
  readonly targets: readonly ForwardTarget[];
}

/** A typed error for "the thing the spec names is not on AWS". */
export class NotOnAwsError extends Error {
  override name = "NotFoundException";
}

/** The rule at `priority` on the listener, or NotOnAwsError. */
async function findRule(elbv2: ElasticLoadBalancingV2Client, listenerArn: string, priority: number): Promise<Rule> {
  for await (const page of paginateDescribeRules({ client: elbv2 }, { ListenerArn: listenerArn })) {
    const rule = page.Rules?.find((r) => r.Priority === String(priority));
    if (rule) return rule;
  }
  throw new NotOnAwsError(`no rule with priority ${priority} on listener ${listenerArn}`);
}

/** The `baton:cluster` tag of each target group (DescribeTags takes 20 ARNs a call). */
export async function clusterTags(elbv2: ElasticLoadBalancingV2Client, arns: readonly string[]): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  for (let i = 0; i < arns.length; i += 20) {
    const out = await elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const description of out.TagDescriptions ?? []) {
      const value = description.Tags?.find((t) => t.Key === CLUSTER_TAG)?.Value;
      if (description.ResourceArn && value) tags.set(description.ResourceArn, value);
    }
  }
  return tags;
}

/** The forward action's target groups and weights on the service's rule, each mapped to its cluster. */
export async function readListenerRule(elbv2: ElasticLoadBalancingV2Client, listenerArn: string, priority: number): Promise<ListenerRuleWeights> {
  const rule = await findRule(elbv2, listenerArn, priority);
  const forward = rule.Actions?.find((a) => a.Type === "forward");
  if (!forward) throw new NotOnAwsError(`the rule with priority ${priority} on ${listenerArn} has no forward action`);
  // A forward to one target group may be written without ForwardConfig; its weight is then implicit.
  const groups = forward.ForwardConfig?.TargetGroups?.length
    ? forward.ForwardConfig.TargetGroups.map((g) => ({ arn: g.TargetGroupArn ?? "", weight: g.Weight ?? 1 }))
    : [{ arn: forward.TargetGroupArn ?? "", weight: 1 }];
  const tags = await clusterTags(elbv2, groups.map((g) => g.arn).filter((a) => a !== ""));
  return {
    ruleArn: rule.RuleArn ?? "",
    targets: groups.map((g) => {
      const cluster = tags.get(g.arn);
      return { targetGroupArn: g.arn, weight: g.weight, ...(cluster === undefined ? {} : { cluster }) };
    }),
  };
}

/** Target states in one or more target groups, counted. */
export interface TargetCounts {
  readonly healthy: number;
  readonly unhealthy: number;
  /** initial, draining, unused, unavailable. */
  readonly other: number;
}

export async function targetHealth(elbv2: ElasticLoadBalancingV2Client, targetGroupArns: readonly string[]): Promise<TargetCounts> {
  let healthy = 0;
  let unhealthy = 0;
  let other = 0;
  for (const arn of targetGroupArns) {
    const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    for (const description of out.TargetHealthDescriptions ?? []) {
      const state = description.TargetHealth?.State;
      if (state === "healthy") healthy += 1;
      else if (state === "unhealthy") unhealthy += 1;
      else other += 1;
    }
  }
  return { healthy, unhealthy, other };
}

const normaliseDns = (name: string) => name.toLowerCase().replace(/\.$/, "").replace(/^dualstack\./, "");

/** A Route53 target's load balancer (by DNS name) and its target groups. */
export async function loadBalancerByDns(elbv2: ElasticLoadBalancingV2Client, dnsName: string): Promise<{ arn: string; targetGroupArns: string[] }> {
  const wanted = normaliseDns(dnsName);
  let marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeLoadBalancersCommand({ ...(marker ? { Marker: marker } : {}) }));
    const match = page.LoadBalancers?.find((lb) => lb.DNSName !== undefined && normaliseDns(lb.DNSName) === wanted);
    if (match?.LoadBalancerArn) {
      const groups = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: match.LoadBalancerArn }));
      return { arn: match.LoadBalancerArn, targetGroupArns: (groups.TargetGroups ?? []).flatMap((g) => (g.TargetGroupArn ? [g.TargetGroupArn] : [])) };
    }
    marker = page.NextMarker;
  } while (marker);
  throw new NotOnAwsError(`no load balancer in this region has the DNS name ${dnsName}`);
}

/** CloudWatch's dimension value for a load balancer or target group: its ARN after the resource type. */
export function arnDimension(arn: string): string {
  // arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID → app/NAME/ID
  // arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID → targetgroup/NAME/ID
  const resource = arn.split(":").slice(5).join(":");
  return resource.startsWith("loadbalancer/") ? resource.slice("loadbalancer/".length) : resource;
}

/** The load balancer dimension from a listener ARN (listener/app/NAME/LB-ID/LISTENER-ID). */
export function loadBalancerDimensionOfListener(listenerArn: string): string {
  const parts = listenerArn.split(":").slice(5).join(":").split("/");
  return parts.slice(1, 4).join("/");
}
