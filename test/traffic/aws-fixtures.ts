/**
 * AWS responses for the migration fleet (fleet "shop": blue on 1.33, green on 1.35; web on an ALB
 * rule at priority 10, api on Route53 weighted records), in the shapes the AWS API reference
 * documents for each operation, wired into aws-sdk-client-mock.
 */
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeClusterCommand, DescribeNodegroupCommand, DescribeUpdateCommand, EKSClient, ListInsightsCommand, ListNodegroupsCommand, ListUpdatesCommand, type ClusterStatus, type InsightSummary, type Nodegroup, type NodegroupStatus } from "@aws-sdk/client-eks";
import {
  DescribeLoadBalancersCommand, DescribeRulesCommand, DescribeTagsCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client, ElasticLoadBalancingV2ServiceException, type TargetHealthDescription, type TargetHealthStateEnum,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";

export const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2";
export const TG = {
  blue: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web-blue/73e2d6bc24d8a067",
  green: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web-green/2453ed029918f21f",
  apiBlue: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-shop-api-1a2b3c4d5e/6d0ecf831eec9f09",
  apiGreen: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-shop-api-9f8e7d6c5b/1a2b3c4d5e6f7a8b",
};
const LB = {
  apiBlue: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/blue-api/1234567890abcdef",
  apiGreen: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/green-api/fedcba0987654321",
};

export const mocks = {
  eks: mockClient(EKSClient),
  elbv2: mockClient(ElasticLoadBalancingV2Client),
  route53: mockClient(Route53Client),
  cloudwatch: mockClient(CloudWatchClient),
};

export const throttling = () =>
  new ElasticLoadBalancingV2ServiceException({ name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400, attempts: 3 }, message: "Rate exceeded" });

