/**
 * Break-glass (`baton:override`): a refusal named by rule and path, with a reason, becomes a warning
 * that carries the reason; anything else about an override is an error. `plan` applies it, so
 * `baton plan`, the preview and `pulumi up` let the same refusals through.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { judgeChange } from "../../src/fleet/judge.js";
import { readOverrides, TRANSITION_RULES } from "../../src/fleet/overrides.js";
import { plan } from "../../src/fleet/plan.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const deployed = migrationFleet();
const skip = edit(deployed, (f) => { f.clusters.blue.version = "1.35"; });
const SKIP = { rule: "control-plane-skip-minor", path: "baton:fleet.clusters.blue.version", reason: "blue runs 1.34 already: upgraded by hand during incident 812" };

describe("reading baton:override", () => {
  it("is empty when the key is absent", () => {
    expect(readOverrides(undefined)).toEqual({ overrides: [], problems: [] });
  });

  it("takes entries that name a transition rule, a fleet path and a reason", () => {
    expect(readOverrides([SKIP])).toEqual({ overrides: [{ ...SKIP, index: 0 }], problems: [] });
  });

  it("reports every malformed entry at once, by its place in the list", () => {
    const { overrides, problems } = readOverrides([
      { rule: "control-plane-skip-minor", path: "baton:fleet.clusters.blue.version" },
      { rule: "cluster-audit-logging", path: "baton:fleet.clusters.blue.logging", reason: "audit logs cost too much" },
      { rule: "new-cluster-weighted", path: "clusters.green", reason: "   " },
      { ...SKIP, extra: true },
    ]);
    expect(overrides).toEqual([]);
    expect(problems.map((p) => [p.rule, p.path])).toEqual([
      ["override-invalid", "baton:override[0]"],
      ["override-invalid", "baton:override[1].rule"],
      ["override-invalid", "baton:override[2].path"],
      ["override-invalid", "baton:override[2].reason"],
      ["override-invalid", "baton:override[3]"],
    ]);
    // A rule on the config itself is fixed in the config, never overridden.
    expect(problems[1]!.message).toContain("cluster-audit-logging is not a rule on a change");
  });

  it("refuses anything but a list", () => {
    expect(readOverrides({ "control-plane-skip-minor": "yes" }).problems).toMatchObject([{ rule: "override-invalid", path: "baton:override" }]);
  });

  it("names exactly the rules plan refuses a change by", () => {
    const sources = ["src/fleet/plan.ts", "src/fleet/rules/serving-path.ts"].map((f) => readFileSync(path.resolve(__dirname, "../..", f), "utf8")).join("\n");
    const emitted = new Set([...sources.matchAll(/refusal\("([a-z-]+)"/g), ...sources.matchAll(/rule: "([a-z-]+)"/g)].map((m) => m[1]!));
    expect([...emitted].sort()).toEqual([...TRANSITION_RULES].sort());
  });
});

describe("plan with overrides", () => {
  it("lets a named refusal through as a warning that carries the reason", () => {
    expect(plan(deployed, skip, { today: TODAY }).allowed).toBe(false);
    const planned = plan(deployed, skip, { today: TODAY, overrides: [SKIP] });
    expect(planned.allowed).toBe(true);
    expect(planned.changes.flatMap((c) => c.refusals)).toEqual([]);
    const warning = planned.problems.find((p) => p.overridden);
    expect(warning).toMatchObject({ severity: "warning", rule: "control-plane-skip-minor", path: SKIP.path, value: "1.35" });
    expect(warning!.message).toContain(`Overridden by baton:override (reason: ${SKIP.reason})`);
  });

  it("keeps a refusal the override does not name by both rule and path, and refuses the stray override", () => {
    const elsewhere = { ...SKIP, path: "baton:fleet.clusters.green.version" };
    const planned = plan(deployed, skip, { today: TODAY, overrides: [elsewhere] });
    expect(planned.allowed).toBe(false);
    expect(planned.refusedRules).toEqual(["override-unused", "control-plane-skip-minor"]);
  });

  it("refuses an override left behind once its change is applied", () => {
    const planned = plan(skip, skip, { today: TODAY, overrides: [SKIP] });
    expect(planned.allowed).toBe(false);
    expect(planned.problems).toMatchObject([{ severity: "error", rule: "override-unused", path: "baton:override[0]" }]);
  });
});

describe("judging a change for pulumi up", () => {
  it("with no last deployment, judges the config alone and says so; an override there overrides nothing", () => {
    const alone = judgeChange(undefined, skip, { today: TODAY });
    expect(alone.ok).toBe(true);
    expect(alone.basis).toMatch(/judged alone/);
    expect(judgeChange(undefined, skip, { today: TODAY, overrides: [SKIP] }).problems).toContainEqual(expect.objectContaining({ rule: "override-unused" }));
  });

  it("against the last deployment, refuses what plan refuses and names it in the basis", () => {
    const judged = judgeChange({ fleet: deployed, source: "the record" }, skip, { today: TODAY });
    expect(judged.ok).toBe(false);
    expect(judged.problems).toContainEqual(expect.objectContaining({ severity: "error", rule: "control-plane-skip-minor" }));
    expect(judged.basis).toBe("Judged as a change from the record: 2 change(s), refused by control-plane-skip-minor.");
  });
});
