/** AMI releases on node groups: `releaseVersion` checked against the AMI family and the group's minor, a bump planned as a roll. */
import { plan } from "../../src/fleet/plan.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { isReleaseOf, releaseMinor } from "../../src/fleet/rules/nodegroup.js";
import type { FleetInput } from "../../src/fleet/schema.js";
import { edit, migrationFleet, TODAY, type RawConfig } from "../support/fleets.js";

const GROUP = "baton:fleet.clusters.blue.nodeGroups.general";
/** The errors (blue's 1.33 is in extended support on TODAY: a warning every test would repeat). */
const problemsOf = (fleet: FleetInput) => validateFleet(fleet, { today: TODAY }).problems.filter((p) => p.severity === "error");
const planned = (before: unknown, after: unknown) => plan(before, after, { today: TODAY });
/** blue (1.33) with its general group pinned to `release`. */
const pinned = (release: string | undefined, more: (f: RawConfig) => void = () => {}) =>
  edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general!.releaseVersion = release; more(f); });

describe("the shape of a release", () => {
  it("reads AL2023's minor, patch and build date; Bottlerocket's own version and commit", () => {
    expect(isReleaseOf("al2023", "1.33.5-20261105")).toBe(true);
    expect(releaseMinor("1.33.5-20261105")).toBe("1.33");
    expect(isReleaseOf("al2023", "1.33.5-20261305")).toBe(false); // month 13
    expect(isReleaseOf("al2023", "1.33-20261105")).toBe(false);
    expect(isReleaseOf("bottlerocket", "1.55.0-d93bb1b1")).toBe(true);
    expect(isReleaseOf("bottlerocket", "0.5.0-e0ddf1b")).toBe(true);
    expect(isReleaseOf("al2023", "1.55.0-d93bb1b1")).toBe(false);
    // Eight decimal digits are also hex: an AL2023 release is never taken for a Bottlerocket one.
    expect(isReleaseOf("bottlerocket", "1.33.5-20261105")).toBe(false);
  });
});

