import fc from "fast-check";
import { policies } from "../../src/policy/pack.js";
import { isOpenCidr } from "../../src/fleet/cidrs.js";
import { checkPublicAccessCidrs } from "../../src/fleet/rules/cluster.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { resource, run } from "../policy/support.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const PATH = "baton:fleet.clusters.blue.publicAccessCidrs";
const rules = (cidrs: string[]) => checkPublicAccessCidrs(cidrs, PATH).map((p) => `${p.rule} ${p.path.replace(PATH, "")}`);

describe("public access CIDRs judged as addresses", () => {
  it("refuses the whole internet however it is written, with the canonical form in the message", () => {
    for (const cidr of ["0.0.0.0/0", "1.2.3.4/0", "00.0.0.0/0", "203.0.113.9/0", "::/0", "2001:db8::/0"]) {
      const [problem, ...rest] = checkPublicAccessCidrs([cidr], PATH);
      expect(rest, cidr).toEqual([]);
      expect(problem, cidr).toMatchObject({ rule: "cluster-public-endpoint-open", path: `${PATH}[0]`, value: cidr });
      expect(problem!.message, cidr).toMatch(cidr.includes(":") ? /::\/0/ : /0\.0\.0\.0\/0/);
    }
    expect(checkPublicAccessCidrs(["1.2.3.4/0"], PATH)[0]!.message).toContain("1.2.3.4/0 (that is 0.0.0.0/0)");
  });

  it("refuses a set that covers the internet together, and one that covers more than a /8", () => {
    const [both] = checkPublicAccessCidrs(["0.0.0.0/1", "128.0.0.0/1"], PATH);
    expect(both).toMatchObject({ rule: "cluster-public-endpoint-open", path: PATH });
    expect(both!.message).toContain("0.0.0.0/1, 128.0.0.0/1 cover every IPv4 address");
    expect(rules(["10.0.0.0/7"])).toEqual(["cluster-public-endpoint-too-wide "]);
    expect(rules(["11.0.0.0/7"])).toEqual(["cluster-public-endpoint-cidr [0]", "cluster-public-endpoint-too-wide "]);
    expect(rules(["10.0.0.0/8", "203.0.113.0/24"])).toEqual(["cluster-public-endpoint-too-wide "]);
    // Overlaps count once: a /8 and a block inside it is still one /8.
    expect(rules(["10.0.0.0/8", "10.1.0.0/16"])).toEqual([]);
    expect(rules(["10.0.0.0/8"])).toEqual([]);
  });

  it("asks for the canonical form of a block written with host bits, leading zeros or a short form", () => {
    const [problem] = checkPublicAccessCidrs(["203.0.113.9/24"], PATH);
    expect(problem).toMatchObject({ rule: "cluster-public-endpoint-cidr", fix: 'Write "203.0.113.0/24" (or the narrower block you meant).' });
    expect(rules(["010.0.0.0/24"])).toEqual(["cluster-public-endpoint-cidr [0]"]);
    expect(rules(["10.0.0.0", "10.0.0.0/33", "2001:db8::/32"])).toEqual(["cluster-public-endpoint-cidr [0]", "cluster-public-endpoint-cidr [1]", "cluster-public-endpoint-cidr [2]"]);
    expect(rules(["203.0.113.0/24", "198.51.100.7/32"])).toEqual([]);
  });

  it("property: any /0 is open, and any split of the IPv4 space into blocks is refused", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(fc.property(fc.tuple(octet, octet, octet, octet), (parts) => {
      expect(isOpenCidr(`${parts.join(".")}/0`)).toBe(true);
    }));
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), (prefix) => {
      const size = 2 ** (32 - prefix);
      const blocks = Array.from({ length: 2 ** prefix }, (_, i) => `${toDotted(i * size)}/${prefix}`);
      expect(checkPublicAccessCidrs(blocks, PATH).map((p) => p.rule)).toContain("cluster-public-endpoint-open");
    }), { numRuns: 8 });
  });

  it("validate refuses them in a fleet, and the policy pack uses the same function", async () => {
    const fleet = edit(migrationFleet(), (f) => { f.clusters.blue.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"]; });
    expect(validateFleet(fleet, { today: TODAY }).problems.map((p) => p.rule)).toContain("cluster-public-endpoint-open");
    const cluster = resource("aws:eks/cluster:Cluster", "prod", {
      roleArn: "arn:aws:iam::123456789012:role/r", version: "1.33",
      vpcConfig: { subnetIds: ["subnet-0a1b2c3d"], endpointPublicAccess: true, publicAccessCidrs: ["1.2.3.4/0"] },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/abcd" } },
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
    });
    const [violation] = await run(policies, "eks-endpoint-not-open", [cluster]);
    expect(violation?.message).toContain("1.2.3.4/0 (that is 0.0.0.0/0)");
    expect(violation?.message).toContain("[cluster-public-endpoint-open]");
  });
});

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
