import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { policies } from "../../src/policy/pack.js";
import { messages, resource, run } from "./support.js";

type ClusterArgs = Unwrap<aws.eks.ClusterArgs>;
const CLUSTER = "aws:eks/cluster:Cluster";

/** What baton's EksCluster component sets: private endpoint, KMS, all logs, a pinned version. */
const secure: ClusterArgs = {
  roleArn: "arn:aws:iam::123456789012:role/prod-blue-cluster",
  version: "1.33",
  vpcConfig: { subnetIds: ["subnet-0a1b2c3d", "subnet-1a2b3c4d"], endpointPrivateAccess: true, endpointPublicAccess: false },
  encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/abcd" } },
  enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
};
const cluster = (args: ClusterArgs) => [resource(CLUSTER, "prod", args)];

describe("EKS cluster policies", () => {
  it("pass a secure cluster on every policy", async () => {
    for (const name of ["eks-endpoint-not-open", "eks-endpoint-private", "eks-secrets-encryption", "eks-audit-logging", "eks-version-supported", "eks-version-extended-support"]) {
      expect(await run(policies, name, cluster(secure)), name).toEqual([]);
    }
  });

  it("refuses a public endpoint with no CIDRs (AWS opens it to 0.0.0.0/0), naming resource, property and fix", async () => {
    const [v, ...rest] = await run(policies, "eks-endpoint-not-open", cluster({ ...secure, vpcConfig: { subnetIds: ["subnet-0a1b2c3d"] } }));
    expect(rest).toEqual([]);
    expect(v?.enforcementLevel).toBe("mandatory");
    expect(v?.urn).toBe("urn:pulumi:test::baton::aws:eks/cluster:Cluster::prod");
    expect(v?.message).toContain('aws:eks/cluster:Cluster "prod": vpcConfig.publicAccessCidrs (not set)');
    expect(v?.message).toContain("AWS defaults it to true");
    expect(v?.message).toContain("[cluster-public-endpoint-open]");
    expect(v?.message).toContain("fix: Set vpcConfig.endpointPublicAccess: false");
  });

  it("refuses 0.0.0.0/0 and ::/0 and malformed CIDRs, one violation each", async () => {
    const vs = await run(policies, "eks-endpoint-not-open", cluster({ ...secure, vpcConfig: { subnetIds: [], endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0", "::/0", "10.0.0.0"] } }));
    expect(messages(vs).map((m) => m.split("\n")[0])).toEqual([
      'aws:eks/cluster:Cluster "prod": vpcConfig.publicAccessCidrs[1] = "0.0.0.0/0"',
      'aws:eks/cluster:Cluster "prod": vpcConfig.publicAccessCidrs[2] = "::/0"',
      'aws:eks/cluster:Cluster "prod": vpcConfig.publicAccessCidrs[3] = "10.0.0.0"',
    ]);
    expect(vs[2]?.message).toContain("[cluster-public-endpoint-cidr]");
  });

  it("advises (not mandates) against a public endpoint limited to CIDRs", async () => {
    const limited = cluster({ ...secure, vpcConfig: { subnetIds: [], endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } });
    expect(await run(policies, "eks-endpoint-not-open", limited)).toEqual([]);
    const [advice] = await run(policies, "eks-endpoint-private", limited);
    expect(advice?.enforcementLevel).toBe("advisory");
    expect(advice?.message).toContain("limited to 203.0.113.0/24");
  });

  it("requires KMS encryption of secrets", async () => {
    expect(messages(await run(policies, "eks-secrets-encryption", cluster({ ...secure, encryptionConfig: undefined })))[0]).toContain("encryptionConfig (not set)");
    const wrong = await run(policies, "eks-secrets-encryption", cluster({ ...secure, encryptionConfig: { resources: ["configmaps"], provider: { keyArn: "" } } }));
    expect(messages(wrong).map((m) => m.split("\n")[0])).toEqual([
      'aws:eks/cluster:Cluster "prod": encryptionConfig.resources = ["configmaps"]',
      'aws:eks/cluster:Cluster "prod": encryptionConfig.provider.keyArn = ""',
    ]);
  });

  it("requires api, audit and authenticator logs; unset means none on EKS", async () => {
    const [unset] = await run(policies, "eks-audit-logging", cluster({ ...secure, enabledClusterLogTypes: undefined }));
    expect(unset?.message).toContain("Control-plane logs api, audit, authenticator are off");
    const [partial] = await run(policies, "eks-audit-logging", cluster({ ...secure, enabledClusterLogTypes: ["api", "scheduler"] }));
    expect(partial?.message).toContain('enabledClusterLogTypes = ["api","scheduler"]');
    expect(partial?.message).toContain("Control-plane logs audit, authenticator are off");
    expect(await run(policies, "eks-audit-logging", cluster({ ...secure, enabledClusterLogTypes: ["authenticator", "audit", "api"] }))).toEqual([]);
  });

  it("requires a pinned, supported version and warns in extended support", async () => {
    expect(messages(await run(policies, "eks-version-supported", cluster({ ...secure, version: undefined })))[0]).toContain("[eks-version-pinned]");
    expect(messages(await run(policies, "eks-version-supported", cluster({ ...secure, version: "1.28" })))[0]).toContain("reached the end of EKS extended support");
    expect(messages(await run(policies, "eks-version-supported", cluster({ ...secure, version: "1.40" })))[0]).toContain("EKS does not offer Kubernetes 1.40");
    // 1.30 left standard support on 2025-07-23: allowed, with advice.
    expect(await run(policies, "eks-version-supported", cluster({ ...secure, version: "1.30" }))).toEqual([]);
    const [extended] = await run(policies, "eks-version-extended-support", cluster({ ...secure, version: "1.30" }));
    expect(extended?.enforcementLevel).toBe("advisory");
    expect(extended?.message).toContain("[eks-version-extended-support]");
  });

  it("judges the version on the configured date", async () => {
    const on = (today: string) => run(policies, "eks-version-supported", cluster({ ...secure, version: "1.30" }), { "eks-version-supported": { today } });
    expect(await on("2026-01-15")).toEqual([]);
    expect(await on("2026-08-01")).toHaveLength(1);
  });

  it("ignores resources of other types", async () => {
    expect(await run(policies, "eks-secrets-encryption", [resource("aws:s3/bucket:Bucket", "logs", {})])).toEqual([]);
  });
});
