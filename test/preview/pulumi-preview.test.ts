import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { parsePulumiPreview, PreviewJsonError } from "../../src/preview/pulumi-preview.js";
import { cloudChanges, countOps } from "../../src/preview/model.js";
import { captureProgram } from "../../src/preview/capture.js";
import { diffCaptures } from "../../src/preview/diff.js";
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { buildReview } from "../../src/preview/review.js";
import { runFleetProgram } from "../../stacks/program.js";
import { TODAY } from "../support/fleets.js";
import { reference } from "../support/reference.js";

Error.stackTraceLimit = 0;

const SAMPLE_FILES = ["creates", "update", "deletes"].map((name) => `pulumi-preview/sample-preview-${name}.json`);
const ref = reference("reading real `pulumi preview --json` output of another program", ...SAMPLE_FILES);
const sample = (name: string): unknown => JSON.parse(ref.read(`pulumi-preview/sample-preview-${name}.json`));
const review = (json: unknown) => buildReview({ offline: false, subject: "preview.json", changes: parsePulumiPreview(json).changes });

describe.skipIf(!ref.present)(`reading real pulumi preview --json output${ref.skipNote}`, () => {
  it("creates: all 16 steps are creates, typed from their state", () => {
    const { changes } = parsePulumiPreview(sample("creates"));
    expect(countOps(changes)).toMatchObject({ create: 16, update: 0, delete: 0, same: 0 });
    expect(changes.find((c) => c.name === "docsHandler" && c.type === "aws:lambda/function:Function")).toBeDefined();
    const md = renderMarkdown(review(sample("creates")));
    // The stack and the BucketEventSubscription are components (custom: false): nothing in the cloud.
    expect(md).toContain("Other resources: 0 update(s), 14 create(s), 0 unchanged");
    expect(md).toContain("no fleet config given: no verdict");
    expect(md).not.toContain("Replaced or deleted");
  });

  it("update: the one changed function with the path the provider reports, the rest unchanged", () => {
    const { changes } = parsePulumiPreview(sample("update"));
    expect(countOps(changes)).toMatchObject({ update: 1, same: 15 });
    const update = changes.find((c) => c.op === "update")!;
    expect(update).toMatchObject({ type: "aws:lambda/function:Function", name: "docsHandler", paths: ["code"] });
    expect(renderMarkdown(review(sample("update")))).toContain("| update | lambda.Function | `docsHandler` | code |");
  });

  it("deletes: 14 deletions, the 13 cloud resources listed with their reason, the bucket and stack unchanged", () => {
    const { changes } = parsePulumiPreview(sample("deletes"));
    expect(countOps(changes)).toMatchObject({ delete: 14, same: 2 });
    const md = renderMarkdown(review(sample("deletes")));
    expect(md.match(/^- \*\*delete\*\* /gm)).toHaveLength(13);
    expect(md).not.toContain("BucketEventSubscription");
    expect(md).toContain("- **delete** iam.Role `docsHandler`: no longer in the program");
  });

});

it("rejects JSON that is not a preview, saying how to produce one", () => {
  expect(() => parsePulumiPreview({ foo: 1 })).toThrow(PreviewJsonError);
  expect(() => parsePulumiPreview({ steps: [{ op: "create" }] })).toThrow(/steps\[0\] has no "op" and "urn"/);
});

const repo = path.resolve(__dirname, "../..");
const shipped = (name: string): unknown => JSON.parse(readFileSync(path.join(repo, "examples/previews", `${name}.json`), "utf8"));
const stackFleet = (file: string): unknown => (parse(readFileSync(path.join(repo, "stacks", file), "utf8")) as { config: Record<string, unknown> }).config["baton:fleet"];
/** The changes that touch the cloud, as a reviewer compares them. */
const changed = (changes: ReturnType<typeof parsePulumiPreview>["changes"]) =>
  cloudChanges(changes).filter((c) => c.op !== "same").map((c) => ({ type: c.type, name: c.name, op: c.op, paths: [...c.paths].sort() }));

