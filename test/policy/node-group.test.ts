import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { policies } from "../../src/policy/pack.js";
import { messages, resource, run } from "./support.js";

type NodeGroupArgs = Unwrap<aws.eks.NodeGroupArgs>;
type LaunchTemplateArgs = Unwrap<aws.ec2.LaunchTemplateArgs>;
type ClusterArgs = Unwrap<aws.eks.ClusterArgs>;

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const CLUSTER = "aws:eks/cluster:Cluster";

const group: NodeGroupArgs = {
  clusterName: "prod-blue",
  nodeRoleArn: "arn:aws:iam::123456789012:role/prod-blue-general-node",
  subnetIds: ["subnet-0a1b2c3d"],
  scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 6 },
  updateConfig: { maxUnavailablePercentage: 25 },
  launchTemplate: { id: "lt-0123456789abcdef0", version: "1" },
};
const template: LaunchTemplateArgs = { metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 } };
const cluster: ClusterArgs = { roleArn: "arn:aws:iam::123456789012:role/c", name: "prod-blue", version: "1.33", vpcConfig: { subnetIds: [] } };

describe("node group AMI release", () => {
  const check = (extra: Partial<NodeGroupArgs>) => run(policies, "nodegroup-release-version", [resource(NODE_GROUP, "general", { ...group, ...extra })]);

  it("passes a release of the group's AMI family and version, and a group that pins none", async () => {
    expect(await check({ amiType: "AL2023_x86_64_STANDARD", version: "1.34", releaseVersion: "1.34.2-20261120" })).toEqual([]);
    expect(await check({ amiType: "BOTTLEROCKET_ARM_64", releaseVersion: "1.55.0-d93bb1b1" })).toEqual([]);
    expect(await check({ amiType: "AL2023_x86_64_STANDARD" })).toEqual([]);
  });

  it("refuses another family's release and an AL2023 release of another minor, with the spec's rule and fix", async () => {
    const [family] = await check({ amiType: "BOTTLEROCKET_x86_64", releaseVersion: "1.34.2-20261120" });
    expect(family?.message).toContain('aws:eks/nodeGroup:NodeGroup "general": releaseVersion = "1.34.2-20261120"');
    expect(family?.message).toContain("[nodegroup-release-version-format]");
    const [minor] = await check({ amiType: "AL2023_x86_64_STANDARD", version: "1.35", releaseVersion: "1.34.2-20261120" });
    expect(minor?.message).toContain("is an AMI release for Kubernetes 1.34, but the node group runs 1.35");
    expect(minor?.message).toContain("[nodegroup-release-version-minor]");
  });
});

describe("node group updateConfig", () => {
  const check = (updateConfig: NodeGroupArgs["updateConfig"]) => run(policies, "nodegroup-update-config", [resource(NODE_GROUP, "general", { ...group, updateConfig })]);

  it("passes one field within 1–100 and maxSize", async () => {
    expect(await check({ maxUnavailablePercentage: 25 })).toEqual([]);
    expect(await check({ maxUnavailable: 2, updateStrategy: "DEFAULT" })).toEqual([]);
  });

  it("refuses both fields, neither, out-of-range values and more than maxSize", async () => {
    expect(messages(await check({ maxUnavailable: 1, maxUnavailablePercentage: 10 }))[0]).toContain("got both. [nodegroup-update-config-one-field]");
    expect(messages(await check({ updateStrategy: "MINIMAL" }))[0]).toContain("got neither");
    const [range] = await check({ maxUnavailablePercentage: 150 });
    expect(range?.message).toContain('aws:eks/nodeGroup:NodeGroup "general": updateConfig.maxUnavailablePercentage = 150');
    expect(range?.message).toContain("[nodegroup-update-config-range]");
    const [above] = await check({ maxUnavailable: 7 });
    expect(above?.message).toContain("updateConfig.maxUnavailable = 7");
    expect(above?.message).toContain("must not exceed scaling.max (6)");
  });

  it("advises setting updateConfig when it is missing (AWS rolls one node at a time)", async () => {
    const missing = [resource(NODE_GROUP, "general", { ...group, updateConfig: undefined })];
    expect(await run(policies, "nodegroup-update-config", missing)).toEqual([]);
    const [advice] = await run(policies, "nodegroup-update-config-present", missing);
    expect(advice?.enforcementLevel).toBe("advisory");
    expect(advice?.message).toContain("up to 6 sequential drains");
  });
});

