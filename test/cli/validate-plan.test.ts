import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { edit, migrationFleet } from "../support/fleets.js";
import { packagesReached } from "../support/import-graph.js";
import { captureIo } from "../support/io.js";
import { runBaton as run, writeStackFile } from "../support/cli.js";

const root = path.resolve(__dirname, "../..");
const stacks = (name: string) => path.join(root, "stacks", name);
const dir = mkdtempSync(path.join(tmpdir(), "baton-cli-"));
const stackFile = (name: string, fleet: unknown) => writeStackFile(dir, name, fleet);

describe("baton validate", () => {
  it("exits 0 on the example stacks, printing warnings without failing", async () => {
    const result = await run("validate", stacks("Pulumi.dev.yaml"));
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain("valid: fleet dev, 1 cluster(s), 1 service(s)");
    expect((await run("validate", stacks("Pulumi.migration.yaml"))).code).toBe(0);
  });

  it("exits 1 with every problem on stderr", async () => {
    const file = stackFile("bad.yaml", edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 0, green: 0 }; f.clusters.blue.version = "1.29"; }));
    const result = await run("validate", file);
    expect(result.code).toBe(1);
    expect(result.err).toContain("error baton:fleet.services.web.weights");
    expect(result.err).toContain("[weights-all-zero]");
    expect(result.err).toContain("[eks-version-supported]");
    expect(result.err).toContain("invalid: 2 error(s)");
  });

  it("exits 2 on a missing file or YAML that does not parse", async () => {
    expect((await run("validate", path.join(dir, "missing.yaml"))).code).toBe(2);
    const file = path.join(dir, "broken.yaml");
    writeFileSync(file, "config:\n  baton:fleet: [unclosed\n");
    const result = await run("validate", file);
    expect(result.code).toBe(2);
    expect(result.err).toContain("[yaml-syntax]");
  });

  it("names a misspelt baton:fleet key with the key it meant", async () => {
    const file = path.join(dir, "flet.yaml");
    writeFileSync(file, "config:\n  aws:region: us-east-1\n  baton:flet:\n    name: shop\n");
    const result = await run("validate", file);
    expect(result.code).toBe(1);
    expect(result.err).toContain('error config.baton:flet = "baton:flet"');
    expect(result.err).toContain('fix: Did you mean "baton:fleet"? Rename the key.');
    expect((await run("plan", file, "--from", file)).err).toContain('has "baton:flet". Did you mean "baton:fleet"?');
  });

  it("exits 2 on bad usage", async () => {
    expect((await run("validate")).code).toBe(2);
    expect((await run("frobnicate")).code).toBe(2);
  });
});

describe("baton plan", () => {
  it("prints the classified changes with their rollback and exits 0 when allowed", async () => {
    const after = stackFile("after.yaml", edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; }));
    const result = await run("plan", after, "--from", stacks("Pulumi.migration.yaml"));
    expect(result.code).toBe(0);
    expect(result.out).toContain("allowed: 1 change(s)");
    expect(result.out).toContain("traffic-shift shift web: { blue: 90, green: 10 } → { blue: 50, green: 50 }");
    expect(result.out).toContain("baton:fleet.services.web.weights: { blue: 90, green: 10 }");
  });

  it("exits 1 and names the rule when a change is refused; --json gives the same plan", async () => {
    const after = stackFile("skip.yaml", edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.35"; }));
    const text = await run("plan", after, "--from", stacks("Pulumi.migration.yaml"));
    expect(text.code).toBe(1);
    expect(text.out).toContain("refused: control-plane-skip-minor");
    const json = await run("plan", "--json", after, "--from", stacks("Pulumi.migration.yaml"));
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ allowed: false, refusedRules: ["control-plane-skip-minor"] });
  });
});