const health = (states: TargetHealthStateEnum[]): { TargetHealthDescriptions: TargetHealthDescription[] } => ({
  TargetHealthDescriptions: states.map((State, i) => ({
    Target: { Id: `10.0.${i}.17`, Port: 8080, AvailabilityZone: "us-east-1a" },
    HealthCheckPort: "8080",
    TargetHealth: State === "healthy" ? { State } : { State, Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [502]" },
  })),
});

const PASSING_134 = ["Kubelet version skew", "Cluster health issues", "EKS add-on version compatibility", "Deprecated APIs removed in Kubernetes v1.34"];
const passingInsight = (name: string, i: number): InsightSummary => ({
  id: `0a1b2c3d-4e5f-4a6b-8c7d-00000000000${i}`, name, category: "UPGRADE_READINESS", kubernetesVersion: "1.34",
  lastRefreshTime: new Date("2026-11-23T06:00:00Z"), lastTransitionTime: new Date("2026-11-01T06:00:00Z"),
  description: `Checks ${name.toLowerCase()} before an upgrade to 1.34.`, insightStatus: { status: "PASSING", reason: "No issue detected." },
});

/** Everything in sync with the migration stack file: web at blue 90 / green 10, api at blue 100 / green 0. */
export function wireFleet(webWeights = { blue: 90, green: 10 }): void {
  for (const m of Object.values(mocks)) m.reset();
  const cluster = (name: string, version: string, status: ClusterStatus) => ({
    cluster: {
      name, arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`, createdAt: new Date("2026-06-01T00:00:00Z"), version,
      endpoint: "https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com", roleArn: `arn:aws:iam::123456789012:role/${name}-cluster`,
      status, platformVersion: "eks.9", tags: {},
    },
  });
  mocks.eks.on(DescribeClusterCommand, { name: "shop-blue" }).resolves(cluster("shop-blue", "1.33", "ACTIVE"));
  mocks.eks.on(DescribeClusterCommand, { name: "shop-green" }).resolves(cluster("shop-green", "1.35", "ACTIVE"));
  mocks.eks.on(ListNodegroupsCommand, { clusterName: "shop-blue" }).resolves({ nodegroups: ["shop-blue-general-4f2a9c1", "shop-blue-general-2-b7d1e03x"] });
  mocks.eks.on(ListNodegroupsCommand, { clusterName: "shop-green" }).resolves({ nodegroups: ["shop-green-general-0c9d8e7"] });
  const nodegroup = (clusterName: string, nodegroupName: string, version: string, status: NodegroupStatus): { nodegroup: Nodegroup } => ({
    nodegroup: {
      nodegroupName, clusterName, version, releaseVersion: `${version}.0-20261101`, status, capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 3, maxSize: 12, desiredSize: 6 }, instanceTypes: ["m7i.large"], amiType: "AL2023_x86_64_STANDARD",
      updateConfig: { maxUnavailablePercentage: 25 },
    },
  });
  mocks.eks.on(DescribeNodegroupCommand, { nodegroupName: "shop-blue-general-4f2a9c1" }).resolves(nodegroup("shop-blue", "shop-blue-general-4f2a9c1", "1.33", "ACTIVE"));
  mocks.eks.on(DescribeNodegroupCommand, { nodegroupName: "shop-green-general-0c9d8e7" }).resolves(nodegroup("shop-green", "shop-green-general-0c9d8e7", "1.35", "ACTIVE"));
  // Upgrade insights: blue's checks for 1.34 all pass; EKS lists none for green's next minor.
  mocks.eks.on(ListInsightsCommand).resolves({ insights: [] });
  mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: PASSING_134.map((name, i) => passingInsight(name, i)) });

  mocks.elbv2.on(DescribeRulesCommand, { ListenerArn: LISTENER }).resolves({
    Rules: [
      {
        RuleArn: `${LISTENER.replace(":listener/", ":listener-rule/")}/9683b2d02a6cabee`, Priority: "10", IsDefault: false,
        Conditions: [{ Field: "host-header", HostHeaderConfig: { Values: ["shop.example.com"] } }],
        Actions: [{
          Type: "forward", Order: 1,
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: TG.blue, Weight: webWeights.blue }, { TargetGroupArn: TG.green, Weight: webWeights.green }],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        }],
      },
      { RuleArn: `${LISTENER.replace(":listener/", ":listener-rule/")}/default`, Priority: "default", IsDefault: true, Conditions: [], Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404" } }] },
    ],
  });
  mocks.elbv2.on(DescribeTagsCommand).resolves({
    TagDescriptions: [
      { ResourceArn: TG.blue, Tags: [{ Key: "baton:cluster", Value: "blue" }, { Key: "baton:service", Value: "web" }] },
      { ResourceArn: TG.green, Tags: [{ Key: "baton:cluster", Value: "green" }, { Key: "baton:service", Value: "web" }] },
    ],
  });
  mocks.elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG.blue }).resolves(health(["healthy", "healthy", "healthy"]));
  mocks.elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG.green }).resolves(health(["healthy", "healthy", "unhealthy", "initial"]));
  mocks.elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG.apiBlue }).resolves(health(["healthy", "healthy"]));
  mocks.elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG.apiGreen }).resolves(health(["healthy"]));
  mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({
    LoadBalancers: [
      { LoadBalancerArn: LB.apiBlue, DNSName: "blue-api-123.us-east-1.elb.amazonaws.com", CanonicalHostedZoneId: "Z35SXDOTRQ7X7K", Type: "application", Scheme: "internet-facing", State: { Code: "active" } },
      { LoadBalancerArn: LB.apiGreen, DNSName: "green-api-456.us-east-1.elb.amazonaws.com", CanonicalHostedZoneId: "Z35SXDOTRQ7X7K", Type: "application", Scheme: "internet-facing", State: { Code: "active" } },
    ],
  });
  mocks.elbv2.on(DescribeTargetGroupsCommand, { LoadBalancerArn: LB.apiBlue }).resolves({ TargetGroups: [{ TargetGroupArn: TG.apiBlue, TargetGroupName: "k8s-shop-api-1a2b3c4d5e", Protocol: "HTTP", Port: 8080 }] });
  mocks.elbv2.on(DescribeTargetGroupsCommand, { LoadBalancerArn: LB.apiGreen }).resolves({ TargetGroups: [{ TargetGroupArn: TG.apiGreen, TargetGroupName: "k8s-shop-api-9f8e7d6c5b", Protocol: "HTTP", Port: 8080 }] });

  const alias = (dns: string) => ({ HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: `${dns}.`, EvaluateTargetHealth: true });
  mocks.route53.on(ListResourceRecordSetsCommand, { HostedZoneId: "Z0123456789ABCDEFGHIJ" }).resolves({
    ResourceRecordSets: [
      { Name: "api.example.com.", Type: "A", SetIdentifier: "shop-blue", Weight: 100, AliasTarget: alias("blue-api-123.us-east-1.elb.amazonaws.com") },
      { Name: "api.example.com.", Type: "A", SetIdentifier: "shop-green", Weight: 0, AliasTarget: alias("green-api-456.us-east-1.elb.amazonaws.com") },
      { Name: "www.example.com.", Type: "CNAME", TTL: 300, ResourceRecords: [{ Value: "shop.example.com" }] },
    ],
    IsTruncated: false,
    MaxItems: 100,
  });

  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: "web-p99", AlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-p99", StateValue: "OK", StateReason: "Threshold Crossed: 5 datapoints were not greater than the threshold (1.0)." }],
    CompositeAlarms: [],
  });
  mocks.cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: "requests0", Label: "RequestCount", Timestamps: [new Date(), new Date()], Values: [600, 400], StatusCode: "Complete" },
      { Id: "errors0", Label: "HTTPCode_Target_5XX_Count", Timestamps: [new Date()], Values: [3], StatusCode: "Complete" },
    ],
    Messages: [],
  });
}

export { DescribeClusterCommand, DescribeRulesCommand, ListResourceRecordSetsCommand, DescribeAlarmsCommand, GetMetricDataCommand, ListUpdatesCommand, DescribeUpdateCommand };
