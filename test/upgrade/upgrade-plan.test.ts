import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument, stringify } from "yaml";
import { plan } from "../../src/fleet/plan.js";
import { Fleet, type FleetInput } from "../../src/fleet/schema.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/upgrade/assumptions.js";
import { estimateGroupRemoval, estimateRoll } from "../../src/upgrade/estimate.js";
import { StackDocument } from "../../src/upgrade/stack-document.js";
import { planUpgrade, UpgradePlanError, type MethodPlan, type UpgradeMethod } from "../../src/upgrade/upgrade-plan.js";
import { edit, migrationFleet, migrationWithoutGreen, TODAY } from "../support/fleets.js";
import { fillPlaceholders } from "../support/placeholders.js";

const stacks = (name: string) => path.resolve(__dirname, "../../stacks", name);
const docOf = (fleet: FleetInput) => StackDocument.parse(stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }), "test.yaml");
const fleetOf = (text: string) => (parseDocument(text).toJS() as { config: Record<string, unknown> }).config["baton:fleet"];

/**
 * Every transition of the plan — original → 01 → 02 → … — as `baton plan` judges it: allowed once
 * the placeholders a step lists are filled in, and refused for them (and nothing else) until then.
 */
function expectEveryStepAllowed(original: string, planned: MethodPlan): void {
  let previous = fleetOf(original);
  planned.files.forEach((file, i) => {
    const inputs = planned.steps[i]!.inputs;
    const unfilled = plan(previous, fleetOf(file.text), { today: TODAY });
    expect(unfilled.refusedRules, file.name).toEqual(inputs.length > 0 ? ["placeholder-value"] : []);
    expect(unfilled.problems.filter((p) => p.severity === "error").map((p) => p.path), file.name).toEqual(inputs.map((input) => input.path));
    const next = fleetOf(fillPlaceholders(file.text, inputs));
    const verdict = plan(previous, next, { today: TODAY });
    expect(verdict.refusedRules, file.name).toEqual([]);
    expect(verdict.allowed, file.name).toBe(true);
    previous = next;
  });
}

const run = (fleet: FleetInput, method: UpgradeMethod, to = "1.35", extra = {}) => {
  const doc = docOf(fleet);
  const planned = planUpgrade(doc, method, { to, today: TODAY, ...extra });
  return { planned, original: doc.text() };
};

describe("upgrade-plan in place", () => {
  it("moves the migration's blue one minor per step, its node group rolling with it, each step allowed and irreversible", () => {
    const original = readFileSync(stacks("Pulumi.migration.yaml"), "utf8");
    const planned = planUpgrade(StackDocument.parse(original, "Pulumi.migration.yaml"), "in-place", { to: "1.35", today: TODAY });
    expect(planned.ok).toBe(true);
    expect(planned.files.map((f) => f.name)).toEqual(["01-upgrade-blue-to-1-34.yaml", "02-upgrade-blue-to-1-35.yaml"]);
    expect(planned.steps.every((s) => s.irreversible)).toBe(true);
    expect(planned.steps[0]!.estimate.rolls).toMatchObject([{ nodeGroup: "blue/general", from: "1.33", to: "1.34", nodes: 6, batches: 6 }]);
    expectEveryStepAllowed(original, planned);
    // Only the version line differs from the user's file: comments, flow maps and alignment stay.
    const changed = planned.files[0]!.text.split("\n").filter((line, i) => line !== original.split("\n")[i]);
    expect(changed).toEqual(['        version: "1.34"']);
  });

  it("rolls a pinned node group to its control plane's version in its own step before each bump", () => {
    const fleet = edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.version = "1.32"; });
    const { planned, original } = run(fleet, "in-place");
    expect(planned.files.map((f) => f.name)).toEqual([
      "01-roll-blue-nodes-to-1-33.yaml", "02-upgrade-blue-to-1-34.yaml", "03-roll-blue-nodes-to-1-34.yaml", "04-upgrade-blue-to-1-35.yaml", "05-roll-blue-nodes-to-1-35.yaml",
    ]);
    expectEveryStepAllowed(original, planned);
  });

  it("has nothing to do when every cluster is at the target", () => {
    const { planned } = run(migrationFleet(), "in-place", "1.33");
    expect(planned).toMatchObject({ ok: true, steps: [] });
    expect(planned.notes.join(" ")).toContain("Already at or past 1.33");
  });

  it("refuses a target EKS does not offer before planning anything", () => {
    expect(() => run(migrationFleet(), "in-place", "1.99")).toThrow(UpgradePlanError);
    expect(() => run(migrationFleet(), "in-place", "v1.35")).toThrow(/--to "v1.35" is not a Kubernetes minor version/);
  });
});

