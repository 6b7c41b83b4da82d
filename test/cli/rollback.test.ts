/**
 * Rolling back an in-place upgrade with `baton plan`, as a user runs it between stack files: the
 * one-step attempt is refused with the fix, step 1 (node groups) and step 2 (control plane) are
 * allowed, and a saved deployment record (`--record`) dates the window.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { recordOf } from "../../src/fleet/deployment-record.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { runBaton as run, writeStackFile } from "../support/cli.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-rollback-"));
// green was upgraded in place from 1.34 to 1.35: this is the stack file as deployed.
const upgraded = writeStackFile(dir, "upgraded.yaml", migrationFleet());
const step1Fleet = edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.34"; });
const step1 = writeStackFile(dir, "step1.yaml", step1Fleet);
const step2 = writeStackFile(dir, "step2.yaml", edit(migrationFleet(), (f) => { f.clusters.green.version = "1.34"; }));

describe("baton plan of a version rollback", () => {
  it("refuses the one-step rollback, with the rule, the path and the two-step fix", async () => {
    const result = await run("plan", step2, "--from", upgraded, "--today", TODAY);
    expect(result.code).toBe(1);
    expect(result.out).toContain("refused: rollback-nodegroups-first");
    expect(result.out).toContain('error baton:fleet.clusters.green.nodeGroups.general.version = "1.35"');
    expect(result.out).toContain("fix: Roll the node groups back first, in their own change");
  });

  it("allows step 1: the node group back to 1.34, the control plane staying at 1.35", async () => {
    const result = await run("plan", step1, "--from", upgraded, "--today", TODAY);
    expect(result.code).toBe(0);
    expect(result.out).toContain("allowed: 1 change(s)");
    expect(result.out).toContain("roll back node group green/general from 1.35 to 1.34: 6 nodes in 3 batch(es)");
  });

  it("allows step 2 once step 1 is deployed, saying what EKS requires when the record is not given", async () => {
    const result = await run("plan", step2, "--from", step1, "--today", TODAY);
    expect(result.code).toBe(0);
    expect(result.out).toContain("roll control plane green back from Kubernetes 1.35 to 1.34");
    expect(result.out).toContain("allowed only within 7 days of the upgrade's completion");
  });

  it("with the saved record, says until when, and refuses once the window has closed", async () => {
    const record = { ...recordOf(validateFleet(step1Fleet, { today: TODAY }).fleet!), versions: { green: { version: "1.35", how: "upgraded", from: "1.34", at: "2026-11-20" } } };
    const recordFile = path.join(dir, "record.json");
    writeFileSync(recordFile, JSON.stringify(record));
    const within = await run("plan", step2, "--from", step1, "--record", recordFile, "--today", TODAY);
    expect(within.code).toBe(0);
    expect(within.out).toContain("allowed only until 2026-11-27 (7 days after the upgrade deployed on 2026-11-20)");
    const past = await run("plan", step2, "--from", step1, "--record", recordFile, "--today", "2026-11-28");
    expect(past.code).toBe(1);
    expect(past.out).toContain("refused: rollback-window-closed");
  });

  it("refuses a --record file that is not a deployment record, naming it", async () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    const result = await run("plan", step2, "--from", step1, "--record", bad, "--today", TODAY);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--record ${bad} is not JSON`);
  });

  it("shows an in-place upgrade's rollback as ordered stack changes with the 7-day window", async () => {
    const at134 = writeStackFile(dir, "at134.yaml", edit(migrationFleet(), (f) => { f.clusters.green.version = "1.34"; }));
    const result = await run("plan", upgraded, "--from", at134, "--today", TODAY);
    expect(result.code).toBe(0);
    expect(result.out).toContain("[rollback: 7 days, 2 step(s)]");
    expect(result.out).toContain("stack changes, in order, each applied before the next (for 7 days after it completes):");
    expect(result.out).toMatch(/1\. roll node group green\/general back to 1\.34\n\s+baton:fleet\.clusters\.green\.nodeGroups\.general\.version: "1\.34"/);
    expect(result.out).toMatch(/2\. roll control plane green back to 1\.34\n\s+baton:fleet\.clusters\.green\.version: "1\.34"/);
    expect(result.out).not.toContain("cannot be undone;");
  });
});

describe("baton preview of a version rollback", () => {
  it("with the saved record, the review says until when the rollback is allowed", async () => {
    const record = { ...recordOf(validateFleet(step1Fleet, { today: TODAY }).fleet!), versions: { green: { version: "1.35", how: "upgraded", from: "1.34", at: "2026-11-20" } } };
    const recordFile = path.join(dir, "record-preview.json");
    writeFileSync(recordFile, JSON.stringify(record));
    const result = await run("preview", step2, "--from", step1, "--record", recordFile, "--today", TODAY, "--format", "markdown", "--whole-program");
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain("allowed only until 2026-11-27 (7 days after the upgrade deployed on 2026-11-20)");
    expect(result.out).toContain("#### Version rollback");
  }, 60_000);

  it("refuses --record with a folder of stacks", async () => {
    const result = await run("plan", dir, "--from", dir, "--record", path.join(dir, "record.json"));
    expect(result.code).toBe(2);
    expect(result.err).toContain("--record is one stack's last deployment record");
  });
});
