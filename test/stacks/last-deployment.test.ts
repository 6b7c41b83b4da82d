/**
 * `pulumi up` judges the change against the stack's last deployment, every time: the stack program
 * run as the Pulumi CLI runs it (Pulumi.yaml's loader, `@pulumi/pulumi/cmd/run`, the engine double
 * over gRPC). The last deployment's outputs the double serves to the stack's reference to itself are
 * the ones an earlier run of the same harness registered (record, then replay), never written here.
 *
 * What "nothing registered" means: the SDK registers the stack's root resource (pulumi:pulumi:Stack)
 * before the program's first line, in every run; the reference to the stack itself is a read
 * (ReadResource), which creates, changes and deletes nothing. A refused run registers nothing else,
 * and no stack outputs either, so the engine keeps the last record.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { DEPLOYMENT_RECORD_OUTPUT, recordOf } from "../../src/fleet/deployment-record.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { isoDate } from "../../src/fleet/versions.js";
import { addDays, nextHistory } from "../../src/fleet/version-history.js";
import { MINIMUM_PULUMI_CLI } from "../../stacks/last-deployment.js";
import { edit, migrationFleet } from "../support/fleets.js";
import { recordedStackOutputs, runStackThroughLanguageHost, type LanguageHostResult } from "../support/pulumi-host/index.js";

const RUN_TIMEOUT = 180_000;
const STACK = "migration";
const SELF = `urn:pulumi:${STACK}::baton::pulumi:pulumi:StackReference::organization/baton/${STACK}`;

const run = (fleet: unknown, stackOutputs?: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  runStackThroughLanguageHost({ stack: STACK, configOverride: { "baton:fleet": fleet, ...more }, ...(stackOutputs ? { stackOutputs } : {}), timeoutMs: 120_000 });

const info = (r: LanguageHostResult) => r.logs.filter((l) => l.severity === 1).map((l) => l.message);
const errors = (r: LanguageHostResult) => r.logs.filter((l) => l.severity === 3).map((l) => l.message);
const warnings = (r: LanguageHostResult) => r.logs.filter((l) => l.severity === 2).map((l) => l.message);

/** The fleet the stack reads back, validated as the program validates it: what the record must hold. */
const validated = (fleet: unknown) => {
  const validation = validateFleet(fleet, { today: isoDate(new Date()), deployed: fleet });
  if (!validation.fleet) throw new Error("test fleet does not validate");
  return validation.fleet;
};

/** A refused change: the rule, path and fix on the engine log, exit 32, the read and nothing else. */
function expectRefused(r: LanguageHostResult, rule: string, path: string) {
  expect(r.exitCode, r.stderr).toBe(32);
  expect(r.refusals).toEqual([]);
  expect(r.registrations.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack"]);
  expect(r.reads).toEqual([{ urn: SELF, type: "pulumi:pulumi:StackReference", id: STACK }]);
  // No outputs but the empty set the SDK sends for a failed program, which the engine does not apply.
  expect([...r.outputs.values()].every((o) => Object.keys(o).length === 0)).toBe(true);
  expect(r.shutdownSignalled).toBe(false);
  const [message, ...more] = errors(r);
  expect(more).toEqual([]);
  expect(message).toContain("pulumi up refuses this change, judged against the last deployment (stack output deploymentRecord)");
  expect(message).toContain(`error ${path}`);
  expect(message).toContain(`[${rule}]`);
  expect(message).toMatch(/\n {2}fix: /);
  expect(message).toContain("baton:override");
  // The user reads the rule and its fix, not a stack trace from inside the SDK.
  expect(message).not.toMatch(/\n\s+at /);
  expect(info(r).some((m) => m.startsWith("Judged as a change from the last deployment") && m.includes(`refused by ${rule}`))).toBe(true);
  return message!;
}

// The first deployment of the migration stack: what every change below is judged against.
const deployed = migrationFleet();
let first: LanguageHostResult;
let recorded: Record<string, unknown>;
beforeAll(async () => {
  first = await run(deployed);
  recorded = recordedStackOutputs(first);
}, RUN_TIMEOUT);

describe("the stack's first deployment, and the record it leaves", () => {
  it("judges the config alone, says so in a log line, and registers the fleet", () => {
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.refusals).toEqual([]);
    expect(info(first)).toContainEqual(expect.stringMatching(/^No record of a previous deployment in this stack .*the config is judged alone, not as a change\.$/));
    // Before anything is registered: the CLI version that keeps outputs, then the read of the stack itself.
    expect(first.requiredVersions).toEqual([`>=${MINIMUM_PULUMI_CLI}`]);
    expect(first.reads).toEqual([{ urn: SELF, type: "pulumi:pulumi:StackReference", id: STACK }]);
    expect(first.registrations.filter((r) => r.type === "aws:eks/cluster:Cluster")).toHaveLength(2);
  });

  it("records the validated fleet it applied as the deploymentRecord stack output, { schema: 1, fleet, versions }", () => {
    const record = recorded[DEPLOYMENT_RECORD_OUTPUT];
    expect(record).toEqual(recordOf(validated(deployed), nextHistory(undefined, undefined, validated(deployed), isoDate(new Date()))));
    expect(record).toMatchObject({ schema: 1, fleet: { name: "shop", services: { web: { weights: { blue: 90, green: 10 } } } } });
    // A first deployment cannot tell a cluster it creates from one an older baton created: not known.
    expect(record).toMatchObject({ versions: { blue: { version: "1.33", how: "unknown" }, "green/general": { version: "1.35", how: "unknown" } } });
  });
});