describe("upgrade-plan node group blue/green", () => {
  it("pins the groups for each bump, then adds a sibling at the new version, retires the old group and removes it", () => {
    const { planned, original } = run(migrationFleet(), "node-group");
    expect(planned.files.map((f) => f.name)).toEqual([
      "01-upgrade-blue-to-1-34.yaml", "02-add-blue-node-groups-1-34.yaml", "03-retire-blue-node-groups-1-33.yaml", "04-remove-blue-retired-node-groups.yaml",
      "05-upgrade-blue-to-1-35.yaml", "06-add-blue-node-groups-1-35.yaml", "07-retire-blue-node-groups-1-34.yaml", "08-remove-blue-retired-node-groups.yaml",
    ]);
    expectEveryStepAllowed(original, planned);
    // No node is rolled in place: the bumps change the control plane only.
    expect(planned.steps[0]!.changes.map((c) => c.kind)).toEqual(["control-plane-upgrade"]);
    const last = Fleet.parse(fleetOf(planned.files.at(-1)!.text));
    expect(Object.keys(last.clusters.blue!.nodeGroups)).toEqual(["general-1-35"]);
    expect(last.clusters.blue!.nodeGroups["general-1-35"]).toMatchObject({ retiring: false, updateConfig: { maxUnavailablePercentage: 25 } });
    expect(last.clusters.blue!.nodeGroups["general-1-35"]!.version).toBeUndefined();
  });
});

describe("upgrade-plan cluster blue/green", () => {
  it("shifts the rest of blue to green, which already runs the target, then decommissions blue in its own step", () => {
    const { planned, original } = run(migrationFleet(), "blue-green");
    expect(planned.files.map((f) => f.name)).toEqual([
      "01-shift-green-10.yaml", "02-shift-green-25.yaml", "03-shift-green-50.yaml", "04-shift-green-100.yaml", "05-decommission-blue.yaml",
    ]);
    expectEveryStepAllowed(original, planned);
    // web already sends 10 % to green: the 10 % step moves api only.
    expect(planned.steps[0]!.traffic.map((t) => t.service)).toEqual(["api"]);
    expect(planned.steps[3]!.traffic.map((t) => t.after)).toEqual([{ blue: 0, green: 100 }, { blue: 0, green: 100 }]);
    expect(planned.steps.map((s) => s.irreversible)).toEqual([false, false, false, false, true]);
    expect(planned.steps[1]!.rollback.file).toBe("01-shift-green-10.yaml");
    expect(planned.steps[1]!.estimate.bakeMinutes).toBe(DEFAULT_ASSUMPTIONS.bakeMinutes);
  });

  it("builds a new cluster at weight 0, asks for its load balancer before Route53 weight, and never weights it in the creating step", () => {
    const { planned, original } = run(migrationWithoutGreen(), "blue-green", "1.35", { percents: [20, 100] });
    expect(planned.files.map((f) => f.name)).toEqual(["01-create-green-1-35.yaml", "02-shift-green-20.yaml", "03-shift-green-100.yaml", "04-decommission-blue.yaml"]);
    expectEveryStepAllowed(original, planned);
    const created = Fleet.parse(fleetOf(planned.files[0]!.text));
    expect(created.clusters.green).toMatchObject({ version: "1.35", nodeGroups: { general: { scaling: { desired: 6 } } } });
    expect(created.services.web!.weights).toEqual({ blue: 100, green: 0 });
    // The placeholder stays in every file from the first shift on: each needs it filled in.
    expect(planned.steps.map((s) => s.inputs.map((i) => i.path))).toEqual([[], ...Array(3).fill(["baton:fleet.services.api.route53.targets.green.dnsName"])]);
    expect(planned.files[1]!.text).toContain("# TODO(baton upgrade-plan): green's load balancer for api");
    expect(planned.status).toBe("needs-input");
    expect(planned.totals.extraClusterHours).toBeGreaterThan(0);
  });

  it("is ruled out, with the spec's rule, when a service already forwards to five target groups", () => {
    const fleet = edit(migrationFleet(), (f) => {
      for (const name of ["c1", "c2", "c3"]) f.clusters[name] = structuredClone(f.clusters.green);
      f.services.web.weights = { blue: 90, green: 10, c1: 0, c2: 0, c3: 0 };
      f.clusters.green.version = "1.34";
      for (const name of ["c1", "c2", "c3"]) f.clusters[name].version = "1.34";
    });
    const { planned } = run(fleet, "blue-green");
    expect(planned.ok).toBe(false);
    expect(planned.files).toEqual([]);
    expect(planned.refusal!.plan.refusedRules).toContain("alb-target-group-limit");
  });

  it("is ruled out by the fleet's shape when no service routes through baton", () => {
    const fleet = edit(migrationFleet(), (f) => { f.services = {}; });
    expect(run(fleet, "blue-green").planned).toMatchObject({ ok: false, ruledOut: expect.stringContaining("no traffic to shift") });
  });
});

