/** ManagedNodeGroup: IMDSv2 on the launch template, updateConfig, version, labels and taints reaching EKS. */
import { EksCluster, type ClusterInput } from "../../src/components/eks-cluster.js";
import { ManagedNodeGroup } from "../../src/components/managed-node-group.js";
import { TAG_CLUSTER, TAG_FLEET, TAG_NODE_GROUP } from "../../src/components/tags.js";
import type { OfflineMocks } from "../../src/preview/offline-mocks.js";
import { FleetSpecError } from "../../src/fleet/problems.js";
import { TODAY } from "../support/fleets.js";
import { one, runMocked } from "./harness.js";

Error.stackTraceLimit = 0;

const network = { vpcId: "vpc-0a1b2c3d4e5f67890", subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"] };
const spec: ClusterInput = {
  version: "1.35",
  nodeGroups: {
    general: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 3, max: 6 } },
    batch: {
      instanceTypes: ["c7i.xlarge"], capacityType: "SPOT", scaling: { min: 0, desired: 2, max: 20 }, updateConfig: { maxUnavailable: 4 },
      version: "1.33", labels: { workload: "batch" }, taints: [{ key: "batch", value: "true", effect: "NoExecute" }],
    },
    old: { instanceTypes: ["m7g.large"], amiType: "BOTTLEROCKET_ARM_64", scaling: { min: 1, desired: 1, max: 2 }, retiring: true, diskSizeGiB: 80 },
    legacy: { instanceTypes: ["m6i.large"], scaling: { min: 1, desired: 1, max: 2 }, allowPodsToReachInstanceMetadata: true },
    pinned: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 2, max: 4 }, releaseVersion: "1.35.2-20261120", forceUpdateVersion: true },
    rocket: { instanceTypes: ["m7g.large"], amiType: "BOTTLEROCKET_ARM_64", scaling: { min: 1, desired: 1, max: 2 }, releaseVersion: "1.55.0-d93bb1b1" },
  },
};

type Json = Record<string, unknown>;
let mocks: OfflineMocks;
const group = (name: string) => one(mocks, "aws:eks/nodeGroup:NodeGroup", `shop-green-${name}`);
const template = (name: string) => one(mocks, "aws:ec2/launchTemplate:LaunchTemplate", `shop-green-${name}`);

beforeAll(async () => {
  ({ mocks } = await runMocked(() => new EksCluster("shop-green", { fleetName: "shop", clusterName: "green", spec, network, today: TODAY })));
});

