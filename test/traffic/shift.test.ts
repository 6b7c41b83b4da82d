import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../src/cli/main.js";
import { readServiceWeights, writeServiceWeights } from "../../src/traffic/stack-file.js";
import { proposeShift } from "../../src/traffic/shift.js";
import { applyAssignments, apportion, parseAssignment, type WeightAssignment } from "../../src/traffic/weights.js";
import { captureIo } from "../support/io.js";
import { TODAY } from "../support/fleets.js";
import fc from "fast-check";

/** A stack file written the way people write them: comments everywhere, odd spacing, mixed styles. */
const COMMENTED = `# Production fleet. Keep this comment.
config:
  aws:region: us-east-1   # the region
  baton:fleet:
    name: shop
    network:
      vpcId: vpc-0a1b2c3d4e5f67890
      subnetIds: [subnet-0a1b2c3d4e5f67890, subnet-0b1c2d3e4f5a67890]
      apiAccess: { securityGroupIds: [sg-0c1d2e3f4a5b67890] }   # the CI runners
    clusters:
      blue:   # the old one
        version: "1.33"
        nodeGroups:
          general:
            instanceTypes: [m7i.large]
            scaling: { min: 3, desired: 6, max: 12 }
      green:
        version: '1.35'
        nodeGroups:
          general: { instanceTypes: [m7i.large], scaling: { min: 3, desired: 6, max: 12 } }
    services:
      web:
        port: 8080
        namespace: shop      # key order is the user's
        routing: alb
        alb:
          listenerArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2
          securityGroupId: sg-0a1b2c3d4e5f67890
          priority: 10
        weights: {blue:  90,   green: 10}   # flow style, odd spacing
      api:
        namespace: shop
        port: 8080
        routing: route53
        route53:
          zoneId: Z0123456789ABCDEFGHIJ
          name: api.example.com
          targets:
            blue:  { dnsName: blue-api-123.us-east-1.elb.amazonaws.com,  zoneId: Z35SXDOTRQ7X7K }
            green: { dnsName: green-api-456.us-east-1.elb.amazonaws.com, zoneId: Z35SXDOTRQ7X7K }
        weights:
          # blue serves everything until green is proven
          blue: 100   # all of it
          green: 0
# trailing comment
`;

const assign = (...args: string[]) => args.map((a) => parseAssignment(a) as WeightAssignment);
const opts = { today: TODAY };

/** The two texts differ only at the given replacements, in order. */
function expectOnlyNumbersChanged(before: string, after: string, replacements: [string, string][]) {
  let expected = before;
  for (const [from, to] of replacements) expected = expected.replace(from, to);
  expect(after).toBe(expected);
}

describe("stack file weight edits", () => {
  it("round-trips a commented YAML byte for byte except the edited numbers (flow map)", () => {
    const out = writeServiceWeights(COMMENTED, "f.yaml", "web", { blue: 50, green: 50 });
    expectOnlyNumbersChanged(COMMENTED, out, [["{blue:  90,   green: 10}", "{blue:  50,   green: 50}"]]);
  });

  it("round-trips a block map, keeping its comments", () => {
    const out = writeServiceWeights(COMMENTED, "f.yaml", "api", { blue: 75, green: 25 });
    expectOnlyNumbersChanged(COMMENTED, out, [["blue: 100   # all of it", "blue: 75   # all of it"], ["green: 0\n# trailing", "green: 25\n# trailing"]]);
  });

  it("writes nothing different when the weights are unchanged", () => {
    expect(writeServiceWeights(COMMENTED, "f.yaml", "web", { blue: 90, green: 10 })).toBe(COMMENTED);
  });

  it("appends a cluster not yet listed in the map's own style", () => {
    const flow = COMMENTED.replace("{blue:  90,   green: 10}", "{ blue: 100 }");
    expect(writeServiceWeights(flow, "f.yaml", "web", { green: 5 })).toBe(COMMENTED.replace("{blue:  90,   green: 10}", "{ blue: 100, green: 5 }"));
    const block = COMMENTED.replace("          green: 0\n", "");
    expect(writeServiceWeights(block, "f.yaml", "api", { green: 5 })).toBe(COMMENTED.replace("green: 0\n", "green: 5\n"));
    expect(writeServiceWeights("config:\n  baton:fleet:\n    services:\n      web:\n        weights: {}\n", "f.yaml", "web", { green: 1 }))
      .toBe("config:\n  baton:fleet:\n    services:\n      web:\n        weights: { green: 1 }\n");
  });

  it("names the service and suggests the closest one when it is not defined", () => {
    expect(() => readServiceWeights(COMMENTED, "f.yaml", "webb")).toThrow(/baton:fleet\.services\.webb[\s\S]*not defined in f\.yaml \(services: web, api\)[\s\S]*Did you mean "web"\?/);
  });

  it("keeps any edit byte-identical outside the weight numbers (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 255 }), (w, r) => {
      const out = writeServiceWeights(writeServiceWeights(COMMENTED, "f", "web", { green: w }), "f", "api", { blue: r });
      expect(out.replace(/\d+/g, "N")).toBe(COMMENTED.replace(/\d+/g, "N"));
      expect(readServiceWeights(out, "f", "web").weights).toEqual({ blue: 90, green: w });
      expect(readServiceWeights(out, "f", "api").weights).toEqual({ blue: r, green: 0 });
    }));
  });
});