describe("upgrade-plan estimates and totals", () => {
  it("estimates a roll with the spec's batch and surge arithmetic and EKS's drain limit", () => {
    const group = Fleet.parse(migrationFleet()).clusters.blue!.nodeGroups.general!;
    const roll = estimateRoll("blue/general", "1.33", "1.34", group, 2, DEFAULT_ASSUMPTIONS);
    // 6 nodes at 25 %: one node a batch (rounded down), six batches; surge max(2 × 2 zones, 1).
    expect(roll).toMatchObject({ nodes: 6, nodesPerBatch: 1, batches: 6, surgeNodes: 4 });
    // Each batch: new nodes Ready (5), drain (2, at most EKS's 15), the 60-second wait.
    expect(roll.minutes).toBe(6 * (5 + 2 + 1));
    expect(roll.upperBoundMinutes).toBe(6 * (5 + 15 + 1));
  });

  it("estimates removing a node group its pods run on at the pace a roll of the same nodes drains them: only the launches are saved", () => {
    const group = Fleet.parse(migrationFleet()).clusters.blue!.nodeGroups.general!;
    const roll = estimateRoll("blue/general", "1.33", "1.34", group, 2, DEFAULT_ASSUMPTIONS);
    const removal = estimateGroupRemoval(group, DEFAULT_ASSUMPTIONS);
    // Six batches of one node: a drain (2, at most the 5 minutes after which EKS's delete forces termination) and the wait, then termination (2).
    expect(removal).toEqual({ batches: roll.batches, minutes: 6 * (2 + 1) + 2, upper: 6 * (5 + 1) + 2 });
    expect(removal.minutes).toBe(roll.minutes - roll.batches * DEFAULT_ASSUMPTIONS.nodeLaunchMinutes + DEFAULT_ASSUMPTIONS.nodeTerminateMinutes);
    // In the node group method, the removal step takes that long, not a flat few minutes for any size.
    const { planned } = run(migrationFleet(), "node-group");
    const removeStep = planned.steps.find((s) => s.title.startsWith("Remove general from blue"))!;
    expect(removeStep.estimate.minutes).toBe(removal.minutes);
  });

  it("prices extended support with the overridable rate over the time each cluster waits on its version", () => {
    const fast = run(migrationFleet(), "in-place").planned;
    const stay = fast.totals.extendedSupport.find((s) => s.cluster === "blue" && s.version === "1.33")!;
    expect(stay.hours).toBeCloseTo(fast.steps[0]!.estimate.minutes / 60, 1);
    const pricier = run(migrationFleet(), "in-place", "1.35", { assumptions: { extendedSupportUsdPerClusterHour: 1.2 } }).planned;
    expect(pricier.totals.extendedSupportUsd).toBeCloseTo(2 * fast.totals.extendedSupportUsd, 1);
    // A step a day: blue waits on 1.33 until the first step ends, then on 1.34 (standard support) a day.
    const daily = run(migrationFleet(), "in-place", "1.35", { stepIntervalMinutes: 24 * 60 }).planned;
    expect(daily.totals.minutes).toBeGreaterThan(24 * 60);
    expect(daily.totals.extendedSupportDays).toBeCloseTo(stay.days, 2);
  });

  it("runs baton check for the version each step moves to", () => {
    const fleet = edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.31"; });
    const manifest = { file: "flow.yaml", text: "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n" };
    const { planned } = run(fleet, "in-place", "1.33", { manifests: [manifest] });
    expect(planned.steps.map((s) => s.checks?.target)).toEqual(["1.32", "1.33"]);
    expect(planned.steps[0]!.checks).toMatchObject({ errors: 1, findings: [{ rule: "removed-api", file: "flow.yaml" }] });
  });
});