describe("the launch template", () => {
  it("requires IMDSv2 with a hop limit that keeps pods away from the node's credentials", () => {
    expect(template("general").inputs["metadataOptions"]).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
  });

  it("raises the hop limit only for a group that opts out, and IMDSv2 stays required", () => {
    expect(template("legacy").inputs["metadataOptions"]).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 });
  });

  it("gives nodes an encrypted gp3 volume of the spec's size, on Bottlerocket's data device, and encrypts Bottlerocket's OS volume too", () => {
    expect(template("general").inputs["blockDeviceMappings"]).toEqual([{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]);
    expect(template("old").inputs["blockDeviceMappings"]).toEqual([
      { deviceName: "/dev/xvda", ebs: { volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
      { deviceName: "/dev/xvdb", ebs: { volumeSize: 80, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ]);
  });

  it("is the template the node group starts from", () => {
    expect(group("general").inputs["launchTemplate"]).toEqual({ id: template("general").id, version: "1" });
  });
});

describe("the node group", () => {
  it("carries the spec's updateConfig, or baton's default of a quarter of the group", () => {
    expect(group("batch").inputs["updateConfig"]).toEqual({ maxUnavailable: 4 });
    expect(group("general").inputs["updateConfig"]).toEqual({ maxUnavailablePercentage: 25 });
  });

  it("follows the cluster's version unless pinned", () => {
    expect(group("general").inputs["version"]).toBe("1.35");
    expect(group("batch").inputs["version"]).toBe("1.33");
  });

  it("passes scaling, capacity, instance types, labels and taints through", () => {
    expect(group("batch").inputs).toMatchObject({
      capacityType: "SPOT", instanceTypes: ["c7i.xlarge"], amiType: "AL2023_x86_64_STANDARD",
      scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 20 },
      labels: { workload: "batch" }, taints: [{ key: "batch", value: "true", effect: "NO_EXECUTE" }],
      subnetIds: network.subnetIds,
    });
  });

  it("sends a pinned AMI release, and forceUpdateVersion only to the group that opts in", () => {
    expect(group("pinned").inputs).toMatchObject({ version: "1.35", releaseVersion: "1.35.2-20261120", forceUpdateVersion: true });
    expect(group("rocket").inputs).toMatchObject({ releaseVersion: "1.55.0-d93bb1b1" });
    expect(group("rocket").inputs["forceUpdateVersion"]).toBeUndefined();
    // Unpinned: no release is sent, so EKS picks the latest at creation and at each version bump.
    expect(group("general").inputs["releaseVersion"]).toBeUndefined();
    expect(group("general").inputs["forceUpdateVersion"]).toBeUndefined();
  });

  it("taints a retiring group NoSchedule so nothing new lands on it", () => {
    expect(group("old").inputs["taints"]).toEqual([{ key: "baton/retiring", value: "true", effect: "NO_SCHEDULE" }]);
    expect(group("general").inputs["taints"]).toEqual([]);
  });

  it("is autonamed from fleet, cluster and group, so a replacement never clashes with the old group", () => {
    expect(group("general").inputs["nodeGroupName"]).toBeUndefined();
    expect(group("general").state["nodeGroupName"]).toMatch(/^shop-green-general-[0-9a-f]{7}$/);
  });

  it("joins with the cluster's node role and is tagged with fleet, cluster and group", () => {
    expect(group("general").inputs["nodeRoleArn"]).toBe(one(mocks, "aws:iam/role:Role", "shop-green-node").state["arn"]);
    expect(group("general").inputs["clusterName"]).toBe("shop-green");
    for (const r of [group("general"), template("general")]) {
      expect(r.inputs["tags"]).toEqual({ [TAG_FLEET]: "shop", [TAG_CLUSTER]: "green", [TAG_NODE_GROUP]: "general" });
    }
  });
});

describe("a node group added by an IaC author", () => {
  it("applies the spec's rules to it: a version newer than the cluster and a double updateConfig are refused together", async () => {
    let thrown: unknown;
    await runMocked(() => {
      const cluster = new EksCluster("shop-green", { fleetName: "shop", clusterName: "green", spec: { version: "1.33", nodeGroups: { general: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 1, max: 3 } } } }, network, today: TODAY });
      try {
        new ManagedNodeGroup("shop-green-extra", {
          cluster, nodeGroupName: "extra", today: TODAY,
          spec: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 1, max: 3 }, version: "1.34", updateConfig: { maxUnavailable: 1, maxUnavailablePercentage: 10 } },
        });
      } catch (error) { thrown = error; }
    });
    expect(thrown).toBeInstanceOf(FleetSpecError);
    expect((thrown as FleetSpecError).problems.map((p) => [p.rule, p.path])).toEqual([
      ["nodegroup-version-newer-than-cluster", "baton:fleet.clusters.green.nodeGroups.extra.version"],
      ["nodegroup-update-config-one-field", "baton:fleet.clusters.green.nodeGroups.extra.updateConfig"],
    ]);
  });

  it("refuses an AMI release of another minor than the group runs", async () => {
    let thrown: unknown;
    await runMocked(() => {
      const cluster = new EksCluster("shop-green", { fleetName: "shop", clusterName: "green", spec: { version: "1.34", nodeGroups: {} }, network, today: TODAY });
      try {
        new ManagedNodeGroup("shop-green-extra", {
          cluster, nodeGroupName: "extra", today: TODAY,
          spec: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 1, max: 3 }, releaseVersion: "1.33.5-20261105" },
        });
      } catch (error) { thrown = error; }
    });
    expect(thrown).toBeInstanceOf(FleetSpecError);
    expect((thrown as FleetSpecError).problems).toEqual([expect.objectContaining({
      rule: "nodegroup-release-version-minor", path: "baton:fleet.clusters.green.nodeGroups.extra.releaseVersion", value: "1.33.5-20261105",
      message: expect.stringContaining("runs 1.34 (its cluster's version)"),
    })]);
  });
});
