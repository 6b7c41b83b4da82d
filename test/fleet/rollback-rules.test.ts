/**
 * EKS version rollback as a transition: the control plane goes back one minor (N → N-1) after an
 * in-place upgrade, node groups first, in their own change; every precondition a rule with its
 * path and fix. The evidence (how the version was reached, and when) comes from the stack's
 * record under `pulumi up`; offline it is unknown and the change says what EKS requires.
 */
import { chooseAddonVersion } from "../../src/fleet/addon-versions.js";
import { judgeChange } from "../../src/fleet/judge.js";
import { plan } from "../../src/fleet/plan.js";
import { addDays, nextHistory, rollbackClosesOn, type VersionHistory } from "../../src/fleet/version-history.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

/** green, upgraded in place from 1.34 to 1.35, as deployed. */
const upgraded = () => migrationFleet();
/** Step 1: green's node group back to 1.34, the control plane still at 1.35. */
const step1 = () => edit(upgraded(), (f) => { f.clusters.green.nodeGroups.general.version = "1.34"; });
/** Step 2: green's control plane back to 1.34, the pin gone with it. */
const step2 = () => edit(upgraded(), (f) => { f.clusters.green.version = "1.34"; });

const refusalsOf = (p: ReturnType<typeof plan>) => p.changes.flatMap((c) => c.refusals);
const upgradedOn = (at: string): VersionHistory => ({ green: { version: "1.35", how: "upgraded", from: "1.34", at } });

describe("rolling a control plane back one minor", () => {
  it("refuses the one-step attempt: the node groups go back first, in their own change", () => {
    const result = plan(upgraded(), step2(), { today: TODAY });
    expect(result.allowed).toBe(false);
    expect(result.refusedRules).toEqual(["rollback-nodegroups-first"]);
    const refusal = refusalsOf(result)[0]!;
    expect(refusal.path).toBe("baton:fleet.clusters.green.nodeGroups.general.version");
    expect(refusal.value).toBe("1.35");
    expect(refusal.message).toContain("node group general runs 1.35");
    expect(refusal.fix).toContain("Roll the node groups back first, in their own change");
    expect(refusal.fix).toContain('nodeGroups.general.version: "1.34"');
  });

  it("allows step 1, the node group back to 1.34 while the control plane stays at 1.35, with its undo", () => {
    const result = plan(upgraded(), step1(), { today: TODAY });
    expect(result.allowed).toBe(true);
    const roll = result.changes.find((c) => c.kind === "node-group-roll")!;
    expect(roll).toMatchObject({ subject: "node group green/general", before: "1.35", after: "1.34", irreversible: false, refusals: [] });
    expect(roll.summary).toMatch(/^roll back node group green\/general from 1.35 to 1.34/);
    expect(roll.rollback.edits).toEqual([{ path: "baton:fleet.clusters.green.nodeGroups.general.version", value: "1.35" }]);
  });

  it("allows step 2, the control plane back to 1.34, saying offline what EKS requires", () => {
    const result = plan(step1(), step2(), { today: TODAY });
    expect(result.allowed).toBe(true);
    const rollback = result.changes.find((c) => c.kind === "control-plane-upgrade")!;
    expect(rollback).toMatchObject({ before: "1.35", after: "1.34", irreversible: false });
    expect(rollback.summary).toContain("roll control plane green back from Kubernetes 1.35 to 1.34");
    expect(rollback.summary).toContain("allowed only within 7 days of the upgrade's completion, and only if green was upgraded in place");
    // The node group's pin equals the control plane's version again: no node moves in step 2.
    expect(result.changes.filter((c) => c.kind === "node-group-roll")).toEqual([]);
  });

  it("refuses more than one minor back (control-plane-downgrade), naming the one-minor road", () => {
    const twoDown = edit(step1(), (f) => { f.clusters.green.version = "1.33"; f.clusters.green.nodeGroups.general.version = "1.33"; });
    const result = plan(edit(step1(), (f) => { f.clusters.green.nodeGroups.general.version = "1.33"; }), twoDown, { today: TODAY });
    expect(result.refusedRules).toContain("control-plane-downgrade");
    const refusal = refusalsOf(result).find((r) => r.rule === "control-plane-downgrade")!;
    expect(refusal).toMatchObject({ path: "baton:fleet.clusters.green.version", value: "1.33" });
    expect(refusal.message).toContain("one minor only");
    expect(refusal.fix).toContain('"1.34"');
  });

  it("refuses a target in extended support unless the cluster's support policy is EXTENDED", () => {
    // blue runs 1.34 (standard support on TODAY); 1.33 is in extended support on TODAY.
    const at134 = edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.34"; f.clusters.blue.nodeGroups.general.version = "1.33"; f.clusters.blue.supportType = "STANDARD"; });
    const back = edit(at134, (f) => { f.clusters.blue.version = "1.33"; });
    const refused = plan(at134, back, { today: TODAY });
    expect(refused.refusedRules).toContain("rollback-target-unsupported");
    const refusal = refusalsOf(refused).find((r) => r.rule === "rollback-target-unsupported")!;
    expect(refusal).toMatchObject({ path: "baton:fleet.clusters.blue.version", value: "1.33" });
    expect(refusal.message).toContain("only under the EXTENDED support policy (supportType is STANDARD)");
    expect(refusal.fix).toContain("supportType: EXTENDED");
    const withPolicy = (fleet: typeof at134) => edit(fleet, (f) => { f.clusters.blue.supportType = "EXTENDED"; });
    expect(refusalsOf(plan(withPolicy(at134), withPolicy(back), { today: TODAY })).map((r) => r.rule)).not.toContain("rollback-target-unsupported");
  });

  it("refuses a target EKS no longer supports", () => {
    const at132 = edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.32"; f.clusters.blue.nodeGroups.general.version = "1.31"; });
    const result = plan(at132, edit(at132, (f) => { f.clusters.blue.version = "1.31"; }), { today: "2026-12-02" });
    expect(result.refusedRules).toContain("rollback-target-unsupported");
  });
});

