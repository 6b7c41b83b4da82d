/**
 * The record a deployment leaves for the next one: what the stack writes, and how a reader takes
 * what it finds (none, a record, or something it must not guess about). Read back from a stack's
 * state, the record's keys come in the state's order, not the config's: the change judged against
 * it must still be only what the config changes.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEPLOYMENT_RECORD_SCHEMA, readDeploymentRecord, recordOf } from "../../src/fleet/deployment-record.js";
import { plan } from "../../src/fleet/plan.js";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const root = path.resolve(__dirname, "../..");

/** A JSON value with every object's keys sorted, as the engine's state hands stack outputs back. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}

const exampleConfigs = [
  ...readdirSync(path.join(root, "stacks")).filter((f) => f.endsWith(".yaml")).map((f) => path.join("stacks", f)),
  ...readdirSync(path.join(root, "examples/walkthrough")).filter((f) => f.endsWith(".yaml")).map((f) => path.join("examples/walkthrough", f)),
];

describe("the record of a deployment", () => {
  it("is the validated fleet as plain JSON under a schema number", () => {
    const fleet = validateFleet(migrationFleet(), { today: TODAY }).fleet!;
    const record = recordOf(fleet);
    expect(record.schema).toBe(DEPLOYMENT_RECORD_SCHEMA);
    expect(record.fleet).toEqual(fleet);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it.each(exampleConfigs)("of %s, read back in the state's key order, plans as no change from the same config", (file) => {
    const raw = parseStackConfig(readFileSync(path.join(root, file), "utf8"), file).fleet;
    const validation = validateFleet(raw, { today: TODAY, deployed: raw });
    expect(validation.fleet, file).toBeDefined();
    const stored = sortedKeys(recordOf(validation.fleet!));
    const reading = readDeploymentRecord(stored);
    if (reading.kind !== "record") throw new Error(`${file}: ${reading.kind}`);
    expect(plan(reading.record.fleet, raw, { today: TODAY }).changes).toEqual([]);
  });

  it("read back, plans a weight shift as that shift alone", () => {
    const stored = sortedKeys(recordOf(validateFleet(migrationFleet(), { today: TODAY }).fleet!));
    const reading = readDeploymentRecord(stored);
    if (reading.kind !== "record") throw new Error(reading.kind);
    const shift = edit(migrationFleet(), (f) => { f.services.web.weights = { green: 50, blue: 50 }; });
    expect(plan(reading.record.fleet, shift, { today: TODAY }).changes.map((c) => `${c.kind} ${c.subject}`)).toEqual(["traffic-shift service web"]);
  });
});

describe("reading what the last deployment left", () => {
  it("finds none in a stack never deployed, or deployed before records", () => {
    expect(readDeploymentRecord(undefined)).toEqual({ kind: "none" });
    expect(readDeploymentRecord(null)).toEqual({ kind: "none" });
  });

  it("keeps the fleet and ignores members a later baton added", () => {
    const reading = readDeploymentRecord({ schema: 1, fleet: { name: "shop" }, clusters: { blue: { versionMovedOn: "2026-11-01" } } });
    expect(reading).toEqual({ kind: "record", record: { schema: 1, fleet: { name: "shop" } } });
  });

  it("reads the version history a deployment recorded, and an older record without it as not known", () => {
    const versions = { green: { version: "1.35", how: "upgraded" as const, from: "1.34", at: "2026-11-20" }, "green/general": { version: "1.35", how: "created" as const, at: "2026-11-01" } };
    const stored = sortedKeys(recordOf(validateFleet(migrationFleet(), { today: TODAY }).fleet!, versions));
    const reading = readDeploymentRecord(stored);
    if (reading.kind !== "record") throw new Error(reading.kind);
    expect(reading.record.versions).toEqual(versions);
    const old = readDeploymentRecord({ schema: 1, fleet: { name: "shop" } });
    expect(old).toEqual({ kind: "record", record: { schema: 1, fleet: { name: "shop" } } });
  });

  it("refuses a version history it cannot read rather than judge a rollback on a guess", () => {
    const reading = readDeploymentRecord({ schema: 1, fleet: { name: "shop" }, versions: { green: { version: "1.35", how: "moved", at: "last week" } } });
    expect(reading).toMatchObject({ kind: "unreadable", problem: { rule: "deployment-record-unreadable" } });
    if (reading.kind === "unreadable") expect(reading.problem.message).toContain("versions.green.how");
  });

  it("refuses a record a newer baton wrote, naming the schema and the fix", () => {
    const reading = readDeploymentRecord({ schema: 2, fleet: { name: "shop" } });
    expect(reading).toMatchObject({ kind: "unreadable", problem: { rule: "deployment-record-newer", path: "stack output deploymentRecord.schema", value: 2 } });
  });

  it.each([["a string", "fleet"], ["no fleet", { schema: 1 }], ["a list for a fleet", { schema: 1, fleet: [] }], ["no schema", { fleet: {} }], ["schema 0", { schema: 0, fleet: {} }]])(
    "refuses %s rather than judge against a guess", (_what, value) => {
      expect(readDeploymentRecord(value)).toMatchObject({ kind: "unreadable", problem: { severity: "error", rule: "deployment-record-unreadable", path: "stack output deploymentRecord" } });
    });
});