describe("IMDSv2", () => {
  it("launch templates must require session tokens unless the endpoint is off", async () => {
    const check = (metadataOptions: LaunchTemplateArgs["metadataOptions"]) => run(policies, "launch-template-imdsv2", [resource(TEMPLATE, "nodes", { metadataOptions })]);
    expect(await check(template.metadataOptions)).toEqual([]);
    expect(await check({ httpEndpoint: "disabled" })).toEqual([]);
    expect(messages(await check(undefined))[0]).toContain('metadataOptions.httpTokens (not set)');
    expect(messages(await check({ httpTokens: "optional" }))[0]).toContain('metadataOptions.httpTokens = "optional"');
  });

  const stack = (groupArgs: NodeGroupArgs, templateOutputs: object, extra: object = {}) => run(policies, "nodegroup-imdsv2", [
    resource(TEMPLATE, "nodes", template, { outputs: { ...templateOutputs } }),
    resource(NODE_GROUP, "general", groupArgs, extra),
  ]);

  it("a node group passes when its launch template (by id, name or wiring) requires IMDSv2", async () => {
    expect(await stack(group, { ...template, id: "lt-0123456789abcdef0" })).toEqual([]);
    expect(await stack({ ...group, launchTemplate: { name: "nodes-lt", version: "1" } }, { ...template, name: "nodes-lt" })).toEqual([]);
    const wired = { propertyDependencies: { launchTemplate: ["urn:pulumi:test::baton::aws:ec2/launchTemplate:LaunchTemplate::nodes"] } };
    expect(await stack({ ...group, launchTemplate: { id: "lt-unknown-at-preview", version: "1" } }, template, wired)).toEqual([]);
  });

  it("a node group fails with no launch template, an IMDSv1 template, or a template outside the stack", async () => {
    const [none] = await stack({ ...group, launchTemplate: undefined }, template);
    expect(none?.urn).toBe("urn:pulumi:test::baton::aws:eks/nodeGroup:NodeGroup::general");
    expect(none?.message).toContain("has no launch template");
    const [v1] = await stack(group, { id: "lt-0123456789abcdef0", metadataOptions: { httpTokens: "optional" } });
    expect(v1?.message).toContain('Launch template "nodes" leaves IMDSv1 on');
    expect(messages(await stack({ ...group, launchTemplate: { id: "lt-elsewhere", version: "1" } }, { ...template, id: "lt-0123456789abcdef0" }))[0]).toContain("not part of this stack");
  });
});

describe("node group version skew (stack policy)", () => {
  const skew = (version: string | undefined, clusterVersion = "1.33") => run(policies, "nodegroup-version-skew", [
    resource(CLUSTER, "blue", { ...cluster, version: clusterVersion }),
    resource(NODE_GROUP, "general", { ...group, version }),
  ]);

  it("passes an unpinned group, the same minor, and three minors behind", async () => {
    expect(await skew(undefined)).toEqual([]);
    expect(await skew("1.33")).toEqual([]);
    expect(await skew("1.30", "1.33")).toEqual([]);
  });

  it("fails a group newer than its cluster or more than three minors behind", async () => {
    const [newer] = await skew("1.34", "1.33");
    expect(newer?.message).toContain('aws:eks/nodeGroup:NodeGroup "general": version = "1.34"');
    expect(newer?.message).toContain("[nodegroup-version-newer-than-cluster]");
    expect(newer?.message).toContain('Cluster "blue": The node group is newer');
    const [behind] = await skew("1.29", "1.33");
    expect(behind?.message).toContain("4 minors behind");
    expect(behind?.message).toContain("fix: Raise the node group's version to within 3 minors of 1.33");
  });

  it("skips groups whose cluster is not in the stack", async () => {
    expect(await run(policies, "nodegroup-version-skew", [resource(NODE_GROUP, "general", { ...group, version: "1.20" })])).toEqual([]);
  });
});
