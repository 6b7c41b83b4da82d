import { captureProgram } from "../../src/preview/capture.js";
import { offlinePreview } from "../../src/preview/offline-preview.js";
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { toPreviewJson } from "../../src/preview/render-json.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, migrationFleet, TODAY, migrationWithoutGreen } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const capture = (fleet: unknown) => captureProgram(() => runFleetProgram(fleet, { today: TODAY }));
const preview = (base: unknown, head: unknown) => offlinePreview({ base, head, subject: "test", capture, today: TODAY });
const changed = (changes: readonly { op: string; type: string; name: string }[]) =>
  changes.filter((c) => c.op !== "same").map((c) => `${c.op} ${c.type} ${c.name}`).sort();

describe("offline preview of fleet changes", () => {
  it("a weight change updates the listener rule and the records only, with the traffic table and rollback", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.services.web.weights = { blue: 50, green: 50 }; f.services.api.weights = { blue: 80, green: 20 }; });
    const { review, head: captured } = await preview(base, head);
    expect(changed(review.changes)).toEqual([
      "update aws:lb/listenerRule:ListenerRule shop-web",
      "update aws:route53/record:Record shop-api-blue",
      "update aws:route53/record:Record shop-api-green",
    ]);
    const rule = review.changes.find((c) => c.type === "aws:lb/listenerRule:ListenerRule")!;
    expect(rule.paths).toEqual(["actions[0].forward.targetGroups[0].weight", "actions[0].forward.targetGroups[1].weight"]);
    expect(review.changes.find((c) => c.name === "shop-api-green")!.paths).toEqual(["weightedRoutingPolicies[0].weight"]);
    expect(review.verdict?.allowed).toBe(true);
    const web = review.traffic.find((t) => t.service === "web")!;
    expect(web.rows).toEqual([
      { target: "blue", before: 90, after: 50, shareBefore: 0.9, shareAfter: 0.5 },
      { target: "green", before: 10, after: 50, shareBefore: 0.1, shareAfter: 0.5 },
    ]);
    expect(web.takesEffect).toMatch(/^at once/);
    expect(review.traffic.find((t) => t.service === "api")!.takesEffect).toMatch(/TTL/);
    expect(review.irreversible).toEqual([]);
    expect(review.rollback.edits).toEqual([
      { path: "baton:fleet.services.web.weights", value: { blue: 90, green: 10 } },
      { path: "baton:fleet.services.api.weights", value: { blue: 100, green: 0 } },
    ]);
    const md = renderMarkdown(review);
    expect(md).toContain("| blue | 90 → **50** | 90% → 50% |");
    expect(md).toContain("baton:fleet.services.web.weights: { blue: 90, green: 10 }");
    // JSON: the head's resources with inputs as passed to the provider.
    const json = toPreviewJson(review, captured);
    const record = json.resources.find((r) => r.name === "shop-api-green")!;
    expect(record.inputs["weightedRoutingPolicies"]).toEqual([{ weight: 20 }]);
    expect(record.parent).toMatch(/^urn:pulumi:offline::baton::baton:components:BlueGreenFleet\$baton:components:WeightedDnsRoute::shop-api$/);
  });

  it("a version bump shows the control plane update as an in-place update EKS rolls back for 7 days, and the node group roll in batches", async () => {
    const base = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 100, green: 0 }; });
    const head = edit(base, (f) => { f.clusters.blue.version = "1.34"; });
    const { review } = await preview(base, head);
    const cluster = review.changes.find((c) => c.type === "aws:eks/cluster:Cluster" && c.name === "shop-blue")!;
    expect(cluster.op).toBe("update");
    expect(cluster.paths).toContain("version");
    // An update in place, not a replacement: EKS can roll it back for 7 days, node groups first.
    expect(review.irreversible).toEqual([]);
    expect(review.rollbackWindows.map((w) => [w.subjects, w.when, w.steps.length])).toEqual([[["cluster blue", "node group blue/general"], "for 7 days after it completes", 2]]);
    expect(review.rollbackWindows[0]!.summaries[0]).toMatch(/upgrade control plane blue from Kubernetes 1\.33 to 1\.34/);
    // 6 nodes at 25 %: 1 node a time, 6 batches; EKS surges by 2 × 2 subnets first.
    expect(review.rolls).toEqual([{ subject: "node group blue/general", cause: "Kubernetes 1.33 → 1.34", nodes: 6, perBatch: 1, batches: 6, surge: 4, minutes: 48, upperBoundMinutes: 126 }]);
    const md = renderMarkdown(review);
    expect(md).toMatch(/#### Can be rolled back\n\n\*\*cluster blue and node group blue\/general\*\*: the upgrade can be rolled back for 7 days after it completes/);
    expect(md).not.toContain("#### Cannot be undone");
    // No single edit undoes it: meanwhile, the escape is a traffic move to the cluster that served before.
    expect(review.rollback.edits).toEqual([]);
    expect(review.rollback.escapes.map((e) => [e.cluster, e.edits[0]])).toEqual([["blue", { path: "baton:fleet.services.web.weights", value: { blue: 0, green: 100 } }]]);
  });

  it("changing a node group's instance types shows a replacement with its reason", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.clusters.green.nodeGroups.general.instanceTypes = ["m7i.xlarge"]; });
    const { review } = await preview(base, head);
    expect(changed(review.changes)).toEqual(["replace aws:eks/nodeGroup:NodeGroup shop-green-general"]);
    const group = review.changes.find((c) => c.op === "replace")!;
    expect(group.replacePaths).toEqual(["instanceTypes[0]"]);
    expect(group.reason).toMatch(/instance types/);
    expect(renderMarkdown(review)).toMatch(/#### Replaced or deleted\n\n- \*\*replace\*\* eks\.NodeGroup `shop-green-general`: instanceTypes\[0\] changed/);
  });

  it("removing a cluster that still has weight is refused and says why, without running anything", async () => {
    const base = migrationFleet();
    const head = migrationWithoutGreen();
    const { review } = await preview(base, head);
    expect(review.verdict?.allowed).toBe(false);
    expect(review.verdict?.refusedRules).toEqual(["decommission-weighted-cluster"]);
    expect(review.changes.filter((c) => c.op === "delete").map((c) => c.type)).toContain("aws:eks/cluster:Cluster");
    const md = renderMarkdown(review);
    expect(md).toMatch(/^### ⛔ baton: refused: decommission-weighted-cluster/m);
    expect(md).toContain("Cluster green still has traffic in the current spec");
    expect(md).toContain("fix: First set green's weights to 0 in one change and apply it");
  });

  it("an invalid head config is reported with its path, rule and fix, not a stack trace", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.clusters.green.nodeGroups.general.updateConfig = { maxUnavailable: 0 }; });
    const { review, head: captured } = await preview(base, head);
    expect(captured).toBeUndefined();
    expect(review.verdict?.allowed).toBe(false);
    expect(review.verdict?.blocking.some((p) => p.path === "baton:fleet.clusters.green.nodeGroups.general.updateConfig.maxUnavailable")).toBe(true);
  });
});

