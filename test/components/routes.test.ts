/** Weighted routing: weights reaching the listener rule's forward action and the Route53 records, and each cluster's binding. */
import { TAG_CLUSTER, TAG_FLEET, TAG_SERVICE } from "../../src/components/tags.js";
import { WeightedDnsRoute } from "../../src/components/weighted-dns-route.js";
import type { OfflineMocks } from "../../src/preview/offline-mocks.js";
import { FleetSpecError } from "../../src/fleet/problems.js";
import { Cluster } from "../../src/fleet/schema.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { one, runMocked } from "./harness.js";

Error.stackTraceLimit = 0;

type Json = Record<string, unknown>;
let mocks: OfflineMocks;

beforeAll(async () => {
  const fleet = edit(migrationFleet(), (f) => {
    f.services.web.alb.stickinessSeconds = 300;
    f.services.web.alb.pathPatterns = ["/shop/*"];
    f.services.web.serviceName = "storefront";
  });
  ({ mocks } = await runMocked(() => runFleetProgram(fleet, { today: TODAY })));
});

describe("WeightedAlbRoute", () => {
  const targetGroup = (cluster: string) => one(mocks, "aws:lb/targetGroup:TargetGroup", `shop-web-${cluster}`);

  it("forwards to one target group per cluster by the spec's weights, with stickiness", () => {
    const rule = one(mocks, "aws:lb/listenerRule:ListenerRule", "shop-web").inputs;
    expect(rule["actions"]).toEqual([{
      type: "forward",
      forward: {
        targetGroups: [{ arn: targetGroup("blue").state["arn"], weight: 90 }, { arn: targetGroup("green").state["arn"], weight: 10 }],
        stickiness: { enabled: true, duration: 300 },
      },
    }]);
    expect(rule).toMatchObject({
      listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2",
      priority: 10,
      conditions: [{ hostHeader: { values: ["shop.example.com"] } }, { pathPattern: { values: ["/shop/*"] } }],
    });
  });

  it("creates ip target groups in the fleet's VPC with the spec's health check, autonamed and tagged", () => {
    const group = targetGroup("green");
    expect(group.inputs).toMatchObject({
      port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-0a1b2c3d4e5f67890",
      healthCheck: { enabled: true, protocol: "HTTP", port: "traffic-port", path: "/", interval: 15, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200-399" },
      tags: { [TAG_FLEET]: "shop", [TAG_CLUSTER]: "green", [TAG_SERVICE]: "web" },
    });
    expect(group.inputs["name"]).toBeUndefined();
    expect(group.state["name"]).toMatch(/^shop-web-green-[0-9a-f]{7}$/);
    expect(String(group.state["name"]).length).toBeLessThanOrEqual(32);
  });

  it("binds the Service in each cluster to that cluster's own target group, admitting only the load balancer", () => {
    for (const cluster of ["blue", "green"]) {
      const binding = one(mocks, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", `shop-web-${cluster}`);
      const provider = one(mocks, "pulumi:providers:kubernetes", `shop-${cluster}`);
      expect(binding.provider).toMatch(new RegExp(`::shop-${cluster}::${provider.id}$`));
      expect(binding.inputs["metadata"]).toMatchObject({ namespace: "shop" });
      expect(binding.inputs["spec"]).toEqual({
        serviceRef: { name: "storefront", port: 8080 },
        targetGroupARN: targetGroup(cluster).state["arn"],
        targetType: "ip",
        networking: { ingress: [{ from: [{ securityGroup: { groupID: "sg-0a1b2c3d4e5f67890" } }], ports: [{ protocol: "TCP", port: 8080 }] }] },
      });
    }
  });
});

describe("WeightedDnsRoute", () => {
  it("writes one weighted alias record per cluster in one record set, with target-health evaluation", () => {
    const record = (cluster: string) => one(mocks, "aws:route53/record:Record", `shop-api-${cluster}`).inputs;
    expect(record("blue")).toEqual({
      zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com", type: "A", setIdentifier: "shop-blue",
      weightedRoutingPolicies: [{ weight: 100 }],
      aliases: [{ name: "blue-api-123.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }],
    });
    expect(record("green")).toMatchObject({ name: "api.example.com", type: "A", setIdentifier: "shop-green", weightedRoutingPolicies: [{ weight: 0 }] });
  });

  it("refuses weight on a cluster without an alias target, with the spec's rule", () => {
    const clusters = { blue: { spec: Cluster.parse(migrationFleet().clusters!["blue"]) }, green: { spec: Cluster.parse(migrationFleet().clusters!["green"]) } };
    const service = {
      namespace: "shop", port: 8080, routing: "route53" as const, weights: { blue: 50, green: 50 },
      route53: { zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com", targets: { blue: { dnsName: "blue.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K" } } },
    };
    let thrown: unknown;
    try { new WeightedDnsRoute("shop-api", { fleetName: "shop", serviceName: "api", service, clusters }); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(FleetSpecError);
    expect((thrown as FleetSpecError).problems.map((p) => [p.rule, p.path])).toEqual([["route53-target-missing", "baton:fleet.services.api.route53.targets.green"]]);
  });
});
