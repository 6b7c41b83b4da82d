/**
 * `baton rollout` end to end, stopped by SIGTERM (a cancelled CI job) in the middle of a bake:
 * the CLI's own signal handler, the Pulumi driver against a stand-in `pulumi` that applies the
 * stack file to a state file, and AWS reads (mocked) that show that state. Afterwards the file,
 * the stack and AWS agree, and the report says what happened. The same stand-in also previews an
 * edit of the service's own listener rule (refused by field) and hangs (stopped by signals).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { readServiceWeights } from "../../src/traffic/stack-file.js";
import { edit, migrationFleet } from "../support/fleets.js";
import { cancellingIo, captureIo } from "../support/io.js";
import { LISTENER, mocks, TG, wireFleet, DescribeRulesCommand } from "./aws-fixtures.js";

const ROOT = path.resolve(__dirname, "../..");
const project = mkdtempSync(path.join(tmpdir(), "baton-signal-"));
mkdirSync(path.join(project, "stacks"));
writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n");
const file = path.join(project, "stacks", "Pulumi.prod.yaml");
const state = path.join(project, "state.json");
// The listener rule's host headers as applied.
const hostsState = path.join(project, "state-hosts.json");
writeFileSync(hostsState, JSON.stringify(["shop.example.com"]));
const RULE = "urn:pulumi:prod::shop::aws:lb/listenerRule:ListenerRule::shop-web";

// The stand-in `pulumi`: `up` applies the stack file's web weights (and host headers) to state.json; export and preview read it.
const bin = path.join(project, "bin");
mkdirSync(bin);
writeFileSync(path.join(bin, "pulumi"), `#!${process.execPath}
const fs = require("fs");
const { parse } = require(${JSON.stringify(path.join(ROOT, "node_modules", "yaml"))});
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(project, "calls"))}, args.join(" ") + "\\n");
const weights = JSON.parse(fs.readFileSync(${JSON.stringify(state)}, "utf8"));
const hosts = JSON.parse(fs.readFileSync(${JSON.stringify(hostsState)}, "utf8"));
const tg = ${JSON.stringify(TG)};
if (args[0] === "stack") {
  const group = (c) => ({ urn: "urn:pulumi:prod::shop::aws:lb/targetGroup:TargetGroup::shop-web-" + c, type: "aws:lb/targetGroup:TargetGroup", outputs: { arn: tg[c], tags: { "baton:fleet": "shop", "baton:cluster": c } } });
  const rule = { urn: ${JSON.stringify(RULE)}, type: "aws:lb/listenerRule:ListenerRule", outputs: { tags: { "baton:fleet": "shop", "baton:service": "web" },
    actions: [{ type: "forward", forward: { targetGroups: [{ arn: tg.blue, weight: weights.blue }, { arn: tg.green, weight: weights.green }] } }] } };
  console.log(JSON.stringify({ version: 3, deployment: { resources: [group("blue"), group("green"), rule] } }));
} else if (args[0] === "preview" && fs.existsSync(${JSON.stringify(path.join(project, "preview-hangs"))})) {
  // A preview that hangs and ignores SIGINT, with a plugin-like grandchild that ignores SIGINT and SIGTERM.
  process.on("SIGINT", () => undefined);
  require("child_process").spawn("sh", ["-c", "trap '' INT TERM; while :; do sleep 1; done"], { stdio: "ignore" });
  fs.writeFileSync(${JSON.stringify(path.join(project, "preview-pgid"))}, String(process.pid));
  setInterval(() => undefined, 1000);
} else if (args[0] === "preview") {
  // As the real CLI writes it: both states' inputs, and a detailedDiff of the fields that differ.
  const web = parse(fs.readFileSync(${JSON.stringify(file)}, "utf8")).config["baton:fleet"].services.web;
  const inputs = (w, h) => ({ actions: [{ type: "forward", forward: { targetGroups: [{ arn: tg.blue, weight: w.blue }, { arn: tg.green, weight: w.green }] } }], conditions: [{ hostHeader: { values: h } }], priority: 10 });
  const detailedDiff = {};
  ["blue", "green"].forEach((c, i) => { if (weights[c] !== web.weights[c]) detailedDiff["actions[0].forward.targetGroups[" + i + "].weight"] = { kind: "update", inputDiff: true }; });
  web.alb.hostHeaders.forEach((h, i) => { if (hosts[i] !== h) detailedDiff["conditions[0].hostHeader.values[" + i + "]"] = { kind: "update", inputDiff: true }; });
  const type = "aws:lb/listenerRule:ListenerRule";
  const op = Object.keys(detailedDiff).length > 0 ? "update" : "same";
  console.log(JSON.stringify({ steps: [{ op, urn: ${JSON.stringify(RULE)}, oldState: { type, custom: true, inputs: inputs(weights, hosts) }, newState: { type, custom: true, inputs: inputs(web.weights, web.alb.hostHeaders) }, detailedDiff }] }));
} else if (args[0] === "up") {
  const web = parse(fs.readFileSync(${JSON.stringify(file)}, "utf8")).config["baton:fleet"].services.web;
  fs.writeFileSync(${JSON.stringify(state)}, JSON.stringify(web.weights));
  fs.writeFileSync(${JSON.stringify(hostsState)}, JSON.stringify(web.alb.hostHeaders));
  console.log("Resources: 1 updated");
}
`);
chmodSync(path.join(bin, "pulumi"), 0o755);

const ruleFor = (w: { blue: number; green: number }) => ({
  Rules: [{
    RuleArn: `${LISTENER.replace(":listener/", ":listener-rule/")}/9683b2d02a6cabee`, Priority: "10", IsDefault: false, Conditions: [],
    Actions: [{ Type: "forward" as const, Order: 1, ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG.blue, Weight: w.blue }, { TargetGroupArn: TG.green, Weight: w.green }] } }],
  }],
});

describe("baton rollout, stopped by SIGTERM mid-bake", () => {
  const savedPath = process.env["PATH"];
  beforeAll(() => { process.env["PATH"] = `${bin}${path.delimiter}${savedPath}`; });
  afterAll(() => { process.env["PATH"] = savedPath; });

  it("lets the update finish, takes the traffic back, verifies it, reports and exits 1; file, stack and AWS agree", async () => {
    const fleet = edit(migrationFleet(), (f) => {
      f.services.web.weights = { blue: 100, green: 0 };
      f.services.web.gates = { alarms: ["web-p99"], minHealthyTargets: 1 };
    });
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }));
    writeFileSync(state, JSON.stringify({ blue: 100, green: 0 }));
    wireFleet();
    mocks.elbv2.on(DescribeRulesCommand, { ListenerArn: LISTENER }).callsFake(() => ruleFor(JSON.parse(readFileSync(state, "utf8"))));

    // Once step 1 is verified on AWS and its bake has started, CI cancels the job.
    const io = cancellingIo((text) => text.includes("gates pass") && text.includes("baked 0s of 1m"));
    const code = await main(["node", "baton", "rollout", file, "web", "--to", "green", "--steps", "50,100", "--bake", "1m", "--poll", "1s"], io);
    expect(io.sent()).toBe(true);
    expect(code).toBe(1);
    expect(io.stderr()).toContain("SIGTERM: stopping at the next safe point");
    expect(io.stderr()).toMatch(/interrupted at step 50% at .*: stopped by a signal at a safe point/);
    expect(io.stderr()).toContain("restored { blue: 100, green: 0 } (the origin)");
    // File, stack and AWS agree, on the origin.
    expect(readServiceWeights(readFileSync(file, "utf8"), file, "web").weights).toEqual({ blue: 100, green: 0 });
    expect(JSON.parse(readFileSync(state, "utf8"))).toEqual({ blue: 100, green: 0 });
    const calls = readFileSync(path.join(project, "calls"), "utf8").trim().split("\n");
    // Step 50 was previewed and applied, targeted; the restore applied, targeted, without a preview.
    expect(calls.filter((c) => c.startsWith("up "))).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("up ")).every((c) => c.includes(`--target ${RULE}`))).toBe(true);
    expect(calls.filter((c) => c.startsWith("preview "))).toHaveLength(1);
    // The handlers are gone afterwards.
    expect(process.listeners("SIGTERM").some((l) => l.name === "onSignal")).toBe(false);
  }, 60_000);

  it("refuses a step whose update would also change the service's own listener rule (its host headers), naming the field; nothing is applied", async () => {
    const fleet = edit(migrationFleet(), (f) => {
      f.services.web.weights = { blue: 100, green: 0 };
      f.services.web.gates = { alarms: ["web-p99"], minHealthyTargets: 1 };
      if (f.services.web.routing === "alb") f.services.web.alb.hostHeaders = ["evil.example.com"];
    });
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }));
    const before = readFileSync(file, "utf8");
    writeFileSync(state, JSON.stringify({ blue: 100, green: 0 }));
    rmSync(path.join(project, "calls"), { force: true });
    wireFleet();
    mocks.elbv2.on(DescribeRulesCommand, { ListenerArn: LISTENER }).callsFake(() => ruleFor(JSON.parse(readFileSync(state, "utf8"))));
    const io = captureIo();
    const code = await main(["node", "baton", "rollout", file, "web", "--to", "green", "--steps", "50,100", "--bake", "1m", "--poll", "1s"], io);
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/refused at \S+: the stack holds changes besides web's weights, and baton applies only those: update aws:lb\/listenerRule:ListenerRule shop-web: conditions\[0\]\.hostHeader\.values\[0\] would change too, and a step may change only the weights/);
    // Nothing written, nothing applied: the host headers on the rule are still the old ones.
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(readFileSync(path.join(project, "calls"), "utf8").split("\n").filter((c) => c.startsWith("up "))).toEqual([]);
    expect(JSON.parse(readFileSync(hostsState, "utf8"))).toEqual(["shop.example.com"]);
  }, 60_000);

  it("a pulumi preview that hangs and ignores SIGINT: repeated signals climb to SIGTERM, the report is printed and no process of its group is left", async () => {
    const fleet = edit(migrationFleet(), (f) => {
      f.services.web.weights = { blue: 100, green: 0 };
      f.services.web.gates = { alarms: ["web-p99"], minHealthyTargets: 1 };
    });
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }));
    const before = readFileSync(file, "utf8");
    writeFileSync(state, JSON.stringify({ blue: 100, green: 0 }));
    writeFileSync(path.join(project, "preview-hangs"), "");
    const pgidFile = path.join(project, "preview-pgid");
    rmSync(pgidFile, { force: true });
    wireFleet();
    mocks.elbv2.on(DescribeRulesCommand, { ListenerArn: LISTENER }).callsFake(() => ruleFor(JSON.parse(readFileSync(state, "utf8"))));

    // Once the preview runs, a CI runner cancels the job and, the job still running, signals it twice more.
    const signalled = (async () => {
      while (!existsSync(pgidFile)) await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < 3; i++) {
        process.emit("SIGTERM", "SIGTERM");
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    const io = captureIo();
    const begun = Date.now();
    const code = await main(["node", "baton", "rollout", file, "web", "--to", "green", "--steps", "50,100", "--bake", "1m", "--poll", "1s"], io);
    await signalled;
    rmSync(path.join(project, "preview-hangs"));
    const err = io.stderr();
    expect(code).toBe(1);
    // The default grace between rungs is 10 s; the third signal climbed at once.
    expect(Date.now() - begun).toBeLessThan(9_000);
    expect(err).toContain("SIGTERM: stopping at the next safe point (a running pulumi up finishes; a running preview or stack export is interrupted)");
    expect(err).toContain("SIGTERM: sent SIGTERM to pulumi's process group; still stopping, the report follows");
    expect(err).toMatch(/interrupted at \S+: stopped by a signal at a safe point/);
    expect(err).toContain(`${file} holds { blue: 100, green: 0 }`);
    expect(readFileSync(file, "utf8")).toBe(before);
    const pgid = Number(readFileSync(pgidFile, "utf8"));
    const left = liveMembers(pgid);
    // Nothing should be left; if something is, it is killed here, not left running after the test.
    if (left.length > 0) process.kill(-pgid, "SIGKILL");
    expect(left).toEqual([]);
  }, 60_000);
});

/** Processes of group `pgid` still alive (zombies waiting to be reaped aside). */
function liveMembers(pgid: number): number[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(fields[2]) === pgid && fields[0] !== "Z" ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}
