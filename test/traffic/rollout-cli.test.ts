import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { formatEvent, formatResult } from "../../src/traffic/format-rollout.js";
import { locateStack } from "../../src/traffic/pulumi-stack.js";
import { DEFAULT_TIMING, runRollout } from "../../src/traffic/rollout.js";
import { buildSchedule, parseDuration, parseSteps } from "../../src/traffic/schedule.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { captureIo } from "../support/io.js";
import { runBaton as run } from "../support/cli.js";
import { fakeWorld } from "./fakes.js";

const plain = { red: String, green: String, yellow: String, bold: String, dim: String };
const project = mkdtempSync(path.join(tmpdir(), "baton-rollout-"));
mkdirSync(path.join(project, "stacks"));
writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n");
const fleet = edit(migrationFleet(), (f) => {
  f.services.web.weights = { blue: 100, green: 0 };
  f.services.web.gates = { alarms: ["web-p99", "web-errors"], minHealthyTargets: 3, max5xxRatio: 0.02 };
});
const file = path.join(project, "stacks", "Pulumi.prod.yaml");
writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }));


describe("baton rollout --dry-run", () => {
  it("prints the schedule, the gates and what happens on failure, and changes nothing", async () => {
    const before = readFileSync(file, "utf8");
    const r = await run("rollout", file, "web", "--to", "green", "--steps", "5,50,100", "--bake", "15m", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.out).toContain("1.   5% → set { blue: 95, green: 5 }; pulumi up; verify on AWS; bake 15m");
    expect(r.out).toContain("3. 100% → set { blue: 0, green: 100 }");
    expect(r.out).toContain("alarms that must be OK: web-p99, web-errors");
    expect(r.out).toContain("healthy targets on green: at least 3");
    expect(r.out).toContain("5xx ratio on green: at most 2.00%");
    expect(r.out).toContain(`stack prod in ${project}`);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("exits 2 on bad arguments and on a file Pulumi would not read for the stack", async () => {
    expect((await run("rollout", file, "web", "--to", "purple", "--dry-run")).err).toContain('"purple" is not a cluster');
    expect((await run("rollout", file, "web", "--to", "green", "--steps", "50,25", "--dry-run")).code).toBe(2);
    expect((await run("rollout", file, "web", "--to", "green", "--bake", "ten", "--dry-run")).err).toContain('--bake: "ten" is not a duration');
    expect((await run("rollout", file, "web", "--dry-run")).code).toBe(2);
    // Bounded: a poll past Node's timer limit busy-looped, a fraction of a percent moved nothing, a 20-digit bake overflowed.
    expect((await run("rollout", file, "web", "--to", "green", "--poll", "600h", "--dry-run")).err).toContain("--poll: 600h is out of range; it takes 1s to 1h");
    expect((await run("rollout", file, "web", "--to", "green", "--steps", "0.1,50", "--dry-run")).err).toContain('--steps: "0.1" is not a whole percentage');
    expect((await run("rollout", file, "web", "--to", "green", "--bake", "99999999999999999999s", "--dry-run")).code).toBe(2);
    expect((await run("rollout", file, "web", "--to", "green", "--bake", "25h", "--dry-run")).err).toContain("--bake: 25h is out of range");
    expect((await run("rollout", file, "web", "--to", "green", "--on-halt", "somewhere", "--dry-run")).err).toContain('--on-halt: "somewhere" is not one of last-passed, origin');
    expect((await run("rollout", file, "web", "--to", "green", "--on-halt", "origin", "--dry-run")).out).toContain("on failure (--on-halt origin)");
    const stray = path.join(project, "Pulumi.prod.yaml");
    writeFileSync(stray, readFileSync(file));
    const misplaced = await run("rollout", stray, "web", "--to", "green", "--dry-run");
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toContain("Pulumi reads stack prod's config from");
  });

  it("exits 1 with the spec's message when the spec refuses a step", async () => {
    const refused = path.join(project, "stacks", "Pulumi.refused.yaml");
    // Valid while green has no api traffic; refused at the first step, since green has no Route53 alias target.
    const untargeted = edit(fleet, (f) => { if (f.services.api.routing === "route53") delete f.services.api.route53.targets.green; });
    writeFileSync(refused, stringify({ config: { "baton:fleet": untargeted } }));
    const r = await run("rollout", refused, "api", "--to", "green", "--dry-run");
    expect(r.code).toBe(1);
    expect(r.err).toContain("refused: the spec refuses step 10%");
    expect(r.err).toContain("[route53-target-missing]");
  });
});

describe("rollout arguments and reports", () => {
  it("parses steps and durations", () => {
    expect(parseSteps("10, 25%,50,100")).toEqual([10, 25, 50, 100]);
    expect(() => parseSteps("0,50")).toThrow(/above 0/);
    expect(() => parseSteps("10,,20")).toThrow(/is not a whole percentage/);
    expect(parseDuration("1h30m", "--bake")).toBe(90 * 60_000);
    expect(parseDuration("90s", "--bake")).toBe(90_000);
    expect(parseDuration("0", "--bake")).toBe(0);
  });

  it("ties a stack file to its project and stack name", () => {
    expect(locateStack(file)).toEqual({ workDir: project, stackName: "prod" });
    expect(() => locateStack(path.join(project, "stacks", "prod.yaml"))).toThrow(/Pulumi.<stack>.yaml/);
  });

  it("reports a halt with the failed gate, the time and the restored weights", async () => {
    const oneAlarm = edit(fleet, (f) => { f.services.web.gates.alarms = ["web-p99"]; });
    const schedule = buildSchedule(oneAlarm, "web", "green", [10, 50], plain, { today: TODAY });
    const world = fakeWorld({ file: { blue: 100, green: 0 }, script: (_n, aws) => (aws.green === 50 ? "alarm" : "ok") });
    const lines: string[] = [];
    const result = await runRollout(schedule, { ...DEFAULT_TIMING, bakeMs: 60_000 }, { ...world, onEvent: (e) => { const l = formatEvent(e, plain); if (l) lines.push(l); } });
    expect(formatResult(result, schedule, "stacks/Pulumi.prod.yaml", plain)).toBe([
      "halted at step 50% at 2026-11-23T10:01:00.000Z: a health gate failed",
      "  restored { blue: 90, green: 10 } (the last step that passed)",
      "  its gates passed again for 60 s",
      "  FAIL alarm web-p99: ALARM: p99 latency 2.3 s > 1 s",
      "  stacks/Pulumi.prod.yaml holds { blue: 90, green: 10 }, applied; fix the cause, then rerun the same command to resume from there",
    ].join("\n"));
    expect(lines).toContain("step 2/2: 50% → { blue: 50, green: 50 }");
    expect(lines).toContain("  wrote { blue: 90, green: 10 } to the stack file (rollback)");
  });

  it("refuses before any step when a gated alarm does not exist", async () => {
    const schedule = buildSchedule(fleet, "web", "green", [10, 50], plain, { today: TODAY });
    const world = fakeWorld({ file: { blue: 100, green: 0 } });
    const result = await runRollout(schedule, { ...DEFAULT_TIMING, bakeMs: 60_000 }, world);
    expect(formatResult(result, schedule, "f.yaml", plain)).toContain("FAIL alarm web-errors: no CloudWatch alarm has this name");
    expect(result.outcome).toBe("refused");
    expect(world.writes).toEqual([]);
  });
});