describe("upgrade-plan on a fleet deployed under older rules and past EKS support", () => {
  // No network.apiAccess (the rule came later) and blue on 1.31, whose extended support ended on 2026-11-26.
  const old = edit(migrationFleet(), (f) => { delete f.network.apiAccess; f.clusters.blue.version = "1.31"; });
  const later = { to: "1.33", today: "2026-11-29" };

  it("plans in place and by shifting to green, each step allowed as baton plan judges it that day", () => {
    for (const method of ["in-place", "blue-green"] as const) {
      const doc = docOf(old);
      const planned = planUpgrade(doc, method, later);
      expect(planned.ruledOut, method).toBeUndefined();
      let previous = fleetOf(doc.text());
      for (const file of planned.files) {
        const next = fleetOf(file.text);
        expect(plan(previous, next, { today: later.today }).refusedRules, `${method} ${file.name}`).toEqual([]);
        previous = next;
      }
      expect(Fleet.parse(previous).clusters).not.toHaveProperty("blue.version", "1.31");
    }
  });

  it("says why node group blue/green cannot keep nodes on a version EKS no longer supports", () => {
    const planned = planUpgrade(docOf(old), "node-group", later);
    expect(planned).toMatchObject({ ok: false, files: [] });
    expect(planned.refusal!.plan.refusedRules).toEqual(["eks-version-supported"]);
  });
});

describe("the rollback of each in-place version step", () => {
  const options = { to: "1.35", today: TODAY };

  it("in place: two rollback files per bump, the node group back then the control plane, taking as long as the bump", () => {
    const planned = planUpgrade(docOf(edit(migrationFleet(), (f) => { f.clusters.green.version = "1.35"; })), "in-place", options);
    const first = planned.steps[0]!;
    expect(first.rollback.window).toMatchObject({ when: "for 7 days after it completes", files: ["rollback/01-upgrade-blue-to-1-34.rollback-1-of-2.yaml", "rollback/01-upgrade-blue-to-1-34.rollback-2-of-2.yaml"] });
    // The same node roll and control-plane update, the other way.
    expect(first.rollback.window!.minutes).toBe(first.estimate.minutes);
    expect(planned.totals).toMatchObject({ irreversibleSteps: 2, rollbackWindowSteps: 2, longestRollbackMinutes: first.estimate.minutes });
    // The second rollback file leaves the fleet as the step before left it.
    const [, second] = planned.rollbackFiles;
    expect(plan(fleetOf(planned.rollbackFiles[0]!.text), fleetOf(second!.text), { today: TODAY }).allowed).toBe(true);
    expect(fleetOf(second!.text)).toEqual(fleetOf(docOf(migrationFleet()).text()));
  });

  it("node-group blue/green: the bump moves no node, so its rollback is the control plane alone", () => {
    const planned = planUpgrade(docOf(migrationFleet()), "node-group", options);
    const bump = planned.steps.find((s) => s.rollback.window !== undefined)!;
    expect(bump.rollback.window!.files).toHaveLength(1);
    expect(bump.estimate.rolls).toEqual([]);
    expect(bump.rollback.window!.minutes).toBe(bump.estimate.minutes);
  });
});