describe("a change judged against the recorded deployment", () => {
  it("refuses a control plane that skips a minor (1.33 → 1.35), registering nothing", async () => {
    const skip = edit(deployed, (f) => { f.clusters.blue.version = "1.35"; });
    // Alone, the config is valid: only the last deployment makes it a skip.
    expect(validateFleet(skip, { today: isoDate(new Date()) }).ok).toBe(true);
    const r = await run(skip, recorded);
    expect(expectRefused(r, "control-plane-skip-minor", "baton:fleet.clusters.blue.version = \"1.35\"")).toContain("1.33 → 1.35 skips 1");
  }, RUN_TIMEOUT);

  it("refuses deleting a cluster that still carries traffic, registering nothing", async () => {
    const decommission = edit(deployed, (f) => {
      delete (f.clusters as Record<string, unknown>)["blue"];
      f.services.web.weights = { green: 100 };
      f.services.api.weights = { green: 100 };
      delete (f.services.api as { route53: { targets: Record<string, unknown> } }).route53.targets["blue"];
    });
    expect(validateFleet(decommission, { today: isoDate(new Date()) }).ok).toBe(true);
    expectRefused(await run(decommission, recorded), "decommission-weighted-cluster", "baton:fleet.clusters.blue");
  }, RUN_TIMEOUT);

  it("allows a weight shift: judged as exactly that one change, it registers the fleet and records the new weights", async () => {
    const shift = edit(deployed, (f) => { f.services.web.weights = { blue: 50, green: 50 }; });
    const r = await run(shift, recorded);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(errors(r)).toEqual([]);
    // One change, although the record came back with its keys in another order than the config's.
    expect(info(r)).toContain("Judged as a change from the last deployment (stack output deploymentRecord): 1 change(s).");
    expect(r.registrations.filter((x) => x.type === "aws:eks/cluster:Cluster")).toHaveLength(2);
    const rule = r.registrations.find((x) => x.type === "aws:lb/listenerRule:ListenerRule" && x.name === "shop-web")!;
    expect(JSON.stringify(rule.inputs["actions"])).toMatch(/"weight":50.*"weight":50/);
    const before = validated(deployed);
    expect(recordedStackOutputs(r)[DEPLOYMENT_RECORD_OUTPUT]).toEqual(recordOf(validated(shift), nextHistory(nextHistory(undefined, undefined, before, isoDate(new Date())), before, validated(shift), isoDate(new Date()))));
  }, RUN_TIMEOUT);

  it("refuses rolling a control plane back past EKS's 7-day window, dated by the record, registering nothing", async () => {
    // green was upgraded in place from 1.34 eight days ago, and step 1 of its rollback (the node group) applied.
    const step1 = edit(deployed, (f) => { f.clusters.green.nodeGroups.general.version = "1.34"; });
    const upgradedOn = addDays(isoDate(new Date()), -8);
    const record = { ...recordOf(validated(step1)), versions: { green: { version: "1.35", how: "upgraded", from: "1.34", at: upgradedOn } } };
    const step2 = edit(deployed, (f) => { f.clusters.green.version = "1.34"; });
    const r = await run(step2, { [DEPLOYMENT_RECORD_OUTPUT]: record });
    expect(expectRefused(r, "rollback-window-closed", "baton:fleet.clusters.green.version = \"1.34\"")).toContain(`the window closed on ${addDays(upgradedOn, 7)}`);
  }, RUN_TIMEOUT);

  it("lets a refusal through when baton:override names its rule and path with a reason, as a warning that carries the reason", async () => {
    const skip = edit(deployed, (f) => { f.clusters.blue.version = "1.35"; });
    const reason = "blue was rebuilt at 1.34 outside this stack (change 4711); the record still says 1.33";
    const override = [{ rule: "control-plane-skip-minor", path: "baton:fleet.clusters.blue.version", reason }];
    const r = await run(skip, recorded, { "baton:override": override });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(errors(r)).toEqual([]);
    expect(info(r)).toContainEqual(expect.stringMatching(/refusal\(s\) overridden by baton:override\.$/));
    const overridden = warnings(r).filter((w) => w.includes("[control-plane-skip-minor]"));
    expect(overridden).toHaveLength(1);
    expect(overridden[0]).toContain(`Overridden by baton:override (reason: ${reason})`);
    const cluster = r.registrations.find((x) => x.type === "aws:eks/cluster:Cluster" && x.name === "shop-blue")!;
    expect(cluster.inputs).toMatchObject({ version: "1.35" });
  }, RUN_TIMEOUT);

  it("judges against the record, not a deployed config BATON_DEPLOYED_CONFIG names, and warns that the variable is ignored", async () => {
    // Named instead of the record, this config would make the skip one minor: it must not be used.
    const file = path.join(mkdtempSync(path.join(tmpdir(), "baton-deployed-")), "Pulumi.migration.yaml");
    writeFileSync(file, stringify({ config: { "baton:fleet": edit(deployed, (f) => { f.clusters.blue.version = "1.34"; }) } }));
    process.env["BATON_DEPLOYED_CONFIG"] = file;
    try {
      const r = await run(edit(deployed, (f) => { f.clusters.blue.version = "1.35"; }), recorded);
      expectRefused(r, "control-plane-skip-minor", "baton:fleet.clusters.blue.version = \"1.35\"");
      expect(warnings(r)).toContainEqual(expect.stringMatching(/^BATON_DEPLOYED_CONFIG is ignored: this stack has a record of its last deployment/));
    } finally {
      delete process.env["BATON_DEPLOYED_CONFIG"];
    }
  }, RUN_TIMEOUT);

  it("refuses an override left in place once nothing needs it, registering nothing", async () => {
    const override = [{ rule: "control-plane-skip-minor", path: "baton:fleet.clusters.blue.version", reason: "applied last week" }];
    const r = await run(deployed, recorded, { "baton:override": override });
    expect(r.exitCode, r.stderr).toBe(32);
    expect(r.registrations.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack"]);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toContain("error baton:override[0]");
    expect(errors(r)[0]).toContain("[override-unused]");
  }, RUN_TIMEOUT);
});

describe("a cluster created and weighted in one change", () => {
  it("is refused against a recorded deployment without it, registering nothing", async () => {
    const withoutGreen = edit(migrationFleet(), (f) => {
      delete (f.clusters as Record<string, unknown>)["green"];
      f.services.web.weights = { blue: 100 };
      f.services.api.weights = { blue: 100 };
      delete (f.services.api as { route53: { targets: Record<string, unknown> } }).route53.targets["green"];
    });
    const recorded = recordedStackOutputs(await run(withoutGreen));
    const weighted = migrationFleet();
    expect(validateFleet(weighted, { today: isoDate(new Date()) }).ok).toBe(true);
    expectRefused(await run(weighted, recorded), "new-cluster-weighted", "baton:fleet.clusters.green");
  }, 2 * RUN_TIMEOUT);
});

describe("what the program cannot judge against", () => {
  it("stops on a record from a newer baton, registering nothing", async () => {
    const newer = { [DEPLOYMENT_RECORD_OUTPUT]: { schema: 2, fleet: migrationFleet() } };
    const r = await run(migrationFleet(), newer);
    expect(r.exitCode, r.stderr).toBe(32);
    expect(r.registrations.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack"]);
    expect(errors(r)[0]).toContain("[deployment-record-newer]");
    expect(errors(r)[0]).toContain("stack output deploymentRecord.schema = 2");
  }, RUN_TIMEOUT);

  it("stops under a Pulumi CLI that would delete the record when a deployment fails, before reading anything", async () => {
    const r = await runStackThroughLanguageHost({ stack: STACK, cliVersion: "3.100.0", timeoutMs: 120_000 });
    expect(r.exitCode, r.stderr).toBe(32);
    expect(r.reads).toEqual([]);
    expect(r.registrations.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack"]);
    expect(errors(r)[0]).toContain(`baton's stack needs the Pulumi CLI ${MINIMUM_PULUMI_CLI} or newer`);
    expect(errors(r)[0]).toContain("3.100.0 does not satisfy");
    expect(errors(r)[0]).not.toMatch(/\n\s+at /);
  }, RUN_TIMEOUT);
});
