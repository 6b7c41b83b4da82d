/**
 * Progress goes to standard error, redrawn in place, only when standard error is a terminal and
 * `CI` is unset. The CLI runs in a child process under a pseudo-terminal (util-linux `script`),
 * its standard output sent to a file, and again on plain pipes: what standard output carries is
 * the same either way.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { startProgress } from "../../src/cli/progress.js";
import type { Io } from "../../src/cli/io.js";

const ROOT = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "baton-progress-"));
// --no-cache: every part is captured (and nothing is written into the repository).
const PREVIEW = ["preview", "examples/walkthrough/3-green-50.yaml", "--from", "examples/walkthrough/3-green-10.yaml", "--format", "markdown", "--today", "2026-11-23", "--no-cache"];
const WHOLE = [...PREVIEW.filter((a) => a !== "--no-cache"), "--whole-program"];
const cli = (args: readonly string[]) => [process.execPath, "--import", "tsx", path.join(ROOT, "test/support/baton-cli.ts"), ...args];
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const env = (extra: Record<string, string> = {}) => {
  const e: Record<string, string | undefined> = { ...process.env, ...extra };
  if (!("CI" in extra)) delete e["CI"];
  delete e["NO_COLOR"];
  return e as NodeJS.ProcessEnv;
};

/** The command under a pseudo-terminal, its stdout to `out`: returns what reached the terminal (its stderr). */
function underTerminal(args: readonly string[], out: string, extra: Record<string, string> = {}): string {
  // A fresh pseudo-terminal has no size; a real one does, and log-update fits the panel to it.
  const command = `stty cols 200 rows 40; ${cli(args).map(quote).join(" ")} > ${quote(out)}`;
  return execFileSync("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: ROOT, env: env(extra), encoding: "utf8", timeout: 120_000 });
}

const hasScript = spawnSync("script", ["--version"]).status === 0;

describe.runIf(hasScript)("baton preview's progress", () => {
  let piped: { stdout: string; stderr: string };
  beforeAll(() => {
    const r = spawnSync(cli(PREVIEW)[0]!, cli(PREVIEW).slice(1), { cwd: ROOT, env: env(), encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    piped = { stdout: r.stdout, stderr: r.stderr };
  }, 180_000);

  it("on a terminal: parts captured of the total on stderr, redrawn in place; stdout as on a pipe", () => {
    const out = path.join(dir, "parts.md");
    const terminal = underTerminal(PREVIEW, out);
    const total = /preview: 0 of (\d+) part\(s\) captured/.exec(terminal);
    expect(total, terminal.slice(0, 2000)).not.toBeNull();
    expect(terminal).toMatch(new RegExp(`preview: ${total![1]} of ${total![1]} part\\(s\\) captured · diffing`));
    expect(terminal).toContain("\u001B[2K");
    expect(readFileSync(out, "utf8")).toBe(piped.stdout);
  }, 180_000);

  it("with --whole-program: which config is being captured", () => {
    const out = path.join(dir, "terminal.md");
    const terminal = underTerminal(WHOLE, out);
    expect(terminal).toMatch(/preview: 0 of 2 config\(s\) captured · capturing the base config · \d+s/);
    expect(terminal).toMatch(/preview: 1 of 2 config\(s\) captured · capturing the proposed config · \d+s/);
    expect(terminal).toMatch(/preview: 2 of 2 config\(s\) captured · diffing · \d+s/);
    // Redrawn in place: log-update erases the previous frame's line before drawing the next.
    expect(terminal).toContain("\u001B[2K");
    expect(readFileSync(out, "utf8")).toBe(piped.stdout);
  }, 180_000);

  it("on a pipe: no progress at all", () => {
    expect(piped.stderr).not.toContain("preview:");
    expect(piped.stderr).not.toContain("\u001B[");
    expect(piped.stdout).toMatch(/^<!-- baton-preview -->/);
  });

  it("on a terminal with CI set: no progress", () => {
    const out = path.join(dir, "ci.md");
    const terminal = underTerminal(PREVIEW, out, { CI: "true" });
    expect(terminal).not.toContain("preview:");
    expect(readFileSync(out, "utf8")).toBe(piped.stdout);
  }, 180_000);
});

describe.runIf(hasScript)("baton upgrade-plan's progress while it checks manifests", () => {
  it("shows on a terminal's stderr only; stdout as on a pipe", () => {
    // A manifest with no finding: the plan is ready, so the command exits 0 under the pseudo-terminal too.
    const manifest = path.join(dir, "config.yaml");
    writeFileSync(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\n");
    const args = ["upgrade-plan", "stacks/Pulumi.migration.yaml", "--to", "1.35", "--today", "2026-11-23", "--manifests", manifest, "--format", "json"];
    const out = path.join(dir, "plan.json");
    const terminal = underTerminal(args, out);
    expect(terminal).toMatch(/upgrade-plan: checking 1 manifest file\(s\) against each version the plan moves to · \d+s/);
    const piped = spawnSync(cli(args)[0]!, cli(args).slice(1), { cwd: ROOT, env: env(), encoding: "utf8", timeout: 120_000 });
    expect(piped.stderr).not.toContain("upgrade-plan:");
    expect(readFileSync(out, "utf8")).toBe(piped.stdout);
    expect(JSON.parse(piped.stdout)).toMatchObject({ method: "in-place", to: "1.35" });
  }, 180_000);
});

/** A stand-in terminal stream that records what is written to it. */
function fakeTerminal() {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 30 });
  const chunks: string[] = [];
  stream.on("data", (c: Buffer) => chunks.push(String(c)));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join("") };
}

describe("the progress panel", () => {
  const io = (stderrTerminal?: NodeJS.WriteStream): Io => ({ out: () => {}, err: () => {}, color: false, stdin: () => "", ...(stderrTerminal ? { stderrTerminal } : {}) });

  it("is drawn as a function of the elapsed time, lifted for lines that stay, erased at the end", async () => {
    const t = fakeTerminal();
    let now = 0;
    const progress = await startProgress(io(t.stream), () => now);
    progress.show((elapsed) => `bake ${elapsed / 1000}s`);
    now = 3000;
    const printed: string[] = [];
    progress.print(() => printed.push("a line that stays"));
    progress.stop();
    await new Promise((r) => setImmediate(r));
    const text = t.text();
    expect(text.indexOf("bake 0s")).toBeLessThan(text.indexOf("bake 3s"));
    expect(printed).toEqual(["a line that stays"]);
    // After stop nothing is drawn again.
    progress.show(() => "late");
    expect(t.text()).not.toContain("late");
  });

  it("without a terminal does nothing but run the lines that stay", async () => {
    const progress = await startProgress(io());
    const printed: string[] = [];
    progress.show(() => "never drawn");
    progress.print(() => printed.push("x"));
    progress.stop();
    expect(printed).toEqual(["x"]);
  });
});