describe("releaseVersion rules", () => {
  it("accepts an AL2023 release of the group's minor, and no pin at all", () => {
    expect(problemsOf(pinned("1.33.5-20261105"))).toEqual([]);
    expect(problemsOf(pinned(undefined))).toEqual([]);
  });

  it("judges the minor against the group's own pinned version when it has one", () => {
    const fleet = edit(migrationFleet(), (f) => {
      f.clusters.green.nodeGroups.general = { ...f.clusters.green.nodeGroups.general!, version: "1.34", releaseVersion: "1.34.2-20261120" };
    });
    expect(problemsOf(fleet)).toEqual([]);
    const wrong = edit(fleet, (f) => { f.clusters.green.nodeGroups.general!.releaseVersion = "1.35.1-20261120"; });
    expect(problemsOf(wrong)).toEqual([expect.objectContaining({
      rule: "nodegroup-release-version-minor", path: "baton:fleet.clusters.green.nodeGroups.general.releaseVersion",
      message: "releaseVersion 1.35.1-20261120 is an AMI release for Kubernetes 1.35, but the node group runs 1.34.",
    })]);
  });

  it("refuses an AL2023 release of another minor, naming path, value, rule and fix", () => {
    expect(problemsOf(pinned("1.34.2-20261120"))).toEqual([{
      severity: "error", rule: "nodegroup-release-version-minor", path: `${GROUP}.releaseVersion`, value: "1.34.2-20261120",
      message: "releaseVersion 1.34.2-20261120 is an AMI release for Kubernetes 1.34, but the node group runs 1.33 (its cluster's version).",
      fix: "Set releaseVersion to a 1.33 release (`baton amis <stack-config> --write` writes the recommended one), or remove it so EKS picks the latest 1.33 release.",
    }]);
  });

  it("refuses a release that is not of the group's AMI family, and says which family it is", () => {
    const [bottlerocketOnAl2023] = problemsOf(pinned("1.55.0-d93bb1b1"));
    expect(bottlerocketOnAl2023).toMatchObject({
      rule: "nodegroup-release-version-format", path: `${GROUP}.releaseVersion`, value: "1.55.0-d93bb1b1",
      message: '"1.55.0-d93bb1b1" is a Bottlerocket release, but amiType AL2023_x86_64_STANDARD is Amazon Linux 2023; its releases are written "1.NN.P-YYYYMMDD" (the Kubernetes version it carries, then its build date).',
    });
    const rocket = (release: string) => edit(migrationFleet(), (f) => {
      f.clusters.blue.nodeGroups.general = { instanceTypes: ["m7g.large"], amiType: "BOTTLEROCKET_ARM_64", scaling: { min: 1, desired: 3, max: 6 }, releaseVersion: release };
    });
    expect(problemsOf(rocket("1.55.0-d93bb1b1"))).toEqual([]);
    expect(problemsOf(rocket("1.33.5-20261105"))).toEqual([expect.objectContaining({
      rule: "nodegroup-release-version-format",
      message: expect.stringMatching(/^"1\.33\.5-20261105" is an Amazon Linux 2023 release, but amiType BOTTLEROCKET_ARM_64 is Bottlerocket/),
      fix: expect.stringContaining('"1.55.0-d93bb1b1"'),
    })]);
    expect(problemsOf(rocket("latest"))).toEqual([expect.objectContaining({
      rule: "nodegroup-release-version-format", message: expect.stringMatching(/^"latest" is not a release of amiType BOTTLEROCKET_ARM_64 \(Bottlerocket\)/),
    })]);
  });

  it("refuses a version bump that keeps the old minor's pinned release, with the fix", () => {
    const before = pinned("1.33.5-20261105", (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.services.api.weights = { blue: 0, green: 100 }; });
    const bump = edit(before, (f) => { f.clusters.blue.version = "1.34"; });
    const result = planned(before, bump);
    expect(result.allowed).toBe(false);
    expect(result.refusedRules).toEqual(["nodegroup-release-version-minor"]);
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([expect.objectContaining({
      path: `${GROUP}.releaseVersion`,
      message: "releaseVersion 1.33.5-20261105 is an AMI release for Kubernetes 1.33, but the node group runs 1.34 (its cluster's version); a version bump needs a release of the new minor.",
    })]);
    // Bumping the release with the version is allowed: one roll onto the new minor's release.
    const both = edit(bump, (f) => { f.clusters.blue.nodeGroups.general!.releaseVersion = "1.34.2-20261120"; });
    const ok = planned(before, both);
    expect(ok.allowed).toBe(true);
    expect(ok.changes.find((c) => c.kind === "node-group-roll")).toMatchObject({
      fields: ["version", "releaseVersion"],
      summary: "roll node group blue/general from 1.33 to 1.34 (AMI release 1.33.5-20261105 → 1.34.2-20261120): 6 nodes in 6 batch(es)",
    });
  });
});