describe("rolling a node group back", () => {
  it("refuses a node group going back while its control plane runs neither version", () => {
    // green's control plane runs 1.35; its group, pinned at 1.34, would go to 1.33.
    const result = plan(step1(), edit(step1(), (f) => { f.clusters.green.nodeGroups.general.version = "1.33"; }), { today: TODAY });
    expect(result.refusedRules).toEqual(["nodegroup-downgrade"]);
    const refusal = refusalsOf(result)[0]!;
    expect(refusal.path).toBe("baton:fleet.clusters.green.nodeGroups.general.version");
    expect(refusal.message).toContain("control plane green runs 1.35");
  });

  it("refuses a node group going back more than one minor", () => {
    const result = plan(upgraded(), edit(upgraded(), (f) => { f.clusters.green.nodeGroups.general.version = "1.33"; }), { today: TODAY });
    expect(result.refusedRules).toEqual(["nodegroup-downgrade"]);
    expect(refusalsOf(result)[0]!.message).toContain("one minor only");
  });
});

describe("the evidence the stack's record gives under pulumi up", () => {
  it("dates the window: allowed only until 7 days after the upgrade was deployed", () => {
    const result = plan(step1(), step2(), { today: TODAY, versions: upgradedOn("2026-11-20") });
    expect(result.allowed).toBe(true);
    expect(result.changes.find((c) => c.kind === "control-plane-upgrade")!.summary).toContain("allowed only until 2026-11-27 (7 days after the upgrade deployed on 2026-11-20)");
  });

  it("refuses past the window (rollback-window-closed), from the day it closes", () => {
    const result = plan(step1(), step2(), { today: "2026-11-27", versions: upgradedOn("2026-11-20") });
    expect(result.refusedRules).toEqual(["rollback-window-closed"]);
    const refusal = refusalsOf(result)[0]!;
    expect(refusal).toMatchObject({ path: "baton:fleet.clusters.green.version", value: "1.34" });
    expect(refusal.message).toContain("the window closed on 2026-11-27");
    expect(plan(step1(), step2(), { today: "2026-11-26", versions: upgradedOn("2026-11-20") }).allowed).toBe(true);
  });

  it("refuses a cluster the record says was created at its version (control-plane-downgrade)", () => {
    const result = plan(step1(), step2(), { today: TODAY, versions: { green: { version: "1.35", how: "created", at: "2026-11-22" } } });
    expect(result.refusedRules).toEqual(["control-plane-downgrade"]);
    expect(refusalsOf(result)[0]!.message).toContain("was created at 1.35 (deployed 2026-11-22), not upgraded in place");
  });

  it("refuses rolling back a cluster that was itself just rolled back", () => {
    const at134 = edit(step2(), (f) => { f.clusters.green.nodeGroups.general.version = "1.33"; });
    const result = plan(at134, edit(at134, (f) => { f.clusters.green.version = "1.33"; }), { today: TODAY, versions: { green: { version: "1.34", how: "rolled-back", from: "1.35", at: "2026-11-22" } } });
    expect(result.refusedRules).toContain("control-plane-downgrade");
  });

  it("ignores a history that does not match the version the record says was deployed, as not known", () => {
    const stale = { green: { version: "1.34", how: "created" as const, at: "2026-01-10" } };
    const result = plan(step1(), step2(), { today: TODAY, versions: stale });
    expect(result.allowed).toBe(true);
    expect(result.changes.find((c) => c.kind === "control-plane-upgrade")!.summary).toContain("allowed only within 7 days of the upgrade's completion");
  });

  it("lets an override carry a closed window through, on the record", () => {
    const overrides = [{ rule: "rollback-window-closed", path: "baton:fleet.clusters.green.version", reason: "EKS support extended the window for this cluster (case 123)" }];
    const result = plan(step1(), step2(), { today: "2026-12-01", versions: upgradedOn("2026-11-20"), overrides });
    expect(result.allowed).toBe(true);
    expect(result.problems.find((p) => p.overridden)?.rule).toBe("rollback-window-closed");
  });
});

