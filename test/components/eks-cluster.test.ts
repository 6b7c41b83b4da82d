/** EksCluster's secure defaults, its opt-outs and its add-ons, as the registered resources show them. */
import { EksCluster, type ClusterInput } from "../../src/components/eks-cluster.js";
import { TAG_CLUSTER, TAG_FLEET } from "../../src/components/tags.js";
import { mockAddonVersion, type OfflineMocks } from "../../src/preview/offline-mocks.js";
import { FleetSpecError } from "../../src/fleet/problems.js";
import { TODAY } from "../support/fleets.js";
import { byName, one, runMocked } from "./harness.js";

Error.stackTraceLimit = 0;

const network = { vpcId: "vpc-0a1b2c3d4e5f67890", subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"] };
const baseCluster = (): ClusterInput => ({
  version: "1.34",
  nodeGroups: { general: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 2, max: 4 } } },
});
const build = (spec: ClusterInput) =>
  runMocked(() => new EksCluster("ops-blue", { fleetName: "ops", clusterName: "blue", spec, network, today: TODAY, region: "eu-west-1" }));

type Json = Record<string, unknown>;
const inputs = (mocks: OfflineMocks, type: string, name: string) => one(mocks, type, name).inputs as Json;

describe("EksCluster defaults", () => {
  let mocks: OfflineMocks;
  beforeAll(async () => { ({ mocks } = await build(baseCluster())); });

  it("keeps the API endpoint private", () => {
    expect(inputs(mocks, "aws:eks/cluster:Cluster", "ops-blue")["vpcConfig"]).toEqual({
      subnetIds: network.subnetIds, endpointPrivateAccess: true, endpointPublicAccess: false,
    });
  });

  it("encrypts secrets with a KMS key of its own that rotates", () => {
    const key = one(mocks, "aws:kms/key:Key", "ops-blue-secrets");
    expect(key.inputs["enableKeyRotation"]).toBe(true);
    expect(inputs(mocks, "aws:eks/cluster:Cluster", "ops-blue")["encryptionConfig"]).toEqual({ resources: ["secrets"], provider: { keyArn: key.state["arn"] } });
  });

  it("turns on all five control-plane log types, uses access entries, and pins the version and upgrade policy", () => {
    const cluster = inputs(mocks, "aws:eks/cluster:Cluster", "ops-blue");
    expect(cluster["enabledClusterLogTypes"]).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(cluster["accessConfig"]).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    expect(cluster["upgradePolicy"]).toEqual({ supportType: "EXTENDED" });
    expect(cluster["version"]).toBe("1.34");
    expect(cluster["name"]).toBe("ops-blue");
    expect(cluster["bootstrapSelfManagedAddons"]).toBe(false);
  });

  it("gives the control plane a role only EKS can assume, with only the EKS cluster policy", () => {
    const role = inputs(mocks, "aws:iam/role:Role", "ops-blue-cluster");
    expect(JSON.parse(role["assumeRolePolicy"] as string)).toEqual({
      Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const attached = mocks.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.inputs["role"] === "ops-blue-cluster");
    expect(attached.map((r) => r.inputs["policyArn"])).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
    expect(inputs(mocks, "aws:eks/cluster:Cluster", "ops-blue")["roleArn"]).toBe(one(mocks, "aws:iam/role:Role", "ops-blue-cluster").state["arn"]);
  });

  it("keeps network permissions off the node role: the VPC CNI gets its own role through Pod Identity", () => {
    const policiesOf = (role: string) => mocks.resources
      .filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.inputs["role"] === role)
      .map((r) => String(r.inputs["policyArn"]).split("/").pop()).sort();
    expect(policiesOf("ops-blue-node")).toEqual(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy"]);
    expect(policiesOf("ops-blue-vpc-cni")).toEqual(["AmazonEKS_CNI_Policy"]);
    const cniTrust = JSON.parse(inputs(mocks, "aws:iam/role:Role", "ops-blue-vpc-cni")["assumeRolePolicy"] as string);
    // Only aws-node in kube-system of this cluster may assume it: Pod Identity's session tags, as AWS documents.
    expect(cniTrust.Statement).toEqual([{
      Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "aws:RequestTag/eks-cluster-name": "ops-blue", "aws:RequestTag/kubernetes-namespace": "kube-system", "aws:RequestTag/kubernetes-service-account": "aws-node" } },
    }]);
    expect(inputs(mocks, "aws:eks/addon:Addon", "ops-blue-vpc-cni")["podIdentityAssociations"]).toEqual([
      { serviceAccount: "aws-node", roleArn: one(mocks, "aws:iam/role:Role", "ops-blue-vpc-cni").state["arn"] },
    ]);
  });

  it("installs the four add-ons at the version EKS names for the cluster's Kubernetes version", () => {
    const addons = byName(mocks, "aws:eks/addon:Addon");
    expect([...addons.values()].map((a) => [a.inputs["addonName"], a.inputs["addonVersion"]]).sort()).toEqual(
      ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"].map((name) => [name, mockAddonVersion(name, "1.34")]));
    // One lookup per add-on and version, each keyed on the cluster's version.
    expect(mocks.calls.filter((c) => c.token === "aws:eks/getAddonVersion:getAddonVersion").map((c) => c.inputs["kubernetesVersion"])).toEqual(["1.34", "1.34", "1.34", "1.34"]);
  });

  it("tags every AWS resource it creates with its fleet and cluster", () => {
    const untaggable = new Set(["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]);
    const aws = mocks.resources.filter((r) => r.custom && r.type.startsWith("aws:") && !untaggable.has(r.type));
    expect(aws.length).toBeGreaterThan(10);
    for (const resource of aws) {
      expect(resource.inputs["tags"], `${resource.type} ${resource.name}`).toMatchObject({ [TAG_FLEET]: "ops", [TAG_CLUSTER]: "blue" });
    }
  });

  it("builds a Kubernetes provider that authenticates with aws eks get-token", () => {
    const provider = one(mocks, "pulumi:providers:kubernetes", "ops-blue");
    const config = JSON.parse(provider.inputs["kubeconfig"] as string);
    expect(config.clusters[0].cluster.server).toBe(one(mocks, "aws:eks/cluster:Cluster", "ops-blue").state["endpoint"]);
    expect(config.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "ops-blue", "--output", "json", "--region", "eu-west-1"]);
  });
});

describe("EksCluster opt-outs and choices", () => {
  it("opens a public endpoint only to the CIDRs the spec names", async () => {
    const { mocks } = await build({ ...baseCluster(), publicAccessCidrs: ["203.0.113.0/24"] });
    expect(inputs(mocks, "aws:eks/cluster:Cluster", "ops-blue")["vpcConfig"]).toMatchObject({
      endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"],
    });
  });

  it("uses a key the spec brings instead of creating one, honours add-on pins, and grants admins through access entries", async () => {
    const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const admin = "arn:aws:iam::123456789012:role/platform-admin";
    const { mocks } = await build({ ...baseCluster(), secretsKmsKeyArn: keyArn, addons: { coreDns: "v1.11.4-eksbuild.2" }, admins: [admin], supportType: "STANDARD" });
    expect(mocks.resources.filter((r) => r.type === "aws:kms/key:Key")).toEqual([]);
    const cluster = inputs(mocks, "aws:eks/cluster:Cluster", "ops-blue");
    expect(cluster["encryptionConfig"]).toEqual({ resources: ["secrets"], provider: { keyArn } });
    expect(cluster["upgradePolicy"]).toEqual({ supportType: "STANDARD" });
    expect(inputs(mocks, "aws:eks/addon:Addon", "ops-blue-coredns")["addonVersion"]).toBe("v1.11.4-eksbuild.2");
    expect(inputs(mocks, "aws:eks/accessEntry:AccessEntry", "ops-blue-admin-role-platform-admin")).toMatchObject({ principalArn: admin, type: "STANDARD" });
    expect(inputs(mocks, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "ops-blue-admin-role-platform-admin")).toMatchObject({
      principalArn: admin, policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" },
    });
  });

  it("refuses an endpoint open to the internet and logs without audit, all at once, before registering anything", async () => {
    let thrown: unknown;
    const { mocks } = await runMocked(() => {
      try {
        new EksCluster("ops-blue", { fleetName: "ops", clusterName: "blue", spec: { ...baseCluster(), publicAccessCidrs: ["0.0.0.0/0"], logging: ["api"] }, network, today: TODAY });
      } catch (error) { thrown = error; }
    });
    expect(thrown).toBeInstanceOf(FleetSpecError);
    const problems = (thrown as FleetSpecError).problems;
    expect(problems.map((p) => [p.rule, p.path])).toEqual([
      ["cluster-audit-logging", "baton:fleet.clusters.blue.logging"],
      ["cluster-public-endpoint-open", "baton:fleet.clusters.blue.publicAccessCidrs[0]"],
    ]);
    expect(mocks.resources).toEqual([]);
  });

  it("reports a mistyped setting with its path and a suggestion", () => {
    const spec = { ...baseCluster(), verison: "1.34" } as unknown as ClusterInput;
    expect(() => new EksCluster("ops-blue", { fleetName: "ops", clusterName: "blue", spec, network, today: TODAY }))
      .toThrow(/baton:fleet\.clusters\.blue\.verison = "1\.34"[\s\S]*did you mean "version"/);
  });
});
