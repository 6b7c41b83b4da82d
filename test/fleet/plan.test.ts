import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { plan, planRollback } from "../../src/fleet/plan.js";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const planned = (before: unknown, after: unknown) => plan(before, after, { today: TODAY });

describe("transition examples in test/fleet/transitions", () => {
  const root = path.join(__dirname, "transitions");
  for (const name of readdirSync(root)) {
    const read = (file: string) => readFileSync(path.join(root, name, file), "utf8");
    const header = /^# expect: (allowed|refused) (.+)$/m.exec(read("after.yaml"));
    it(`${name}: ${header?.[1]} ${header?.[2]}`, () => {
      expect(header).not.toBeNull();
      const [, verdict, names] = header!;
      const result = planned(parseStackConfig(read("before.yaml"), "before").fleet, parseStackConfig(read("after.yaml"), "after").fleet);
      expect(result.allowed).toBe(verdict === "allowed");
      for (const expected of names!.split(" ")) {
        if (verdict === "refused") expect(result.refusedRules).toContain(expected);
        else expect(result.changes.map((c) => c.kind)).toContain(expected);
      }
    });
  }
});

describe("plan", () => {
  it("finds no changes between a spec and itself", () => {
    const result = planned(migrationFleet(), migrationFleet());
    expect(result).toMatchObject({ allowed: true, changes: [], refusedRules: [] });
  });

  it("classifies a weight change as a traffic shift whose rollback restores the old weights at once", () => {
    const result = planned(migrationFleet(), edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; }));
    expect(result.changes).toHaveLength(1);
    const [shift] = result.changes;
    expect(shift).toMatchObject({ kind: "traffic-shift", subject: "service web", irreversible: false });
    expect(shift!.rollback.edits).toEqual([{ path: "baton:fleet.services.web.weights", value: { blue: 90, green: 10 } }]);
    expect(shift!.rollback.takesEffect).toMatch(/^at once/);
  });

  it("says a Route53 shift takes effect after the TTL", () => {
    const result = planned(migrationFleet(), edit(migrationFleet(), (f) => { f.services.api.weights = { blue: 90, green: 10 }; }));
    expect(result.changes[0]!.rollback.takesEffect).toMatch(/60 s TTL/);
  });

  it("gives a control-plane upgrade its 7-day rollback in two ordered stack changes, and a traffic shift meanwhile", () => {
    const before = edit(migrationFleet(), (f) => { f.clusters.green.version = "1.34"; });
    const result = planned(before, migrationFleet());
    const upgrade = result.changes.find((c) => c.kind === "control-plane-upgrade")!;
    expect(upgrade.irreversible).toBe(true);
    expect(upgrade.rollback.edits).toEqual([{ path: "baton:fleet.services.web.weights", value: { blue: 100, green: 0 } }]);
    expect(upgrade.rollback.note).toContain("for 7 days after it completes, with two stack changes, in order: first roll node group green/general back to 1.34");
    expect(upgrade.rollback.note).toContain("after that it cannot be undone");
    expect(upgrade.rollback.note).toContain("Shifting its traffic to blue restores service at once");
    expect(upgrade.rollback.timeBoxed).toEqual({
      windowDays: 7, when: "for 7 days after it completes",
      steps: [
        { title: "roll node group green/general back to 1.34", edits: [{ path: "baton:fleet.clusters.green.nodeGroups.general.version", value: "1.34" }] },
        { title: "roll control plane green back to 1.34", edits: [
          { path: "baton:fleet.clusters.green.version", value: "1.34" },
          { path: "baton:fleet.clusters.green.nodeGroups.general.version", remove: true },
        ] },
      ],
    });
    // Its node group follows the cluster: a roll, also irreversible.
    const roll = result.changes.find((c) => c.kind === "node-group-roll")!;
    expect(roll).toMatchObject({ subject: "node group green/general", irreversible: true, before: "1.34", after: "1.35" });
    expect(roll.summary).toContain("6 nodes in 3 batch(es)");
  });

  it("says an upgrade of a cluster without traffic has nothing to shift back", () => {
    const before = edit(migrationFleet(), (f) => { f.clusters.green.version = "1.34"; f.services.web.weights = { blue: 100, green: 0 }; });
    const after = edit(before, (f) => { f.clusters.green.version = "1.35"; });
    const upgrade = planned(before, after).changes.find((c) => c.kind === "control-plane-upgrade")!;
    expect(upgrade.rollback.edits).toEqual([]);
    expect(upgrade.rollback.note).toContain("serves no traffic");
  });

  it("refuses a version skip and says which minor to take first", () => {
    const result = planned(migrationFleet(), edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.35"; }));
    const refusal = result.changes.flatMap((c) => c.refusals).find((p) => p.rule === "control-plane-skip-minor")!;
    expect(refusal.fix).toContain('"1.34"');
  });

  it("treats labels, taints and scaling as in-place updates, launch-template fields as a roll", () => {
    const after = edit(migrationFleet(), (f) => {
      f.clusters.blue.nodeGroups.general.labels = { tier: "web" };
      f.clusters.green.nodeGroups.general.diskSizeGiB = 100;
    });
    const kinds = planned(migrationFleet(), after).changes.map((c) => `${c.kind}:${c.subject}`);
    expect(kinds).toEqual(["config-change:node group blue/general", "node-group-roll:node group green/general"]);
  });

  it("refuses when the proposed spec is invalid, and says so", () => {
    const result = planned(migrationFleet(), edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 0, green: 0 }; }));
    expect(result.allowed).toBe(false);
    expect(result.refusedRules).toEqual(["weights-all-zero"]);
  });

  it("gives the whole plan's rollback as the edits of every change", () => {
    const after = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.clusters.blue.nodeGroups.general.scaling.min = 4; f.clusters.green.nodeGroups.general.scaling.desired = 4; });
    const edits = planRollback(planned(migrationFleet(), after));
    // green's desired-only edit changes nothing in AWS: nothing to undo for it.
    expect(edits).toEqual([
      { path: "baton:fleet.services.web.weights", value: { blue: 90, green: 10 } },
      { path: "baton:fleet.clusters.blue.nodeGroups.general.scaling", value: { min: 3, desired: 6, max: 12 } },
    ]);
  });
});

describe("judging the change, not the state it starts from", () => {
  // Deployed before baton required network.apiAccess: valid then, broken under today's rules.
  const olderRules = () => edit(migrationFleet(), (f) => { delete f.network.apiAccess; });

  it("allows a weight change on a fleet that breaks a rule added since it was deployed, warning on the current state", () => {
    const result = planned(olderRules(), edit(olderRules(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; }));
    expect(result.allowed).toBe(true);
    const warned = result.problems.filter((p) => p.rule === "cluster-api-unreachable");
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.every((p) => p.severity === "warning" && p.deployed === true)).toBe(true);
    expect(warned[0]!.message).toMatch(/^Already so in the deployed config/);
  });

  it("still refuses the same problem where the change introduces it", () => {
    const after = edit(olderRules(), (f) => {
      f.clusters.red = structuredClone(f.clusters.green);
      f.services.web.weights = { ...f.services.web.weights, red: 0 };
    });
    const result = planned(olderRules(), after);
    expect(result.allowed).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ severity: "error", rule: "cluster-api-unreachable", path: "baton:fleet.clusters.red" }));
  });

  it("reports nothing about a problem the change fixes", () => {
    const result = planned(olderRules(), migrationFleet());
    expect(result.allowed).toBe(true);
    expect(result.problems.map((p) => p.rule)).not.toContain("cluster-api-unreachable");
  });
});
