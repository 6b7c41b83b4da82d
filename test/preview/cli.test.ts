import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/io.js";

Error.stackTraceLimit = 0;

const repo = path.resolve(__dirname, "../..");
const stack = (name: string) => path.join(repo, "stacks", name);
/** A `pulumi preview --json` of the migration's 90/10 → 50/50 step, shipped with the repository. */
const sample = path.join(repo, "examples/previews/shift.json");
// The preview's part cache goes to a scratch folder, not into the project.
const cacheDir = mkdtempSync(path.join(tmpdir(), "baton-cli-cache-"));
const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(["node", "baton", ...args, "--today", "2026-11-23", ...(args[0] === "preview" ? ["--cache-dir", cacheDir] : [])], io);
  return { code, out: io.stdout(), err: io.stderr() };
};

describe("baton preview", () => {
  it("previews the example pair as JSON: the head's resources and one listener-rule update", async () => {
    const { code, out } = await run("preview", stack("Pulumi.migration-next.yaml"), "--from", stack("Pulumi.migration.yaml"), "--format", "json");
    expect(code).toBe(0);
    const json = JSON.parse(out) as {
      offline: boolean; resources: { urn: string; type: string; name: string; dependencies: string[] }[]; changes: { op: string; type: string }[]; plan: { allowed: boolean };
    };
    expect(json.offline).toBe(true);
    expect(json.plan.allowed).toBe(true);
    expect(json.resources.length).toBeGreaterThan(40);
    // Each resource carries what the engine orders it after: green's binding waits for green's controller.
    const urn = (type: string, name: string) => json.resources.find((r) => r.type === type && r.name === name)!.urn;
    const binding = json.resources.find((r) => r.name === "shop-web-green" && r.type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")!;
    expect(binding.dependencies).toContain(urn("kubernetes:helm.sh/v3:Release", "shop-green-lbc"));
    expect(json.changes.filter((c) => c.op !== "same")).toEqual([
      { type: "aws:lb/listenerRule:ListenerRule", name: "shop-web", op: "update", paths: ["actions[0].forward.targetGroups[0].weight", "actions[0].forward.targetGroups[1].weight"] },
    ]);
  });

  it("captures by part and reuses the parts a second run finds in the cache", async () => {
    const args = ["preview", stack("Pulumi.migration-next.yaml"), "--from", stack("Pulumi.migration.yaml"), "--format", "markdown", "--cache-stats"];
    const first = await run(...args);
    const second = await run(...args);
    expect(second.code).toBe(0);
    expect(second.out).toBe(first.out);
    expect(second.err).toMatch(/baton: (\d+) part\(s\): \1 from the cache \(.*\), 0 captured/);
  });

  it("without a cache key to trust, reads and writes no cache and gives the review --no-cache gives", async () => {
    const args = ["preview", stack("Pulumi.migration-next.yaml"), "--from", stack("Pulumi.migration.yaml"), "--format", "markdown", "--cache-stats"];
    const saved = { key: process.env["BATON_CACHE_KEY"], state: process.env["XDG_STATE_HOME"] };
    // No BATON_CACHE_KEY, and a state folder under a file, where no key can be made.
    const blocked = path.join(mkdtempSync(path.join(tmpdir(), "baton-no-key-")), "file");
    writeFileSync(blocked, "");
    delete process.env["BATON_CACHE_KEY"];
    process.env["XDG_STATE_HOME"] = blocked;
    let keyless;
    try {
      keyless = await run(...args);
    } finally {
      process.env["BATON_CACHE_KEY"] = saved.key;
      if (saved.state === undefined) delete process.env["XDG_STATE_HOME"];
      else process.env["XDG_STATE_HOME"] = saved.state;
    }
    const io = captureIo();
    expect(await main(["node", "baton", ...args, "--no-cache", "--today", "2026-11-23"], io)).toBe(0);
    expect(keyless.code).toBe(0);
    expect(keyless.out).toBe(io.stdout());
    expect(keyless.err).toContain(`baton: not using the preview cache: cannot make ${path.join(blocked, "baton")} for the cache key`);
    expect(keyless.err).toMatch(/baton: (\d+) part\(s\): 0 from the cache \(not used: no cache key\), \1 captured/);
  });

  it("without --from, everything is a create", async () => {
    const { code, out } = await run("preview", stack("Pulumi.dev.yaml"), "--format", "markdown");
    expect(code).toBe(0);
    expect(out).toMatch(/Other resources: 0 update\(s\), \d+ create\(s\), 0 unchanged/);
    expect(out).toContain("### ✅ baton: valid (no base config: only the proposed config is checked)");
  });

  it("the text output lists what is created, as the comment does", async () => {
    const { code, out } = await run("preview", stack("Pulumi.dev.yaml"));
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toBe("valid (no base config: only the proposed config is checked)");
    expect(out).toMatch(/^ {2}create eks\.Cluster \S+$/m);
    expect(out).toMatch(/^ {2}create eks\.NodeGroup \S+$/m);
  });

  it("exits 2 on a missing file or a bad format, naming what is wrong", async () => {
    expect((await run("preview", "nope.yaml")).err).toContain("cannot read nope.yaml: no such file");
    expect((await run("preview", "nope.yaml")).code).toBe(2);
    const bad = await run("preview", stack("Pulumi.dev.yaml"), "--format", "html");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--format must be one of text, json, markdown, got "html"');
  });
});

describe("baton comment", () => {
  it("renders the comment from a real preview", async () => {
    const { code, out } = await run("comment", sample);
    expect(code).toBe(0);
    expect(out).toContain("<!-- baton-preview -->");
    expect(out).toContain("| update | lb.ListenerRule | `shop-web` | actions[0].forward.targetGroups[0].weight, actions[0].forward.targetGroups[1].weight |");
    expect(out).toContain("Rendered from `pulumi preview --json`");
  });

  it("exits 2 on a file that is not a preview", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-comment-"));
    const file = path.join(dir, "x.json");
    writeFileSync(file, JSON.stringify({ hello: "world" }));
    const { code, err } = await run("comment", file);
    expect(code).toBe(2);
    expect(err).toContain('has no "steps" array; produce it with `pulumi preview --json > preview.json`');
    writeFileSync(file, "not json");
    expect((await run("comment", file)).err).toMatch(/is not JSON/);
  });

  it("with --from and --to, gives the verdict and refuses an unsafe fleet change with exit 1", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-comment-"));
    const head = path.join(dir, "head.yaml");
    // green takes traffic in the same change that builds it: refused by the spec.
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(stack("Pulumi.migration.yaml"), "utf8");
    writeFileSync(head, text.replace(/      green:\n        version: "1.35"/, '      teal:\n        version: "1.35"').replace("weights: { blue: 90, green: 10 }", "weights: { blue: 90, teal: 10 }").replace("weights: { blue: 100, green: 0 }", "weights: { blue: 100 }").replace(/            green: \{ dnsName.*\n/, ""));
    const { code, out } = await run("comment", sample, "--from", stack("Pulumi.migration.yaml"), "--to", head);
    expect(code).toBe(1);
    expect(out).toMatch(/⛔ baton: refused: .*new-cluster-weighted/);
  });

  it("asks whether --from and --to are swapped when they turn an upgrade into a refused downgrade", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-comment-"));
    const upgraded = path.join(dir, "upgraded.yaml");
    const { readFileSync } = await import("node:fs");
    writeFileSync(upgraded, readFileSync(stack("Pulumi.migration.yaml"), "utf8").replace('version: "1.33"', 'version: "1.34"'));
    const swapped = await run("comment", sample, "--from", upgraded, "--to", stack("Pulumi.migration.yaml"));
    expect(swapped.code).toBe(1);
    expect(swapped.err).toContain("this change moves cluster blue down from 1.34 to 1.33");
    expect(swapped.err).toContain(`--from names the deployed config, --to the proposed one: baton comment ${sample} --from ${stack("Pulumi.migration.yaml")} --to ${upgraded}`);
    const right = await run("comment", sample, "--from", stack("Pulumi.migration.yaml"), "--to", upgraded);
    expect(right.code).toBe(0);
    expect(right.err).toBe("");
  });
});