describe("a base config that has since left EKS support", () => {
  // Blue runs 1.33; EKS extended support for it ended on 2027-07-29.
  const PAST_EXTENDED = "2027-08-01";
  const captureOn = (today: string) => (fleet: unknown, deployed?: unknown) =>
    captureProgram(() => runFleetProgram(fleet, { today, ...(deployed !== undefined ? { deployed } : {}) }));

  it("previews moving traffic away from the unsupported cluster: allowed, captured, the version a warning", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.services.api.weights = { blue: 0, green: 100 }; });
    const { review, head: captured } = await offlinePreview({ base, head, subject: "away", capture: captureOn(PAST_EXTENDED), today: PAST_EXTENDED });
    expect(captured).toBeDefined();
    expect(review.verdict?.allowed).toBe(true);
    expect(review.verdict?.warnings.map((w) => `${w.rule} ${w.path}`)).toContain("eks-version-supported baton:fleet.clusters.blue.version");
    expect(changed(review.changes)).toContain("update aws:lb/listenerRule:ListenerRule shop-web");
  });

  it("previews its control-plane upgrade: allowed and captured", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.clusters.blue.version = "1.34"; });
    const { review, head: captured } = await offlinePreview({ base, head, subject: "upgrade", capture: captureOn(PAST_EXTENDED), today: PAST_EXTENDED });
    expect(captured).toBeDefined();
    expect(review.verdict?.allowed).toBe(true);
    expect(changed(review.changes)).toContain("update aws:eks/cluster:Cluster shop-blue");
  });
});

describe("what the fleet program refuses", () => {
  it("a Route53 target written for a cluster before it gets weight previews as a create, not a refusal", async () => {
    // The target names a cluster of the fleet that the weights do not list yet.
    const base = migrationFleet();
    const head = edit(base, (f) => {
      f.clusters.teal = structuredClone(f.clusters.green);
      f.services.api.route53.targets.teal = { dnsName: "teal-api-789.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K" };
    });
    const { review, head: captured } = await preview(base, head);
    expect(review.verdict?.blocking).toEqual([]);
    expect(review.verdict?.allowed).toBe(true);
    expect(captured?.resources.length).toBeGreaterThan(0);
    expect(changed(review.changes)).toContain("create aws:eks/cluster:Cluster shop-teal");
  });

  it("a refusal by a component blocks the review with the component's problem, instead of an empty allowed one", async () => {
    const { FleetSpecError } = await import("../../src/fleet/problems.js");
    const refusal = { severity: "error" as const, rule: "component-rule", path: "baton:fleet.services.web", message: "refused by the component", fix: "do something else" };
    const { review, head } = await offlinePreview({
      base: migrationFleet(), head: migrationFleet(), subject: "test", today: TODAY,
      capture: () => Promise.reject(new FleetSpecError([refusal])),
    });
    expect(head).toBeUndefined();
    expect(review.verdict?.allowed).toBe(false);
    expect(review.verdict?.refusedRules).toContain("component-rule");
    expect(review.verdict?.blocking.map((p) => p.message)).toContain("refused by the component");
  });
});
