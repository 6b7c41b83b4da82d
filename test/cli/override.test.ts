/**
 * `baton plan` and `baton preview` read `baton:override` from the proposed stack config and let
 * through what `pulumi up` of that config would: the same refusals, shown as warnings with their reason.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { runBaton as run, writeStackFile } from "../support/cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-override-"));
const reason = "blue runs 1.34 already: upgraded by hand during incident 812";
const override = { rule: "control-plane-skip-minor", path: "baton:fleet.clusters.blue.version", reason };
const skip = edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.35"; });

const deployed = writeStackFile(dir, "deployed.yaml", migrationFleet());
const refused = writeStackFile(dir, "skip.yaml", skip);
const overridden = path.join(dir, "skip-override.yaml");
writeFileSync(overridden, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": skip, "baton:override": [override] } }));

describe("baton plan", () => {
  it("refuses the skip without an override", async () => {
    const result = await run("plan", refused, "--from", deployed, "--today", TODAY);
    expect(result.code).toBe(1);
    expect(result.out).toContain("refused: control-plane-skip-minor");
  });

  it("lets it through with the proposed config's override, printing the reason", async () => {
    const result = await run("plan", overridden, "--from", deployed, "--today", TODAY);
    expect(result.code, result.out + result.err).toBe(0);
    expect(result.out).toContain("allowed: ");
    expect(result.out).toContain("warning baton:fleet.clusters.blue.version = \"1.35\"");
    expect(result.out).toContain(`Overridden by baton:override (reason: ${reason})`);
  });

  it("refuses the same override once the change is deployed", async () => {
    const result = await run("plan", overridden, "--from", refused, "--today", TODAY, "--json");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ allowed: false, refusedRules: ["override-unused"] });
  });
});

describe("baton preview", () => {
  it("shows the overridden refusal as a warning in the review, and the record the stack would leave", async () => {
    const result = await run("preview", overridden, "--from", deployed, "--today", TODAY, "--format", "json", "--whole-program");
    expect(result.code, result.err).toBe(0);
    const json = JSON.parse(result.out) as {
      verdict: { allowed: boolean; warnings: Array<{ rule: string; overridden?: boolean; message: string }> };
      stackOutputs?: { deploymentRecord?: { schema: number; fleet: { clusters: { blue: { version: string } } } } };
    };
    expect(json.verdict.allowed).toBe(true);
    expect(json.verdict.warnings).toContainEqual(expect.objectContaining({ rule: "control-plane-skip-minor", overridden: true, message: expect.stringContaining(reason) }));
    expect(json.stackOutputs?.deploymentRecord).toMatchObject({ schema: 1, fleet: { clusters: { blue: { version: "1.35" } } } });
  });
});
