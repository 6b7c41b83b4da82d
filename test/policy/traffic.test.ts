import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { policies } from "../../src/policy/pack.js";
import { TARGET_GROUP_BINDING_TYPE } from "../../src/policy/target-group-binding.js";
import { messages, resource, run } from "./support.js";

type ListenerRuleArgs = Unwrap<aws.lb.ListenerRuleArgs>;
type ListenerArgs = Unwrap<aws.lb.ListenerArgs>;
type RecordArgs = Unwrap<aws.route53.RecordArgs>;

const tg = (n: number, weight?: number) => ({ arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-${n}/0123456789abcdef`, weight });
const rule = (targetGroups: ReturnType<typeof tg>[]): ListenerRuleArgs => ({
  listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/0123456789abcdef",
  priority: 10,
  conditions: [{ hostHeader: { values: ["shop.example.com"] } }],
  actions: [{ type: "forward", forward: { targetGroups } }],
});

describe("ALB forward weights", () => {
  const check = (args: object, type = "aws:lb/listenerRule:ListenerRule") => run(policies, "alb-forward-weights", [resource(type, "shop", args)]);

  it("passes weights within 0–999 with at least one above 0, and unweighted single forwards", async () => {
    expect(await check(rule([tg(1, 90), tg(2, 10)]))).toEqual([]);
    expect(await check(rule([tg(1, 999), tg(2, 0)]))).toEqual([]);
    expect(await check(rule([tg(1)]))).toEqual([]);
    expect(await check({ ...rule([]), actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "503" } }] })).toEqual([]);
  });

  it("refuses a weight out of range, all-zero weights and more than 5 target groups", async () => {
    const [range] = await check(rule([tg(1, 1000), tg(2, 0)]));
    expect(range?.message).toContain('aws:lb/listenerRule:ListenerRule "shop": actions[0].forward.targetGroups[0].weight = 1000');
    expect(range?.message).toContain("whole numbers from 0 to 999");
    expect(messages(await check(rule([tg(1, 0), tg(2, 0)])))[0]).toContain("has no target group with weight above 0");
    const six = messages(await check(rule([1, 2, 3, 4, 5, 6].map((n) => tg(n, 1)))));
    expect(six).toHaveLength(1);
    expect(six[0]).toContain("at most 5 target groups; this action lists 6 target groups");
  });

  it("checks listener default actions, and the aws.alb aliases", async () => {
    const listener: ListenerArgs = {
      loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef",
      defaultActions: [{ type: "forward", forward: { targetGroups: [tg(1, -1), tg(2, 5)] } }],
    };
    expect(messages(await check(listener, "aws:lb/listener:Listener"))[0]).toContain("defaultActions[0].forward.targetGroups[0].weight = -1");
    expect(messages(await check(listener, "aws:alb/listener:Listener"))).toHaveLength(1);
    expect(messages(await check(rule([tg(1, 0), tg(2, 0)]), "aws:alb/listenerRule:ListenerRule"))).toHaveLength(1);
  });
});

const RECORD = "aws:route53/record:Record";
const record = (setIdentifier: string | undefined, weight: number, extra: Partial<RecordArgs> = {}): RecordArgs => ({
  zoneId: "Z0123456789ABCDEFGHIJ", name: "shop.example.com", type: "A", setIdentifier,
  weightedRoutingPolicies: [{ weight }],
  aliases: [{ name: "web-123.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }],
  ...extra,
});

describe("Route53 weighted records", () => {
  const one = (args: RecordArgs) => run(policies, "route53-weighted-record", [resource(RECORD, "shop-blue", args)]);

  it("passes a weighted record with a set identifier and a weight of 0–255, and ignores simple records", async () => {
    expect(await one(record("blue", 255))).toEqual([]);
    expect(await one({ zoneId: "Z0123456789ABCDEFGHIJ", name: "www.example.com", type: "CNAME", ttl: 300, records: ["shop.example.com"] })).toEqual([]);
  });

  it("refuses a missing set identifier and a weight above 255", async () => {
    const vs = messages(await one(record(undefined, 256)));
    expect(vs.map((m) => m.split("\n")[0])).toEqual([
      'aws:route53/record:Record "shop-blue": setIdentifier (not set)',
      'aws:route53/record:Record "shop-blue": weightedRoutingPolicies[0].weight = 256',
    ]);
    expect(vs[1]).toContain("whole numbers from 0 to 255");
  });

  const set = (...records: Array<[string, RecordArgs]>) => run(policies, "route53-weighted-set", records.map(([name, args]) => resource(RECORD, name, args)));

  it("a weighted set must have some weight above 0, counted per set (zone, name, type)", async () => {
    expect(await set(["blue", record("blue", 0)], ["green", record("green", 10)])).toEqual([]);
    const [zero] = await set(["blue", record("blue", 0)], ["green", record("green", 0, { name: "SHOP.example.com." })], ["api", record("api", 5, { name: "api.example.com" })]);
    expect(zero?.message).toContain("Record set shop.example.com A has no record with weight above 0");
    expect(zero?.urn).toBe("urn:pulumi:test::baton::aws:route53/record:Record::blue");
  });

  it("a weighted set uses one TTL (alias records take the target's)", async () => {
    const plain = (id: string, ttl: number) => record(id, 50, { aliases: undefined, records: ["192.0.2.1"], ttl });
    expect(await set(["blue", plain("blue", 60)], ["green", plain("green", 60)])).toEqual([]);
    const [ttl] = await set(["blue", plain("blue", 60)], ["green", plain("green", 300)]);
    expect(ttl?.message).toContain('ttl = {"blue":60,"green":300}');
    expect(ttl?.message).toContain("[route53-weighted-ttl]");
  });
});

describe("TargetGroupBinding ingress", () => {
  const binding = (from: object[]) => ({
    apiVersion: "elbv2.k8s.aws/v1beta1", kind: "TargetGroupBinding",
    metadata: { name: "shop", namespace: "shop" },
    spec: {
      targetGroupARN: tg(1).arn, targetType: "ip", serviceRef: { name: "shop", port: 8080 },
      networking: { ingress: [{ from, ports: [{ protocol: "TCP", port: 8080 }] }] },
    },
  });
  const check = (props: object) => run(policies, "tgb-ingress-not-open", [resource(TARGET_GROUP_BINDING_TYPE, "shop", props)]);

  it("passes ingress limited to the load balancer's security group, or no networking block", async () => {
    expect(await check(binding([{ securityGroup: { groupID: "sg-0a1b2c3d4e5f67890" } }]))).toEqual([]);
    expect(await check({ spec: { targetGroupARN: tg(1).arn } })).toEqual([]);
  });

  it("refuses 0.0.0.0/0 and ::/0", async () => {
    const vs = messages(await check(binding([{ ipBlock: { cidr: "10.0.0.0/8" } }, { ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }])));
    expect(vs.map((m) => m.split("\n")[0])).toEqual([
      `${TARGET_GROUP_BINDING_TYPE} "shop": spec.networking.ingress[0].from[1].ipBlock.cidr = "0.0.0.0/0"`,
      `${TARGET_GROUP_BINDING_TYPE} "shop": spec.networking.ingress[0].from[2].ipBlock.cidr = "::/0"`,
    ]);
  });

  it("does not apply to other Kubernetes resources", async () => {
    expect(await run(policies, "tgb-ingress-not-open", [resource("kubernetes:core/v1:Service", "shop", binding([{ ipBlock: { cidr: "0.0.0.0/0" } }]))])).toEqual([]);
  });
});