describe("the preview JSON shipped in examples/previews", () => {
  it("shift.json: one listener-rule update, the fleet read from the preview's own config", () => {
    const parsed = parsePulumiPreview(shipped("shift"));
    expect(countOps(cloudChanges(parsed.changes))).toMatchObject({ update: 1, same: 52, create: 0, delete: 0, replace: 0 });
    expect(parsed.fleet).toEqual(stackFleet("Pulumi.migration-next.yaml"));
    const r = buildReview({ offline: false, subject: "shift.json", changes: parsed.changes, before: stackFleet("Pulumi.migration.yaml"), after: parsed.fleet, validate: { today: TODAY } });
    expect(r.verdict?.allowed).toBe(true);
    expect(r.traffic.find((t) => t.service === "web")?.rows.map((row) => [row.target, row.before, row.after])).toEqual([["blue", 90, 50], ["green", 10, 50]]);
  });

  it("nodegroup-replacement.json: the three replacement steps read as one replace, with the provider's reason", () => {
    const { changes } = parsePulumiPreview(shipped("nodegroup-replacement"));
    expect(changed(changes)).toEqual([{ type: "aws:eks/nodeGroup:NodeGroup", name: "shop-blue-general", op: "replace", paths: ["instanceTypes[0]"] }]);
    expect(renderMarkdown(review(shipped("nodegroup-replacement")))).toContain("- **replace** eks.NodeGroup `shop-blue-general`: the provider replaces it: instanceTypes, instanceTypes[0] cannot change in place");
  });

  it("decommission.json: blue's cluster deleted (irreversible), every blue resource listed, the listener rule updated", () => {
    const { changes } = parsePulumiPreview(shipped("decommission"));
    const deleted = cloudChanges(changes).filter((c) => c.op === "delete");
    expect(deleted.length).toBeGreaterThan(10);
    expect(deleted.every((c) => c.name.includes("blue"))).toBe(true);
    const md = renderMarkdown(review(shipped("decommission")));
    expect(md).toContain("- **delete EKS cluster shop-blue**: A deleted cluster cannot be restored");
    expect(changed(changes).filter((c) => c.op === "update")).toEqual([{ type: "aws:lb/listenerRule:ListenerRule", name: "shop-web", op: "update", paths: ["actions[0].forward.targetGroups[0].arn", "actions[0].forward.targetGroups[0].weight", "actions[0].forward.targetGroups[1]"] }]);
  });

  it("with the fleet in the preview's config but no base config, weights move as the preview's own states say", () => {
    const parsed = parsePulumiPreview(shipped("decommission"));
    const r = buildReview({ offline: false, subject: "decommission.json", changes: parsed.changes, after: parsed.fleet, validate: { today: TODAY } });
    const web = r.traffic.find((t) => t.routing === "alb")!;
    expect(web.rows.map((row) => [row.before, row.after])).toEqual([[0, undefined], [100, 100]]);
  });

  // The documents are written from baton's own program (examples/previews/write.ts): when the
  // program changes what a step touches, this fails and the documents are written again.
  it("shift.json changes what the offline preview of the same configs changes", async () => {
    const capture = (fleet: unknown) => captureProgram(() => runFleetProgram(fleet, { today: TODAY }));
    const offline = diffCaptures(await capture(stackFleet("Pulumi.migration.yaml")), await capture(stackFleet("Pulumi.migration-next.yaml")));
    expect(changed(parsePulumiPreview(shipped("shift")).changes)).toEqual(changed(offline));
  });
});