describe("rolling back an upgrade that moved a pinned release", () => {
  it("takes the old release pin back with the old version, in the node groups' step", () => {
    const before = pinned("1.33.5-20261105");
    const after = edit(before, (f) => { f.clusters.blue.version = "1.34"; f.clusters.blue.nodeGroups.general.releaseVersion = "1.34.2-20261120"; });
    const result = planned(before, after);
    expect(result.allowed).toBe(true);
    const upgrade = result.changes.find((c) => c.kind === "control-plane-upgrade")!;
    expect(upgrade.rollback.timeBoxed?.steps.map((s) => s.edits)).toEqual([
      [{ path: `${GROUP}.version`, value: "1.33" }, { path: `${GROUP}.releaseVersion`, value: "1.33.5-20261105" }],
      [{ path: "baton:fleet.clusters.blue.version", value: "1.33" }, { path: `${GROUP}.version`, remove: true }],
    ]);
    // The first step on its own is a change the spec allows: the group goes back with its release.
    const back = edit(after, (f) => { f.clusters.blue.nodeGroups.general.version = "1.33"; f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.5-20261105"; });
    expect(planned(after, back).refusedRules).toEqual([]);
  });
});

describe("a release bump in a plan", () => {
  it("is a node group roll, in the group's updateConfig batches, that EKS cannot take back", () => {
    const result = planned(pinned("1.33.5-20261105"), pinned("1.33.6-20261126"));
    expect(result.allowed).toBe(true);
    expect(result.changes).toHaveLength(1);
    const [roll] = result.changes;
    expect(roll).toMatchObject({
      kind: "node-group-roll", subject: "node group blue/general", path: GROUP, fields: ["releaseVersion"], irreversible: true,
      summary: "roll node group blue/general (AMI release 1.33.5-20261105 → 1.33.6-20261126): 6 nodes in 6 batch(es)",
      release: { from: "1.33.5-20261105", to: "1.33.6-20261126" },
    });
    expect(roll!.rollback.note).toMatch(/^The AMI release roll of blue\/general cannot be undone; shifting its traffic back to green/);
    // With no other cluster to take the traffic, the way back is a node group on the old release.
    const alone = (release: string) => edit(pinned(release), (f) => {
      delete f.clusters.green;
      f.services.web.weights = { blue: 100 };
      f.services.api.weights = { blue: 100 };
      delete f.services.api.route53.targets.green;
    });
    const [only] = planned(alone("1.33.5-20261105"), alone("1.33.6-20261126")).changes;
    expect(only!.rollback).toMatchObject({
      edits: [],
      note: "EKS cannot take blue/general back to an earlier AMI release; to run 1.33.5-20261105 again, add a node group pinned to it next to this one and retire this one.",
    });
  });

  it("pins a group that had none: a roll from the release EKS picked", () => {
    const [roll] = planned(pinned(undefined), pinned("1.33.6-20261126")).changes;
    expect(roll).toMatchObject({ kind: "node-group-roll", summary: expect.stringContaining("(AMI release as EKS picked it → 1.33.6-20261126; no roll if the nodes already run it)"), release: { to: "1.33.6-20261126" } });
  });

  it("unpinning rolls nothing: the nodes stay on their release", () => {
    const result = planned(pinned("1.33.5-20261105"), pinned(undefined));
    expect(result.changes).toEqual([expect.objectContaining({
      kind: "config-change", path: `${GROUP}.releaseVersion`, irreversible: false,
      summary: "unpin the AMI release of node group blue/general: its nodes stay on 1.33.5-20261105 (nothing rolls); EKS picks the latest release at the next version bump",
    })]);
    expect(result.changes[0]!.rollback.edits).toEqual([{ path: `${GROUP}.releaseVersion`, value: "1.33.5-20261105" }]);
  });

  it("unpinning in the change that bumps the version: one roll onto EKS's latest release of the new minor", () => {
    const before = pinned("1.33.5-20261105");
    const result = planned(before, edit(pinned(undefined), (f) => { f.clusters.blue.version = "1.34"; }));
    expect(result.allowed).toBe(true);
    expect(result.changes.filter((c) => c.subject === "node group blue/general")).toEqual([expect.objectContaining({
      kind: "node-group-roll", fields: ["version", "releaseVersion"],
      summary: "roll node group blue/general from 1.33 to 1.34 (AMI release pin 1.33.5-20261105 removed: EKS takes the latest 1.34 release): 6 nodes in 6 batch(es)",
    })]);
  });

  it("refuses a move to an earlier release of the same minor", () => {
    const result = planned(pinned("1.33.6-20261126"), pinned("1.33.5-20261105"));
    expect(result.allowed).toBe(false);
    expect(result.refusedRules).toEqual(["nodegroup-release-downgrade"]);
    expect(result.changes[0]!.refusals[0]).toMatchObject({ path: `${GROUP}.releaseVersion`, value: "1.33.5-20261105", fix: expect.stringContaining('Keep releaseVersion "1.33.6-20261126"') });
  });

  it("says when the roll is forced: PodDisruptionBudgets do not hold it", () => {
    const after = pinned("1.33.6-20261126", (f) => { f.clusters.blue.nodeGroups.general!.forceUpdateVersion = true; });
    const result = planned(pinned("1.33.5-20261105"), after);
    const roll = result.changes.find((c) => c.kind === "node-group-roll");
    expect(roll).toMatchObject({ forced: true, summary: expect.stringContaining("; forceUpdateVersion: pods are evicted even where a PodDisruptionBudget forbids it") });
    // Turning the opt-in on is an in-place update of its own; nothing rolls for it alone.
    const optIn = planned(pinned("1.33.5-20261105"), pinned("1.33.5-20261105", (f) => { f.clusters.blue.nodeGroups.general!.forceUpdateVersion = true; }));
    expect(optIn.changes.map((c) => [c.kind, c.fields])).toEqual([["config-change", ["forceUpdateVersion"]]]);
  });
});
