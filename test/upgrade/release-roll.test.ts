/** An AMI release bump, estimated as the roll it is: the group's updateConfig batches, each a launch, a drain and EKS's wait. */
import { plan } from "../../src/fleet/plan.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/upgrade/assumptions.js";
import { estimateStep } from "../../src/upgrade/estimate.js";
import { StackDocument } from "../../src/upgrade/stack-document.js";
import { planAmiRoad, planUpgrade } from "../../src/upgrade/upgrade-plan.js";
import { parse, stringify } from "yaml";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

it("estimates a release-only roll from release to release, in the group's batches", () => {
  const before = edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.5-20261105"; });
  const after = edit(before, (f) => { f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.6-20261126"; });
  const planned = plan(before, after, { today: TODAY });
  const spec = (raw: unknown) => validateFleet(raw, { today: TODAY }).fleet!;
  const estimate = estimateStep(planned.changes, spec(before), spec(after), DEFAULT_ASSUMPTIONS);
  // 6 nodes at 25 %: one node a batch, 6 batches of launch (5) + drain (2) + EKS's wait (1) minutes;
  // the upper bound puts EKS's 15-minute eviction limit in every drain.
  expect(estimate.rolls).toEqual([{
    nodeGroup: "blue/general", from: "1.33.5-20261105", to: "1.33.6-20261126", nodes: 6, updateConfig: "maxUnavailablePercentage 25",
    nodesPerBatch: 1, batches: 6, surgeNodes: 4, minutes: 48, upperBoundMinutes: 126,
  }]);
  expect(estimate).toMatchObject({ minutes: 48, upperBoundMinutes: 126 });
});

describe("upgrade-plan with pinned AMI releases", () => {
  const pinnedFleet = () => edit(migrationFleet(), (f) => {
    f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.5-20261105";
    f.clusters.green.nodeGroups.general.releaseVersion = "1.35.1-20261105";
  });
  const docOf = (fleet: unknown) => StackDocument.parse(stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }), "test.yaml");
  const releaseIn = (text: string, cluster: string) =>
    (parse(text) as { config: { "baton:fleet": { clusters: Record<string, { nodeGroups: Record<string, { releaseVersion?: string }> } | undefined> } } })
      .config["baton:fleet"].clusters[cluster]?.nodeGroups["general"]?.releaseVersion;

  it.each(["in-place", "node-group", "blue-green"] as const)("%s: every step is allowed; a group whose minor moves leaves its old minor's pin behind", (method) => {
    const planned = planUpgrade(docOf(pinnedFleet()), method, { to: "1.35", today: TODAY });
    expect(planned.ok, planned.ruledOut).toBe(true);
    expect(planned.notes.join(" ")).toContain("AMI release pins (releaseVersion) on blue/general, green/general follow the group's Kubernetes minor");
    const last = planned.files.at(-1)!.text;
    // green never moved: its pin stays; every group now at 1.35 on blue's side runs EKS's pick.
    expect(releaseIn(last, "green")).toBe("1.35.1-20261105");
    // The groups that moved to 1.34 or 1.35 (blue's, or their successors and copies) carry no pin of an older minor.
    expect(last).not.toMatch(/releaseVersion: "?1\.3[34]\./);
  });
});

describe("upgrade-plan with the recommended releases known", () => {
  const docOf = (fleet: unknown) => StackDocument.parse(stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }), "test.yaml");
  const parameter = (minor: string) => `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/x86_64/standard/recommended/release_version`;

  it("in place: each bump pins the new minor's recommended release, or unpins where none is known", () => {
    const fleet = edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.5-20261105"; });
    const planned = planUpgrade(docOf(fleet), "in-place", { to: "1.35", today: TODAY, releases: { [parameter("1.34")]: "1.34.3-20261126" } });
    expect(planned.ok, planned.ruledOut).toBe(true);
    const blueRelease = (text: string) => (parse(text) as { config: { "baton:fleet": { clusters: { blue: { nodeGroups: { general: { releaseVersion?: string } } } } } } })
      .config["baton:fleet"].clusters.blue.nodeGroups.general.releaseVersion;
    expect(planned.files.map((f) => [f.name, blueRelease(f.text)])).toEqual([
      ["01-upgrade-blue-to-1-34.yaml", "1.34.3-20261126"],
      ["02-upgrade-blue-to-1-35.yaml", undefined],
    ]);
    expect(planned.steps[0]!.changes.find((c) => c.kind === "node-group-roll")!.summary)
      .toBe("roll node group blue/general from 1.33 to 1.34 (AMI release 1.33.5-20261105 → 1.34.3-20261126): 6 nodes in 6 batch(es)");
  });

  it("never pins a release of another minor, whatever the cache says", () => {
    const fleet = edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.5-20261105"; });
    const planned = planUpgrade(docOf(fleet), "in-place", { to: "1.34", today: TODAY, releases: { [parameter("1.34")]: "1.35.1-20261126" } });
    expect(planned.ok, planned.ruledOut).toBe(true);
    expect(planned.files[0]!.text).not.toContain("releaseVersion");
  });
});

describe("an AMI-only road", () => {
  const docOf = (fleet: unknown) => StackDocument.parse(stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }), "test.yaml");
  const pins = [
    { cluster: "blue", nodeGroup: "general", release: "1.33.6-20261126" },
    { cluster: "green", nodeGroup: "general", release: "1.35.2-20261126" },
  ];

  it("rolls one node group per step, the least-used cluster's first, each step an allowed roll", () => {
    // green serves 10 % of web and none of api; blue the rest: green's group goes first.
    const planned = planAmiRoad(docOf(migrationFleet()), pins, { today: TODAY });
    expect(planned).toMatchObject({ ok: true, status: "ready", method: "ami-releases" });
    expect(planned.steps.map((s) => [s.title, s.changes.map((c) => c.kind), s.estimate.minutes])).toEqual([
      ["Roll green/general onto AMI release 1.35.2-20261126", ["node-group-roll"], 24],
      ["Roll blue/general onto AMI release 1.33.6-20261126", ["node-group-roll"], 48],
    ]);
    expect(planned.totals).toMatchObject({ steps: 2, minutes: 72, irreversibleSteps: 2 });
  });

  it("stops where the spec refuses a step: a release of another minor", () => {
    const planned = planAmiRoad(docOf(migrationFleet()), [{ cluster: "blue", nodeGroup: "general", release: "1.34.2-20261126" }], { today: TODAY });
    expect(planned.ok).toBe(false);
    expect(planned.ruledOut).toContain("nodegroup-release-version-minor");
  });
});