describe("the version history a deployment records", () => {
  const valid = (raw: unknown) => validateFleet(raw, { today: TODAY }).fleet!;

  it("records an in-place upgrade with its day, and the window it opens", () => {
    const before = valid(edit(upgraded(), (f) => { f.clusters.green.version = "1.34"; }));
    const history = nextHistory(undefined, before, valid(upgraded()), "2026-11-20");
    expect(history["green"]).toEqual({ version: "1.35", how: "upgraded", from: "1.34", at: "2026-11-20" });
    expect(history["green/general"]).toEqual({ version: "1.35", how: "upgraded", from: "1.34", at: "2026-11-20" });
    expect(history["blue"]).toEqual({ version: "1.33", how: "unknown" });
    expect(rollbackClosesOn(history["green"])).toBe("2026-11-27");
  });

  it("records a cluster the deployment creates as created, and keeps a move until the version moves again", () => {
    const before = valid(edit(upgraded(), (f) => { delete (f.clusters as Record<string, unknown>)["green"]; f.services.web.weights = { blue: 100 }; delete (f.services.api.route53.targets as Record<string, unknown>)["green"]; f.services.api.weights = { blue: 100 }; }));
    const created = nextHistory(undefined, before, valid(upgraded()), "2026-11-21");
    expect(created["green"]).toEqual({ version: "1.35", how: "created", at: "2026-11-21" });
    const later = nextHistory(created, valid(upgraded()), valid(edit(upgraded(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; })), "2026-11-25");
    expect(later["green"]).toEqual(created["green"]);
  });

  it("with no last deployment knows nothing about how versions were reached", () => {
    expect(nextHistory(undefined, undefined, valid(upgraded()), TODAY)["green"]).toEqual({ version: "1.35", how: "unknown" });
  });

  it("counts days across month ends", () => {
    expect(addDays("2026-11-28", 7)).toBe("2026-12-05");
    expect(addDays("2026-12-30", 7)).toBe("2027-01-06");
  });
});

describe("add-ons on a version rollback", () => {
  const deployed = { kubernetesVersion: "1.35", versions: { "vpc-cni": "v1.21.0-eksbuild.1" } };
  it("keep what they ran when the cluster goes back (EKS leaves them), take the default when it goes up, and a pin always wins", () => {
    expect(chooseAddonVersion({ deployed, kubernetesVersion: "1.34", addonName: "vpc-cni", lookedUp: "v1.19.0-eksbuild.1" })).toBe("v1.21.0-eksbuild.1");
    expect(chooseAddonVersion({ deployed, kubernetesVersion: "1.36", addonName: "vpc-cni", lookedUp: "v1.22.0-eksbuild.1" })).toBe("v1.22.0-eksbuild.1");
    expect(chooseAddonVersion({ pin: "v1.19.2-eksbuild.1", deployed, kubernetesVersion: "1.34", addonName: "vpc-cni", lookedUp: "v1.19.0-eksbuild.1" })).toBe("v1.19.2-eksbuild.1");
  });
});

describe("the judgement pulumi up acts on", () => {
  it("refuses past the window with the record's history, and records the rollback it allows", () => {
    const last = { fleet: step1(), source: "the last deployment", versions: upgradedOn("2026-11-20") };
    const past = judgeChange(last, step2(), { today: "2026-11-27" });
    expect(past.ok).toBe(false);
    expect(past.problems.map((p) => p.rule)).toContain("rollback-window-closed");
    expect(past.basis).toContain("refused by rollback-window-closed");
    const within = judgeChange(last, step2(), { today: "2026-11-24" });
    expect(within.ok).toBe(true);
    // What this deployment leaves for the next: green rolled back today, so it cannot be rolled back again.
    expect(within.versions?.["green"]).toEqual({ version: "1.34", how: "rolled-back", from: "1.35", at: "2026-11-24" });
    expect(within.versions?.["green/general"]).toEqual({ version: "1.34", how: "unknown" });
  });
});
