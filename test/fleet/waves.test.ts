/**
 * `baton:wave`: the order a fleet of stacks is upgraded in, read from each stack file next to
 * `baton:fleet`, with the same bounds and messages as any other input.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { byWave, checkWave, groupByWave } from "../../src/fleet/waves.js";
import { migrationFleet } from "../support/fleets.js";
import { runBaton } from "../support/cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-waves-"));
const stackText = (wave: unknown) => stringify({ config: { "aws:region": "us-east-1", "baton:wave": wave, "baton:fleet": migrationFleet() } });

describe("baton:wave", () => {
  it("is a whole number from 0 to 999, written as a number or as the string pulumi config set writes", () => {
    expect(checkWave(undefined)).toEqual({ problems: [] });
    expect(checkWave(0).wave).toBe(0);
    expect(checkWave(12).wave).toBe(12);
    expect(checkWave("3").wave).toBe(3);
    expect(checkWave(999).wave).toBe(999);
    for (const bad of [-1, 1.5, 1000, "two", "", "1e3", true, [1], { wave: 1 }, Number.NaN]) {
      const check = checkWave(bad);
      expect(check.wave).toBeUndefined();
      expect(check.problems).toHaveLength(1);
      expect(check.problems[0]).toMatchObject({ severity: "error", rule: "invalid-wave", path: "baton:wave", value: bad });
      expect(check.problems[0]!.fix).toMatch(/baton:wave: 0 for the first wave/);
    }
  });

  it("is read from the stack file beside the fleet; a bad one is a problem while the fleet is still read", () => {
    expect(parseStackConfig(stackText(2), "Pulumi.prod.yaml")).toMatchObject({ wave: 2, waveProblems: [], problems: [] });
    const bad = parseStackConfig(stackText(-3), "Pulumi.prod.yaml");
    expect(bad.wave).toBeUndefined();
    expect(bad.fleet).toBeDefined();
    expect(bad.waveProblems[0]).toMatchObject({ rule: "invalid-wave", value: -3 });
    const none = parseStackConfig(stringify({ config: { "baton:fleet": migrationFleet() } }), "f");
    expect(none.wave).toBeUndefined();
    expect(none.waveProblems).toEqual([]);
  });

  it("orders stacks: lower waves first, a stack without a wave last, then by name", () => {
    const stacks = [{ name: "eu", wave: 1 }, { name: "us" }, { name: "canary", wave: 0 }, { name: "ap", wave: 1 }, { name: "dev" }];
    expect([...stacks].sort(byWave).map((s) => s.name)).toEqual(["canary", "ap", "eu", "dev", "us"]);
    expect(groupByWave(stacks).map((w) => [w.wave, w.stacks.map((s) => s.name)])).toEqual([
      [0, ["canary"]], [1, ["ap", "eu"]], [undefined, ["dev", "us"]],
    ]);
  });

  it("baton validate reports a bad wave with its path, value, rule and fix, beside the fleet's own problems", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, stackText("second"));
    const r = await runBaton("validate", file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error baton:wave = "second"');
    expect(r.err).toContain("[invalid-wave]");
    writeFileSync(file, stackText(4));
    expect((await runBaton("validate", file)).code).toBe(0);
  });
});