describe("weight arithmetic", () => {
  it("sets a percentage of the total and scales the others", () => {
    expect(applyAssignments({ blue: 90, green: 10 }, "alb", assign("green=25%"))).toEqual({ blue: 75, green: 25 });
    expect(applyAssignments({ a: 50, b: 30, c: 20 }, "alb", assign("c=50%"))).toEqual({ a: 31, b: 19, c: 50 });
    // Small totals are lifted to 100 so a whole percent is exact; Route53 caps the base at 255.
    expect(applyAssignments({ blue: 1, green: 0 }, "route53", assign("green=10%"))).toEqual({ blue: 90, green: 10 });
    expect(applyAssignments({ blue: 400, green: 0 }, "route53", assign("green=100%"))).toEqual({ blue: 0, green: 255 });
  });

  it("rejects mixed forms, percentages over 100 and a cluster named twice", () => {
    expect(applyAssignments({ blue: 90, green: 10 }, "alb", assign("green=25%", "blue=3"))).toMatch(/either weights/);
    expect(applyAssignments({ a: 1, b: 1, c: 1 }, "alb", assign("a=60%", "b=50%"))).toMatch(/110%/);
    expect(applyAssignments({ a: 1, b: 1 }, "alb", assign("a=10%", "b=10%"))).toMatch(/no other cluster/);
    expect(applyAssignments({ a: 1 }, "alb", assign("a=1", "a=2"))).toMatch(/twice/);
    expect(parseAssignment("green:25")).toMatch(/is not <cluster>=<weight>/);
    expect(parseAssignment("green=120%")).toMatch(/at most 100%/);
  });

  it("apportions whole numbers that always sum to the total (property)", () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom("a", "b", "c", "d"), fc.nat(999), { minKeys: 1 }), fc.nat(999), (parts, total) => {
      const out = apportion(parts, total);
      expect(Object.values(out).reduce((s, w) => s + w, 0)).toBe(total);
      expect(Object.values(out).every((w) => Number.isInteger(w) && w >= 0)).toBe(true);
    }));
  });
});

describe("proposeShift", () => {
  it("plans the edit with the spec and gives the rollback", () => {
    const p = proposeShift(COMMENTED, "f.yaml", "web", assign("green=50%"), opts);
    expect(p.plan.allowed).toBe(true);
    expect(p.plan.changes.map((c) => c.kind)).toEqual(["traffic-shift"]);
    expect(p.after).toEqual({ blue: 50, green: 50 });
    expect(p.rollbackArgs).toEqual(["blue=90", "green=10"]);
  });

  it("returns the spec's refusal for weights the spec refuses", () => {
    const p = proposeShift(COMMENTED, "f.yaml", "api", assign("blue=0"), opts);
    expect(p.plan.allowed).toBe(false);
    expect(p.plan.refusedRules).toEqual(["weights-all-zero"]);
    expect(proposeShift(COMMENTED, "f.yaml", "api", assign("green=300"), opts).plan.refusedRules).toEqual(["weights-range"]);
  });
});

describe("baton shift", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-shift-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  async function run(...args: string[]) {
    const io = captureIo();
    const code = await main(["node", "baton", ...args], io);
    return { code, out: io.stdout(), err: io.stderr() };
  }
  beforeEach(() => writeFileSync(file, COMMENTED));

  it("edits the file in place, prints the plan and the rollback command", async () => {
    const result = await run("shift", file, "web", "green=25%");
    expect(result.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(COMMENTED.replace("{blue:  90,   green: 10}", "{blue:  75,   green: 25}"));
    expect(result.out).toContain("allowed: 1 change(s)");
    expect(result.out).toContain("shift web: { blue: 90, green: 10 } → { blue: 75, green: 25 }");
    expect(result.out).toContain(`rollback: baton shift ${file} web blue=90 green=10`);
  });

  it("refuses with the spec's message and leaves the file untouched", async () => {
    const result = await run("shift", file, "web", "blue=0", "green=0");
    expect(result.code).toBe(1);
    expect(result.err).toContain("[weights-all-zero]");
    expect(result.err).toContain("fix: Give at least one cluster a weight above 0");
    expect(result.err).toContain("left unchanged");
    expect(readFileSync(file, "utf8")).toBe(COMMENTED);
    // Refused means nothing is written: the shift is marked refused, never "allowed", and no rollback is offered.
    expect(result.err).toContain("REFUSED traffic-shift shift web");
    expect(result.err).toContain("refused by weights-all-zero above");
    expect(result.err + result.out).not.toMatch(/allowed|rollback/);
  });

  it("does not write with --dry-run, and exits 2 on bad arguments", async () => {
    expect((await run("shift", file, "web", "green=50", "--dry-run")).out).toContain("would set web");
    expect(readFileSync(file, "utf8")).toBe(COMMENTED);
    const typo = await run("shift", file, "webb", "green=50");
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('Did you mean "web"?');
    expect((await run("shift", file, "web", "green")).code).toBe(2);
    expect((await run("shift", path.join(dir, "missing.yaml"), "web", "green=1")).code).toBe(2);
  });
});
