/**
 * A hand-written Pulumi program with every mistake the pack guards against, run under the mock
 * runtime: each of the pack's policies must trip on it.
 */
import * as pulumi from "@pulumi/pulumi";
import { evaluatePolicies } from "../../src/policy/evaluate.js";
import { policies } from "../../src/policy/pack.js";
import { captureMocks, settled, type Captured } from "./capture.js";
import { DATED } from "./support.js";

Error.stackTraceLimit = 0;
const captured: Captured = { resources: [] };

beforeAll(async () => {
  await pulumi.runtime.setMocks(captureMocks(captured), "insecure", "test", true);
  const aws = await import("@pulumi/aws");
  const k8s = await import("@pulumi/kubernetes");

  const open = new aws.eks.Cluster("open", {
    name: "open", roleArn: "arn:aws:iam::123456789012:role/open", version: "1.28",
    vpcConfig: { subnetIds: ["subnet-0a1b2c3d", "subnet-1a2b3c4d"] }, // public endpoint, EKS's default 0.0.0.0/0
  });
  const ops = new aws.eks.Cluster("ops", {
    name: "ops", roleArn: "arn:aws:iam::123456789012:role/ops", version: "1.30",
    vpcConfig: { subnetIds: ["subnet-0a1b2c3d"], endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/ops" } },
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
  });
  const imdsV1 = new aws.ec2.LaunchTemplate("imds-v1", { metadataOptions: { httpTokens: "optional" } });
  const old = new aws.eks.NodeGroup("old", {
    clusterName: open.name, nodeRoleArn: "arn:aws:iam::123456789012:role/node", subnetIds: ["subnet-0a1b2c3d"], version: "1.24",
    scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 3 }, updateConfig: { maxUnavailable: 1, maxUnavailablePercentage: 50 },
    launchTemplate: { id: imdsV1.id, version: "1" },
  });
  const noTemplate = new aws.eks.NodeGroup("no-template", {
    clusterName: ops.name, nodeRoleArn: "arn:aws:iam::123456789012:role/node", subnetIds: ["subnet-0a1b2c3d"],
    scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 3 },
    amiType: "BOTTLEROCKET_x86_64", releaseVersion: "1.30.9-20261120", // an Amazon Linux release on Bottlerocket
  });
  const arn = (n: number) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-${n}/0123456789abcdef`;
  const rule = new aws.lb.ListenerRule("shop", {
    listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/0123456789abcdef",
    priority: 10, conditions: [{ pathPattern: { values: ["/*"] } }],
    actions: [{ type: "forward", forward: { targetGroups: [{ arn: arn(1), weight: 1000 }, { arn: arn(2), weight: 0 }] } }],
  });
  const record = (name: string, weight: number, ttl: number, setIdentifier?: string) => new aws.route53.Record(name, {
    zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com", type: "A", ttl, records: ["192.0.2.1"], setIdentifier,
    weightedRoutingPolicies: [{ weight }],
  });
  const records = [record("api-blue", 0, 60, "blue"), record("api-green", 0, 300), record("api-grey", 300, 60, "grey")];
  const binding = new k8s.apiextensions.CustomResource("shop", {
    apiVersion: "elbv2.k8s.aws/v1beta1", kind: "TargetGroupBinding", metadata: { name: "shop", namespace: "shop" },
    spec: { targetGroupARN: arn(1), targetType: "ip", serviceRef: { name: "shop", port: 8080 }, networking: { ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 8080 }] }] } },
  });
  await settled([open, ops, imdsV1, old, noTemplate, rule, ...records, binding]);
});

describe("the pack over an insecure hand-written program", () => {
  it("captures every resource the program registers", () => {
    expect(captured.resources.map((r) => r.type).sort()).toEqual([
      "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/cluster:Cluster", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:eks/nodeGroup:NodeGroup",
      "aws:lb/listenerRule:ListenerRule", "aws:route53/record:Record", "aws:route53/record:Record", "aws:route53/record:Record",
      "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    ]);
  });

  it("trips every policy of the pack", async () => {
    const violations = await evaluatePolicies(policies, captured.resources, { config: DATED });
    const tripped = new Set(violations.map((v) => v.policyName));
    expect([...policies.map((p) => p.name)].filter((name) => !tripped.has(name))).toEqual([]);
  });

  it("points each violation at the resource at fault", async () => {
    const violations = await evaluatePolicies(policies, captured.resources, { config: DATED });
    const at = (policy: string) => violations.filter((v) => v.policyName === policy).map((v) => v.urn?.split("::").pop());
    expect(at("eks-endpoint-not-open")).toEqual(["open"]);
    expect(at("eks-endpoint-private")).toEqual(["ops"]);
    expect(at("launch-template-imdsv2")).toEqual(["imds-v1"]);
    expect(at("nodegroup-imdsv2").sort()).toEqual(["no-template", "old"]);
    expect(at("nodegroup-version-skew")).toEqual(["old"]);
    expect(at("nodegroup-update-config-present")).toEqual(["no-template"]);
    expect(at("nodegroup-release-version")).toEqual(["no-template"]);
    expect(at("tgb-ingress-not-open")).toEqual(["shop"]);
    const skew = violations.find((v) => v.policyName === "nodegroup-version-skew");
    expect(skew?.message).toContain('Cluster "open": The node group is 4 minors behind its control plane (1.28)');
  });
});