describe("baton plan's argument order: the proposed config, then the deployed one after --from", () => {
  const shifted = () => stackFile("shifted.yaml", edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; }));

  it("names which file it judged as deployed", async () => {
    const after = shifted();
    const result = await run("plan", after, "--from", stacks("Pulumi.migration.yaml"));
    expect(result.out.split("\n")[0]).toBe(`plan of ${after} against ${stacks("Pulumi.migration.yaml")} (deployed)`);
    expect(result.err).toBe("");
  });

  it("needs --from, and says how to write it", async () => {
    const result = await run("plan", shifted());
    expect(result.code).toBe(2);
    expect(result.err).toContain("plan needs the deployed config");
    expect(result.err).toContain("--from <deployed-config>");
  });

  it("still runs the older `plan <before> <after>`, saying it is deprecated and which file it read as which", async () => {
    const after = shifted();
    const old = await run("plan", stacks("Pulumi.migration.yaml"), after);
    const current = await run("plan", after, "--from", stacks("Pulumi.migration.yaml"));
    expect(old.code).toBe(0);
    expect(old.out).toBe(current.out);
    expect(old.err).toContain("`plan <before> <after>` is deprecated");
    expect(old.err).toContain(`write: baton plan ${after} --from ${stacks("Pulumi.migration.yaml")}`);
    expect((await run("plan", stacks("Pulumi.migration.yaml"), after, "--from", after)).code).toBe(2);
  });

  it("asks whether the files are swapped when the change is a refused downgrade that is allowed the other way round", async () => {
    const upgraded = stackFile("upgraded.yaml", edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.34"; }));
    const deployed = stacks("Pulumi.migration.yaml");
    const swapped = await run("plan", deployed, "--from", upgraded);
    expect(swapped.code).toBe(1);
    // Read as a rollback, it goes back in one step with its node group still at 1.34: refused.
    expect(swapped.out).toContain("refused: rollback-nodegroups-first");
    expect(swapped.err).toContain("this change moves cluster blue down from 1.34 to 1.33, and the other way round it is allowed");
    expect(swapped.err).toContain("If you mean to roll back an in-place upgrade: roll its node groups back to 1.33 first, in their own change, then the control plane.");
    expect(swapped.err).toContain(`baton plan ${upgraded} --from ${deployed}`);
    // The right way round: allowed, and no word about swapping.
    const right = await run("plan", upgraded, "--from", deployed);
    expect(right.code).toBe(0);
    expect(right.err).toBe("");
  });

  it("says nothing of swapping when a downgrade is refused either way round", async () => {
    // 1.33 → 1.35 skips a minor: the swapped 1.35 → 1.33 is refused, and so is the other way.
    const skipped = stackFile("skipped.yaml", edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.35"; }));
    const result = await run("plan", stacks("Pulumi.migration.yaml"), "--from", skipped);
    expect(result.code).toBe(1);
    expect(result.out).toContain("control-plane-downgrade");
    expect(result.err).not.toContain("swapped");
  });
});

describe("the installed bin", () => {
  const bin = path.join(root, "bin", "baton.js");
  beforeAll(() => {
    // `npm ci` builds dist/ through the prepare script; build here when a developer has not.
    if (!existsSync(path.join(root, "dist", "src", "cli", "main.js"))) execFileSync("npm", ["run", "build"], { cwd: root });
  });

  it("prints --version and --help, without colour under NO_COLOR", () => {
    const version = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = spawnSync(process.execPath, [bin, "validate", "--help"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" } });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: baton validate");
    const invalid = spawnSync(process.execPath, [bin, "validate", path.join(dir, "bad.yaml")], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" } });
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).not.toMatch(/\u001b\[/);
  });
});

describe("start-up", () => {
  it("`baton --help` loads only the CLI library and colours: every command loads its own weight when it runs", () => {
    const reached = [...packagesReached(path.join(root, "src/cli/main.ts"))].filter((p) => !p.startsWith("node:")).sort();
    expect(reached).toEqual(["commander", "picocolors"]);
  });
});
