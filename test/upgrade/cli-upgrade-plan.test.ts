import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { StepFilesWriteError, writeStepFiles } from "../../src/cli/step-files.js";
import { edit, migrationFleet, migrationWithoutGreen, TODAY } from "../support/fleets.js";
import { captureIo } from "../support/io.js";
import { runBaton as run } from "../support/cli.js";

const root = path.resolve(__dirname, "../..");
const stacks = (name: string) => path.join(root, "stacks", name);
const dir = mkdtempSync(path.join(tmpdir(), "baton-upgrade-"));


describe("baton upgrade-plan", () => {
  it("writes each step as a stack file that baton plan allows from the one before, original first", async () => {
    const out = path.join(dir, "in-place");
    const result = await run("upgrade-plan", stacks("Pulumi.migration.yaml"), "--to", "1.35", "--today", TODAY, "--out", out);
    expect(result.code).toBe(0);
    const files = readdirSync(out).filter((f) => f.endsWith(".yaml")).sort();
    expect(files).toEqual(["01-upgrade-blue-to-1-34.yaml", "02-upgrade-blue-to-1-35.yaml"]);
    expect(readdirSync(path.join(out, "rollback")).sort()).toEqual([
      "01-upgrade-blue-to-1-34.rollback-1-of-2.yaml", "01-upgrade-blue-to-1-34.rollback-2-of-2.yaml",
      "02-upgrade-blue-to-1-35.rollback-1-of-2.yaml", "02-upgrade-blue-to-1-35.rollback-2-of-2.yaml",
    ]);
    let previous = stacks("Pulumi.migration.yaml");
    for (const file of files) {
      const verdict = await run("plan", path.join(out, file), "--from", previous);
      expect(verdict.code, file).toBe(0);
      previous = path.join(out, file);
    }
    expect(readFileSync(path.join(out, files[1]!), "utf8")).toContain("# A blue/green migration from Kubernetes 1.33 to 1.35");
    // Step 2's rollback: node group first (allowed from step 2's file), then the control plane,
    // which leaves the fleet as step 1 left it.
    const rollback = (n: number) => path.join(out, "rollback", `02-upgrade-blue-to-1-35.rollback-${n}-of-2.yaml`);
    const first = await run("plan", rollback(1), "--from", path.join(out, files[1]!), "--today", TODAY);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain("roll back node group blue/general from 1.35 to 1.34");
    const second = await run("plan", rollback(2), "--from", rollback(1), "--today", TODAY);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain("roll control plane blue back from Kubernetes 1.35 to 1.34");
    expect((await run("plan", rollback(2), "--from", path.join(out, files[0]!), "--today", TODAY)).out).toContain("no changes");
    expect(readFileSync(rollback(2), "utf8")).toContain("# A blue/green migration from Kubernetes 1.33 to 1.35");
    // A second run into the same folder would mix two plans' files: refused, nothing overwritten.
    const again = await run("upgrade-plan", stacks("Pulumi.migration.yaml"), "--to", "1.35", "--today", TODAY, "--out", out);
    expect(again.code).toBe(2);
    expect(again.err).toContain("already holds step files");
  });

  it("compares the methods as JSON, one folder of files per method", async () => {
    const out = path.join(dir, "compare");
    const result = await run("upgrade-plan", stacks("Pulumi.dev.yaml"), "--to", "1.35", "--today", TODAY, "--method", "compare", "--format", "json", "--out", out);
    expect(result.code).toBe(0);
    const data = JSON.parse(result.out) as { to: string; methods: { method: string; ok: boolean; steps: { file: string; estimate: { minutes: number } }[]; totals: { steps: number } }[] };
    expect(data.to).toBe("1.35");
    expect(data.methods.map((m) => [m.method, m.ok, m.totals.steps])).toEqual([["in-place", true, 1], ["node-group", true, 4], ["blue-green", true, 6]]);
    expect(readdirSync(path.join(out, "blue-green"))).toHaveLength(6);
    expect(data.methods[0]!.steps[0]).toMatchObject({ file: "01-upgrade-main-to-1-35.yaml" });
  });

  it("--method compare --out writes every method's files or none: a refused folder stops it before the first file", async () => {
    const out = path.join(dir, "compare-stale");
    mkdirSync(path.join(out, "blue-green"), { recursive: true });
    writeFileSync(path.join(out, "blue-green", "01-old-plan.yaml"), "# an earlier plan\n");
    const result = await run("upgrade-plan", stacks("Pulumi.dev.yaml"), "--to", "1.35", "--today", TODAY, "--method", "compare", "--out", out);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--out ${path.join(out, "blue-green")} already holds step files (01-old-plan.yaml)`);
    // The in-place and node-group plans come first, and were not written either.
    expect(readdirSync(out)).toEqual(["blue-green"]);
    expect(readdirSync(path.join(out, "blue-green"))).toEqual(["01-old-plan.yaml"]);
  });

  it("--out on a dangling symbolic link says so, and writes nothing", async () => {
    const out = path.join(dir, "dangling");
    symlinkSync(path.join(dir, "nowhere", "plans"), out);
    const result = await run("upgrade-plan", stacks("Pulumi.migration.yaml"), "--to", "1.35", "--today", TODAY, "--out", out);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`baton: --out ${out} is a symbolic link to ${path.join(dir, "nowhere", "plans")}, which does not exist; point --out at a folder, or create the link's target first`);
    expect(result.err).not.toContain("ENOENT");
  });

  it("a write that fails part-way leaves none of the run's step files", () => {
    const out = path.join(dir, "partial");
    const folders = [
      { dir: path.join(out, "in-place"), files: [{ name: "01-a.yaml", text: "a: 1\n" }] },
      // A name no file system takes: the second folder's write fails after the first one's.
      { dir: path.join(out, "blue-green"), files: [{ name: `01-${"x".repeat(300)}.yaml`, text: "b: 1\n" }] },
    ];
    expect(() => writeStepFiles(out, folders)).toThrow(StepFilesWriteError);
    expect(() => writeStepFiles(out, folders)).toThrow(/no step file was written/);
    expect(existsSync(out)).toBe(false);
    mkdirSync(out);
    expect(() => writeStepFiles(out, folders)).toThrow(StepFilesWriteError);
    expect(readdirSync(out)).toEqual([]);
  });

  it("exits 1 and writes nothing when the spec refuses a step on the way", async () => {
    const fleet = edit(migrationFleet(), (f) => {
      for (const name of ["c1", "c2", "c3"]) f.clusters[name] = structuredClone(f.clusters.green);
      f.services.web.weights = { blue: 90, green: 10, c1: 0, c2: 0, c3: 0 };
      for (const name of ["green", "c1", "c2", "c3"]) f.clusters[name].version = "1.34";
    });
    const file = path.join(dir, "five.yaml");
    writeFileSync(file, stringify({ config: { "baton:fleet": fleet } }));
    const out = path.join(dir, "refused");
    const result = await run("upgrade-plan", file, "--to", "1.35", "--today", TODAY, "--method", "blue-green", "--out", out);
    expect(result.code).toBe(1);
    expect(result.out).toContain("alb-target-group-limit");
    expect(result.err).toContain("no file written");
  });

  it("refuses bad arguments with exit 2 before planning", async () => {
    const migration = stacks("Pulumi.migration.yaml");
    expect(await run("upgrade-plan", migration, "--to", "1.35", "--today", "2027-02-30")).toMatchObject({ code: 2, err: expect.stringContaining("is not a date") });
    expect(await run("upgrade-plan", migration, "--to", "1.99", "--today", TODAY)).toMatchObject({ code: 2, err: expect.stringContaining("EKS does not offer Kubernetes 1.99") });
    expect(await run("upgrade-plan", migration, "--to", "1.35", "--today", TODAY, "--steps", "50,10")).toMatchObject({ code: 2, err: expect.stringContaining("--steps must rise") });
    expect(await run("upgrade-plan", migration, "--to", "1.35", "--today", TODAY, "--new-cluster", "blue")).toMatchObject({ code: 2, err: expect.stringContaining("<old-cluster>=<new-cluster>") });
    expect(await run("upgrade-plan", path.join(dir, "missing.yaml"), "--to", "1.35")).toMatchObject({ code: 2 });
  });

  it("prints a tracking issue in markdown, with the manifests checked for each version", async () => {
    const manifest = path.join(dir, "flow.yaml");
    writeFileSync(manifest, "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n");
    const file = path.join(dir, "old.yaml");
    writeFileSync(file, stringify({ config: { "baton:fleet": edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.31"; }) } }));
    const result = await run("upgrade-plan", file, "--to", "1.32", "--today", TODAY, "--format", "markdown", "--manifests", manifest);
    // The method reaches 1.32, but a manifest would break there: not ready, exit 1.
    expect(result.code).toBe(1);
    expect(result.out).toContain("> ✏️ Not ready: needs attention: 1 manifest error(s) for 1.32");
    expect(result.out).toContain("- [ ] **1.** Upgrade blue's control plane from 1.31 to 1.32");
    expect(result.out).toContain("`baton check` for 1.32: 1 error(s)");
    const text = await run("upgrade-plan", file, "--to", "1.32", "--today", TODAY, "--manifests", manifest);
    expect(text.out.split("\n")[0]).toBe("upgrade plan: in place to 1.32 (needs attention: 1 manifest error(s) for 1.32; starting 2026-11-23)");
    expect(text.code).toBe(1);
  });

  it("says --out takes a folder when given a file, and leaves the file alone", async () => {
    const file = path.join(dir, "README.md");
    writeFileSync(file, "# notes\n");
    const result = await run("upgrade-plan", stacks("Pulumi.migration.yaml"), "--to", "1.35", "--today", TODAY, "--out", file);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--out ${file} is a file: --out takes a folder to write the step files into`);
    expect(result.err).not.toContain("EEXIST");
    expect(readFileSync(file, "utf8")).toBe("# notes\n");
    const under = await run("upgrade-plan", stacks("Pulumi.migration.yaml"), "--to", "1.35", "--today", TODAY, "--out", path.join(file, "steps"));
    expect(under.code).toBe(2);
    expect(under.err).toContain("cannot create the folder (a part of the path is a file)");
  });

  it("takes --manifests before the stack config without swallowing it, one path per flag, repeatable", async () => {
    const [first, second] = [path.join(dir, "m1"), path.join(dir, "m2")];
    for (const folder of [first, second]) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(first, "svc.yaml"), stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { ports: [{ port: 8080, targetPort: 9090 }] } }));
    writeFileSync(path.join(second, "flow.yaml"), "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n");
    const result = await run("upgrade-plan", "--manifests", first, "--manifests", second, stacks("Pulumi.migration.yaml"), "--to", "1.35", "--today", TODAY, "--format", "json");
    expect(result.err).toBe("");
    const planned = JSON.parse(result.out) as { steps: { checks?: { findings: { file: string }[] } }[] };
    expect(new Set(planned.steps[0]!.checks!.findings.map((f) => path.basename(f.file)))).toEqual(new Set(["svc.yaml", "flow.yaml"]));
  });

  it("checks manifests as `baton check --fleet` does: a Service the fleet binds that sends its port elsewhere is an error", async () => {
    const manifest = path.join(dir, "svc.yaml");
    writeFileSync(manifest, stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { selector: { app: "web" }, ports: [{ port: 8080, targetPort: 9090 }] } }));
    const result = await run("upgrade-plan", stacks("Pulumi.migration.yaml"), "--to", "1.35", "--today", TODAY, "--manifests", manifest, "--format", "json");
    expect(result.code).toBe(1);
    const planned = JSON.parse(result.out) as { status: string; steps: { checks?: { errors: number; findings: { rule: string }[] } }[] };
    expect(planned.status).toBe("needs-attention");
    expect(planned.steps[0]!.checks!.findings.map((f) => f.rule)).toContain("service-target-port");
  });

  it("calls a plan with a placeholder to fill in \"needs input\", exits 1, and every command refuses the step file until it is filled in", async () => {
    const file = path.join(dir, "no-green.yaml");
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": migrationWithoutGreen() } }));
    const out = path.join(dir, "needs-input");
    const result = await run("upgrade-plan", file, "--to", "1.35", "--today", TODAY, "--method", "blue-green", "--steps", "20,100", "--out", out);
    expect(result.code).toBe(1);
    expect(result.out.split("\n")[0]).toBe("upgrade plan: cluster blue/green to 1.35 (needs input: 1 placeholder(s) to fill in, in 3 step file(s); starting 2026-11-23)");
    expect(result.out).toContain("needs input: baton:fleet.services.api.route53.targets.green.dnsName = replace-with-green-load-balancer.invalid");
    expect(result.err).toContain("fill in replace-with-green-load-balancer.invalid (marked TODO) in the step files before applying them");
    // The files are written: the user fills the placeholder in, then applies them.
    const [created, shifted] = [path.join(out, "01-create-green-1-35.yaml"), path.join(out, "02-shift-green-20.yaml")];
    const validated = await run("validate", shifted, "--today", TODAY);
    expect(validated.code).toBe(1);
    expect(validated.err).toContain("error baton:fleet.services.api.route53.targets.green.dnsName = \"replace-with-green-load-balancer.invalid\"");
    expect(validated.err).toContain("fix: Write the DNS name of cluster green's load balancer for service api");
    const planned = await run("plan", shifted, "--from", created, "--today", TODAY);
    expect(planned.code).toBe(1);
    expect(planned.out).toContain("refused: placeholder-value");
    writeFileSync(shifted, readFileSync(shifted, "utf8").replace("replace-with-green-load-balancer.invalid", "k8s-shop-api-0123456789.us-east-1.elb.amazonaws.com"));
    expect((await run("plan", shifted, "--from", created, "--today", TODAY)).code).toBe(0);
    // compare: in place is ready, so the comparison exits 0 and says what blue/green needs.
    const compared = await run("upgrade-plan", file, "--to", "1.35", "--today", TODAY, "--method", "compare");
    expect(compared.code).toBe(0);
    expect(compared.out).toContain("cluster blue/green needs input: 1 placeholder(s) to fill in");
  });
});
