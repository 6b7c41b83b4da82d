/**
 * `baton run-plan` end to end on a plan `upgrade-plan` wrote for a folder of stacks: the CLI's own
 * signal handler, the plan folder's files and lock, a stand-in `pulumi` that applies the stack file
 * to a state file, and AWS reads (mocked) for the gates. Stopped by SIGTERM mid-bake (a cancelled
 * CI job), then run again: it resumes where it stopped and finishes.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { runBaton } from "../support/cli.js";
import { cancellingIo } from "../support/io.js";
import { wireFleet } from "../traffic/aws-fixtures.js";

const project = mkdtempSync(path.join(tmpdir(), "baton-run-plan-"));
mkdirSync(path.join(project, "stacks"));
writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n");
const stackFile = path.join(project, "stacks", "Pulumi.prod.yaml");
const deployed = path.join(project, "deployed.yaml");
const calls = path.join(project, "calls");
const fleet = edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.34"; f.clusters.green.version = "1.34"; });
writeFileSync(stackFile, stringify({ config: { "aws:region": "us-east-1", "baton:wave": 0, "baton:fleet": fleet } }));
writeFileSync(deployed, readFileSync(stackFile));

// The stand-in `pulumi`: preview prints an empty preview; up copies the stack file to deployed.yaml.
const bin = path.join(project, "bin");
mkdirSync(bin);
writeFileSync(path.join(bin, "pulumi"), `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(calls)}, args.join(" ") + "\\n");
if (args[0] === "preview") console.log(JSON.stringify({ steps: [] }));
else if (args[0] === "up") { fs.copyFileSync(${JSON.stringify(stackFile)}, ${JSON.stringify(deployed)}); console.log("Resources: 2 updated"); }
`);
chmodSync(path.join(bin, "pulumi"), 0o755);

const planDir = path.join(project, "plan", "prod");

describe("baton run-plan, stopped by SIGTERM mid-bake and run again", () => {
  const savedPath = process.env["PATH"];
  beforeAll(async () => {
    process.env["PATH"] = `${bin}${path.delimiter}${savedPath}`;
    const planned = await runBaton("upgrade-plan", path.join(project, "stacks"), "--to", "1.35", "--method", "in-place", "--out", path.join(project, "plan"), "--today", TODAY);
    expect(planned.code).toBe(0);
    wireFleet();
  });
  afterAll(() => { process.env["PATH"] = savedPath; });

  it("prints the steps and where it would start with --dry-run, changing nothing", async () => {
    const r = await runBaton("run-plan", planDir, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.out).toContain("plan of stack prod: in-place to 1.35, 2 step(s); stack prod in");
    expect(r.out).toContain("1. Upgrade blue's control plane from 1.34 to 1.35 (irreversible): preview, pulumi up, bake 10m");
    expect(r.out).toContain("no earlier run: starts at step 1");
    expect(existsSync(calls)).toBe(false);
  });

  it("lets the update finish, stops, keeps the step applied and says so; a rerun bakes it again and finishes", async () => {
    // Once step 1 is applied and its bake has started, CI cancels the job.
    const io = cancellingIo((text) => text.includes("gates pass") && text.includes("baked 0s of 2s"));
    const code = await main(["node", "baton", "run-plan", planDir, "--bake", "2s", "--poll", "1s", "--today", TODAY], io);
    expect(io.sent()).toBe(true);
    expect(code).toBe(1);
    expect(io.stderr()).toContain("SIGTERM: stopping at the next safe point");
    expect(io.stderr()).toContain("prod: interrupted, 0 of 2 step(s) passed");
    expect(io.stderr()).toContain("step 1 stays applied");
    const step1 = readFileSync(path.join(planDir, "01-upgrade-blue-to-1-35.yaml"), "utf8");
    expect(readFileSync(stackFile, "utf8")).toBe(step1);
    expect(readFileSync(deployed, "utf8")).toBe(step1);
    expect(JSON.parse(readFileSync(path.join(planDir, "run-state.json"), "utf8"))).toMatchObject({ passed: 0, applied: 1, outcome: "interrupted" });
    // The step was previewed, then applied whole.
    const log = readFileSync(calls, "utf8").trim().split("\n");
    expect(log).toEqual(["preview --json --stack prod --non-interactive", "up --yes --skip-preview --color never --stack prod --non-interactive"]);
    expect(process.listeners("SIGTERM").some((l) => l.name === "onSignal")).toBe(false);
    // The lock is released.
    expect(existsSync(path.join(planDir, "plan.json.lock"))).toBe(false);

    const again = await runBaton("run-plan", planDir, "--bake", "1s", "--poll", "1s", "--today", TODAY);
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    expect(again.out).toContain("resuming at step 1 of 2");
    expect(again.out).toContain("step 1: Upgrade blue's control plane from 1.34 to 1.35 (applied by an earlier run: baking it again)");
    expect(again.out).toContain("prod: completed, 2 of 2 step(s) passed");
    const step2 = readFileSync(path.join(planDir, "02-upgrade-green-to-1-35.yaml"), "utf8");
    expect(readFileSync(deployed, "utf8")).toBe(step2);
    // Step 1 was not applied a second time; step 2 was.
    const all = readFileSync(calls, "utf8").trim().split("\n");
    expect(all.map((l) => l.split(" ")[0])).toEqual(["preview", "up", "preview", "up"]);
    expect((await runBaton("run-plan", planDir, "--dry-run")).out).toContain("earlier run: completed; 2 step(s) passed");
  }, 60_000);

  it("refuses to run when the stack file was changed by someone else, touching nothing", async () => {
    const before = readFileSync(stackFile, "utf8");
    writeFileSync(stackFile, `${before}# edited\n`);
    const dir = path.join(project, "plan2");
    const planned = await runBaton("upgrade-plan", path.join(project, "stacks"), "--to", "1.36", "--method", "in-place", "--out", dir, "--today", "2026-12-02");
    writeFileSync(stackFile, before);
    expect(planned.code).toBe(0);
    const r = await runBaton("run-plan", path.join(dir, "prod"), "--today", "2026-12-02");
    expect(r.code).toBe(2);
    expect(r.err).toContain("holds neither the stack as the plan found it");
  });
});