const STACK = "urn:pulumi:prod::baton::baton:components:BlueGreenFleet";
const urn = (qualified: string, name: string) => `${STACK}$${qualified}::${name}`;
const TG = (cluster: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web-${cluster}-1a2b3c4/0123456789abcdef`;
const ruleInputs = (blue: number, green: number) => ({
  listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2",
  priority: 10,
  actions: [{ type: "forward", forward: { targetGroups: [{ arn: TG("blue"), weight: blue }, { arn: TG("green"), weight: green }] } }],
});
const recordInputs = (cluster: string, weight: number) => ({ zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com", type: "A", setIdentifier: `shop-${cluster}`, weightedRoutingPolicies: [{ weight }] });

/** A fleet-shaped preview as `pulumi preview --json` writes one: a weight shift, a node group replacement and a cluster deletion. */
function fleetPreview(): unknown {
  const ruleUrn = urn("baton:components:WeightedAlbRoute$aws:lb/listenerRule:ListenerRule", "shop-web");
  const ngUrn = urn("baton:components:EksCluster$baton:components:ManagedNodeGroup$aws:eks/nodeGroup:NodeGroup", "shop-blue-general");
  const recordUrn = (c: string) => urn("baton:components:WeightedDnsRoute$aws:route53/record:Record", `shop-api-${c}`);
  const ngOld = { type: "aws:eks/nodeGroup:NodeGroup", inputs: { instanceTypes: ["m7i.large"], scalingConfig: { desiredSize: 6 } } };
  const ngNew = { type: "aws:eks/nodeGroup:NodeGroup", inputs: { instanceTypes: ["m7i.xlarge"], scalingConfig: { desiredSize: 6 } } };
  return {
    config: {},
    steps: [
      { op: "update", urn: ruleUrn, oldState: { type: "aws:lb/listenerRule:ListenerRule", inputs: ruleInputs(90, 10) }, newState: { type: "aws:lb/listenerRule:ListenerRule", inputs: ruleInputs(50, 50) },
        diffReasons: ["actions"], detailedDiff: { "actions[0].forward.targetGroups[0].weight": { kind: "update" }, "actions[0].forward.targetGroups[1].weight": { kind: "update" } } },
      { op: "update", urn: recordUrn("blue"), oldState: { type: "aws:route53/record:Record", inputs: recordInputs("blue", 100) }, newState: { type: "aws:route53/record:Record", inputs: recordInputs("blue", 75) },
        diffReasons: ["weightedRoutingPolicies"], detailedDiff: { "weightedRoutingPolicies[0].weight": { kind: "update" } } },
      { op: "update", urn: recordUrn("green"), oldState: { type: "aws:route53/record:Record", inputs: recordInputs("green", 0) }, newState: { type: "aws:route53/record:Record", inputs: recordInputs("green", 25) },
        diffReasons: ["weightedRoutingPolicies"], detailedDiff: { "weightedRoutingPolicies[0].weight": { kind: "update" } } },
      { op: "create-replacement", urn: ngUrn, oldState: ngOld, newState: ngNew, diffReasons: ["instanceTypes"], replaceReasons: ["instanceTypes"], detailedDiff: { "instanceTypes[0]": { kind: "update-replace" } } },
      { op: "replace", urn: ngUrn, oldState: ngOld, newState: ngNew, diffReasons: ["instanceTypes"], replaceReasons: ["instanceTypes"], detailedDiff: { "instanceTypes[0]": { kind: "update-replace" } } },
      { op: "delete-replaced", urn: ngUrn, oldState: ngOld },
      { op: "delete", urn: urn("baton:components:EksCluster$aws:eks/cluster:Cluster", "shop-green"), oldState: { type: "aws:eks/cluster:Cluster", inputs: { name: "shop-green", version: "1.35" } } },
      { op: "same", urn: urn("baton:components:EksCluster$aws:eks/cluster:Cluster", "shop-blue"), oldState: { type: "aws:eks/cluster:Cluster", inputs: { name: "shop-blue", version: "1.33" } }, newState: { type: "aws:eks/cluster:Cluster", inputs: { name: "shop-blue", version: "1.33" } } },
    ],
    changeSummary: { update: 3, replace: 1, delete: 1, same: 1 },
  };
}

describe("fleet-shaped previews", () => {
  it("a replacement's three steps become one replace with the provider's reason", () => {
    const { changes } = parsePulumiPreview(fleetPreview());
    const replaced = changes.filter((c) => c.op === "replace");
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).toMatchObject({ name: "shop-blue-general", replacePaths: ["instanceTypes", "instanceTypes[0]"] });
    expect(countOps(changes)).toMatchObject({ update: 3, replace: 1, delete: 1, same: 1 });
  });

  it("weight updates on a listener rule and on Route53 records read as traffic tables without any config", () => {
    const r = review(fleetPreview());
    expect(r.traffic.map((t) => [t.service, t.changed])).toEqual([["listener rule shop-web", true], ["records api.example.com", true]]);
    expect(r.traffic[0]!.rows[0]).toEqual({ target: "shop-web-blue-1a2b3c4", before: 90, after: 50, shareBefore: 0.9, shareAfter: 0.5 });
    expect(r.traffic[1]!.rows).toEqual([
      { target: "shop-blue", before: 100, after: 75, shareBefore: 1, shareAfter: 0.75 },
      { target: "shop-green", before: 0, after: 25, shareBefore: 0, shareAfter: 0.25 },
    ]);
    expect(r.traffic[1]!.takesEffect).toMatch(/TTL/);
  });

  it("a deleted cluster is irreversible, and the replacement and deletion are listed with reasons", () => {
    const md = renderMarkdown(review(fleetPreview()));
    expect(md).toContain("- **delete EKS cluster shop-green**: A deleted cluster cannot be restored");
    expect(md).toContain("- **replace** eks.NodeGroup `shop-blue-general`: the provider replaces it: instanceTypes, instanceTypes[0] cannot change in place");
    expect(md).toContain("- **delete** eks.Cluster `shop-green`: no longer in the program");
  });

  it("reads baton:fleet from the preview's config when Pulumi wrote it there", () => {
    const json = { ...(fleetPreview() as object), config: { "baton:fleet": JSON.stringify({ name: "shop" }) } };
    expect(parsePulumiPreview(json).fleet).toEqual({ name: "shop" });
  });
});
