/**
 * Many stacks reviewed as one: `baton preview`, `baton plan` and `baton comment` on folders of
 * `Pulumi.<stack>.yaml`, paired by stack name. Waves order the stacks; a stack added or removed
 * is judged too; one refused stack refuses the whole, with the exit code of one stack.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { renderStackSetMarkdown } from "../../src/preview/render-stack-set.js";
import { buildReview } from "../../src/preview/review.js";
import { stackSetReview } from "../../src/preview/stack-set-review.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { runBaton } from "../support/cli.js";

Error.stackTraceLimit = 0;

const repo = path.resolve(__dirname, "../..");
const root = mkdtempSync(path.join(tmpdir(), "baton-many-"));
const base = path.join(root, "base");
const head = path.join(root, "head");
const cacheDir = path.join(root, "cache");
mkdirSync(base);
mkdirSync(head);

function stackFile(dir: string, stack: string, fleet: unknown, wave?: unknown): string {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", ...(wave !== undefined ? { "baton:wave": wave } : {}), "baton:fleet": fleet } }));
  return file;
}

const shifted = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; });
// blue still has web and api traffic in the base: deleting it in the same change is refused.
const blueDeleted = edit(migrationFleet(), (f) => {
  delete f.clusters.blue;
  f.services.web.weights = { green: 100 };
  f.services.api.weights = { green: 100 };
  if (f.services.api.routing === "route53") delete f.services.api.route53.targets.blue;
});
const noServices = edit(migrationFleet(), (f) => { f.services = {}; });

// canary (wave 0): a shift. eu (wave 1): refused. us (no wave): unchanged. new (wave 2): added.
// old: removed, serving nothing. ap (no valid wave): unchanged fleet, a wave that is not a number.
stackFile(base, "canary", migrationFleet(), 0);
stackFile(head, "canary", shifted, 0);
stackFile(base, "eu", migrationFleet(), 1);
stackFile(head, "eu", blueDeleted, 1);
stackFile(base, "us", migrationFleet());
stackFile(head, "us", migrationFleet());
stackFile(head, "new", edit(migrationFleet(), (f) => { f.name = "fresh"; }), "2");
stackFile(base, "old", noServices, 3);
stackFile(base, "ap", migrationFleet(), 1);
stackFile(head, "ap", migrationFleet(), "first");
// Not stack files: the project file and anything else are left alone.
writeFileSync(path.join(head, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
writeFileSync(path.join(head, "README.md"), "stacks\n");

const preview = (...args: string[]) => runBaton("preview", head, "--from", base, "--today", TODAY, "--cache-dir", cacheDir, ...args);

interface StackJson {
  stack: string; change: string; wave?: number; verdict: string; refusedRules: string[]; trafficMoves: string[]; irreversible: string[];
  headFile?: string; baseFile?: string; review: { changes: { op: string }[]; verdict: { allowed: boolean } | null };
}

describe("baton preview <head-dir> --from <base-dir>", () => {
  let json: { allowed: boolean; offline: boolean; stacks: StackJson[] };
  let code: number;

  beforeAll(async () => {
    const r = await preview("--format", "json", "--cache-stats");
    code = r.code;
    json = JSON.parse(r.out) as typeof json;
  }, 240_000);

  it("pairs every stack by name, added and removed included, in wave order (none last), and is refused when one stack is", () => {
    expect(code).toBe(1);
    expect(json.allowed).toBe(false);
    expect(json.offline).toBe(true);
    expect(json.stacks.map((s) => [s.stack, s.wave ?? null, s.change])).toEqual([
      ["canary", 0, "changed"], ["eu", 1, "changed"], ["new", 2, "added"], ["old", 3, "removed"], ["ap", null, "changed"], ["us", null, "unchanged"],
    ]);
  });

  it("judges each stack with the rules of one: the shift allowed, the deletion of a serving cluster refused", () => {
    const by = (name: string) => json.stacks.find((s) => s.stack === name)!;
    expect(by("canary")).toMatchObject({ verdict: "allowed", trafficMoves: ["web: blue 90% → 50%, green 10% → 50%"], irreversible: [] });
    expect(by("canary").review.changes.filter((c) => c.op !== "same")).toHaveLength(1);
    expect(by("eu")).toMatchObject({ verdict: "refused", refusedRules: ["decommission-weighted-cluster"], irreversible: ["cluster blue"] });
    // Added: the config alone, every resource a create. Removed: its whole fleet deleted, allowed as it serves nothing.
    expect(by("new").verdict).toBe("valid");
    expect(by("new").review.changes.every((c) => c.op === "create")).toBe(true);
    expect(by("old").verdict).toBe("allowed");
    expect(by("old").irreversible).toEqual(["cluster blue", "cluster green"]);
    expect(by("old").review.changes.length).toBeGreaterThan(20);
    expect(by("old").review.changes.every((c) => c.op === "delete")).toBe(true);
    // A wave that is not a wave refuses its stack, with the path, value and rule.
    expect(by("ap")).toMatchObject({ verdict: "refused", refusedRules: ["invalid-wave"] });
    expect(by("us")).toMatchObject({ verdict: "allowed", trafficMoves: [] });
  });

  it("puts the summary first in the comment, then each changed stack's review collapsed, unchanged ones by name", async () => {
    const r = await preview("--format", "markdown");
    expect(r.code).toBe(1);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("<!-- baton-preview -->");
    expect(lines[1]).toBe("### ⛔ baton: refused: 2 of 5 changed stack(s) (eu, ap)");
    const table = lines.slice(0, lines.findIndex((l) => l.startsWith("<details>"))).filter((l) => l.startsWith("| "));
    expect(table[0]).toBe("| stack | wave | verdict | traffic moves | node group rolls | cannot be undone (or only for a while) |");
    expect(table.slice(1).map((row) => row.split(" | ")[0])).toEqual(["| canary", "| eu", "| new (added)", "| old (removed)", "| ap"]);
    expect(r.out).toContain("| eu | 1 | ⛔ refused: decommission-weighted-cluster |");
    expect(r.out).toContain("Unchanged: us.");
    const summaries = lines.filter((l) => l.startsWith("<details><summary><b>"));
    expect(summaries.map((l) => /<b>([^<]+)<\/b>/.exec(l)![1])).toEqual(["canary", "eu", "new (added)", "old (removed)", "ap"]);
    // The summary comes before any stack's review; the note on offline previews once, at the end.
    expect(r.out.indexOf("| canary |")).toBeLessThan(r.out.indexOf("<details>"));
    expect(r.out.split("This is an offline preview").length).toBe(2);
    expect(r.out.length).toBeLessThanOrEqual(65_536);
  }, 120_000);

  it("shares the part cache across stacks: a second run captures nothing", async () => {
    const r = await preview("--format", "markdown", "--cache-stats");
    expect(r.err).toMatch(/baton: (\d+) part\(s\): \1 from the cache .*, 0 captured/);
  }, 120_000);

  it("writes the full review to a file when asked, and refuses the folder-only options on one stack", async () => {
    const full = path.join(root, "review.md");
    const r = await preview("--format", "markdown", "--full-review", full, "--full-review-link", "https://ci.example/run/1");
    expect(r.code).toBe(1);
    expect(readFileSync(full, "utf8")).toBe(r.out);
    const single = await runBaton("preview", path.join(head, "Pulumi.canary.yaml"), "--full-review", full);
    expect(single.code).toBe(2);
    expect(single.err).toContain("--full-review and --full-review-link apply to folders of stacks");
  }, 120_000);

  it("refuses a folder compared with a file, a head folder with no stack files, and unreadable stack files, naming all of them", async () => {
    const file = path.join(base, "Pulumi.canary.yaml");
    expect((await runBaton("preview", head, "--from", file)).err).toContain("so the base must be one too");
    expect((await runBaton("preview", file, "--from", base)).err).toContain("so the head must be one too");
    const empty = mkdtempSync(path.join(root, "empty-"));
    const none = await runBaton("preview", empty, "--from", base);
    expect(none.code).toBe(2);
    expect(none.err).toContain("no stack files (Pulumi.<stack>.yaml) in");
    const broken = mkdtempSync(path.join(root, "broken-"));
    writeFileSync(path.join(broken, "Pulumi.a.yaml"), "config:\n  baton:fleet: [unclosed\n");
    writeFileSync(path.join(broken, "Pulumi.b.yaml"), "config:\n  aws:region: us-east-1\n");
    const bad = await runBaton("preview", broken, "--from", base);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("2 stack file(s) cannot be reviewed");
    expect(bad.err).toContain("Pulumi.a.yaml is not valid YAML");
    expect(bad.err).toContain("Pulumi.b.yaml has no baton:fleet");
  });
});

describe("the comment on many stacks within GitHub's limit", () => {
  const review = (before: unknown, after: unknown) => buildReview({ offline: true, subject: "s", changes: [], before, after, validate: { today: TODAY } });
  const set = stackSetReview(true, "`head` against `base`", [
    ...Array.from({ length: 30 }, (_, i) => ({ stack: `s${String(i).padStart(2, "0")}`, change: "changed" as const, wave: i % 3, review: review(migrationFleet(), shifted) })),
    { stack: "zz-refused", change: "changed" as const, wave: 5, review: review(migrationFleet(), blueDeleted) },
  ]);

  it("keeps the summary whole, gives refused stacks room first, and names the stacks left out with where the full review is", () => {
    const text = renderStackSetMarkdown(set, { file: "review.md", link: "https://ci.example/run/1" }, 12_000);
    expect(text.length).toBeLessThanOrEqual(12_000);
    expect(text.split("\n").filter((l) => /^\| s\d\d \|/.test(l))).toHaveLength(30);
    expect(text).toContain("<b>zz-refused</b>");
    const left = /Not shown here for lack of room: (.*); see the full review, \[`review.md`\]\(https:\/\/ci\.example\/run\/1\)/.exec(text);
    expect(left).not.toBeNull();
    const shown = [...text.matchAll(/<details><summary><b>([^<]+)<\/b>/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(31);
    // Rows keep the upgrade order: wave 0 first.
    const rows = text.split("\n").filter((l) => /^\| s\d\d \|/.test(l)).map((l) => Number(l.split(" | ")[1]));
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
  });

  it("keeps the refused rows when even the summary does not fit", () => {
    const text = renderStackSetMarkdown(set, {}, 3_000);
    expect(text.length).toBeLessThanOrEqual(3_000);
    expect(text).toContain("| zz-refused | 5 | ⛔ refused: decommission-weighted-cluster |");
    expect(text).toMatch(/\| … \d+ more stack\(s\) \|/);
    expect(text).toContain("`--format json`, or `--full-review <file>`");
  });
});

describe("baton plan <after-dir> --from <before-dir>", () => {
  it("plans every stack with the rules of one, in wave order, and exits 1 when one is refused", async () => {
    const r = await runBaton("plan", head, "--from", base, "--today", TODAY, "--json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { allowed: boolean; stacks: { stack: string; change: string; wave?: number; plan: { allowed: boolean; refusedRules: string[] } }[] };
    expect(json.allowed).toBe(false);
    expect(json.stacks.map((s) => [s.stack, s.change, s.plan.allowed])).toEqual([
      ["canary", "changed", true], ["eu", "changed", false], ["new", "added", true], ["old", "removed", true], ["ap", "changed", false], ["us", "unchanged", true],
    ]);
    expect(json.stacks.find((s) => s.stack === "ap")!.plan.refusedRules).toEqual(["invalid-wave"]);
    const text = await runBaton("plan", head, "--from", base, "--today", TODAY);
    expect(text.out).toContain("refused: 2 of 5 changed stack(s) (eu, ap)");
    expect(text.out).toContain("── canary (wave 0) ──");
    expect(text.out).toContain("── new (wave 2, added: its config alone is checked) ──\nvalid: a new stack");
    expect(text.out).toContain("── old (wave 3, removed: its whole fleet goes) ──");
    expect(text.out).toContain("── ap (last (no baton:wave)) ──\nrefused: invalid-wave");
    expect(text.out).toContain("unchanged: us");
  });

  it("refuses removing a stack whose clusters still have traffic, as deleting a serving cluster is", async () => {
    const after = mkdtempSync(path.join(root, "after-"));
    copyFileSync(path.join(base, "Pulumi.canary.yaml"), path.join(after, "Pulumi.canary.yaml"));
    const before = mkdtempSync(path.join(root, "before-"));
    copyFileSync(path.join(base, "Pulumi.canary.yaml"), path.join(before, "Pulumi.canary.yaml"));
    stackFile(before, "serving", migrationFleet());
    const r = await runBaton("plan", after, "--from", before, "--today", TODAY);
    expect(r.code).toBe(1);
    expect(r.out).toContain("── serving (last (no baton:wave), removed: its whole fleet goes) ──\nrefused: decommission-weighted-cluster");
  });

  it("compares a folder with a folder only", async () => {
    const r = await runBaton("plan", path.join(head, "Pulumi.canary.yaml"), "--from", base);
    expect(r.code).toBe(2);
    expect(r.err).toContain("so the proposed config must be one too");
  });
});

describe("baton comment <previews-dir> --from <base-dir>", () => {
  const previews = path.join(root, "previews");
  const bases = path.join(root, "comment-base");
  mkdirSync(previews);
  mkdirSync(bases);
  // canary: the 90/10 → 50/50 shift; eu: green alone, blue deleted, against a base where blue still serves; old: removed.
  copyFileSync(path.join(repo, "examples/previews/shift.json"), path.join(previews, "canary.json"));
  copyFileSync(path.join(repo, "examples/previews/decommission.json"), path.join(previews, "eu.json"));
  for (const stack of ["canary", "eu", "old"]) copyFileSync(path.join(repo, "stacks/Pulumi.migration.yaml"), path.join(bases, `Pulumi.${stack}.yaml`));

  it("reviews each stack's real preview against its base, the removed one included, and is refused when one is", async () => {
    const r = await runBaton("comment", previews, "--from", bases, "--today", TODAY, "--format", "json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { offline: boolean; stacks: StackJson[] };
    expect(json.offline).toBe(false);
    expect(json.stacks.map((s) => [s.stack, s.change, s.verdict])).toEqual([["canary", "changed", "allowed"], ["eu", "changed", "refused"], ["old", "removed", "refused"]]);
    expect(json.stacks[1]!.refusedRules).toContain("decommission-weighted-cluster");
    const md = await runBaton("comment", previews, "--from", bases, "--today", TODAY);
    expect(md.out).toContain("### ⛔ baton: refused: 2 of 3 changed stack(s) (eu, old)");
    expect(md.out).toContain("Rendered from `pulumi preview --json`");
  });

  it("names every stack of the head that has no preview, before rendering anything", async () => {
    const heads = mkdtempSync(path.join(root, "comment-head-"));
    for (const stack of ["canary", "eu", "missing"]) copyFileSync(path.join(repo, "stacks/Pulumi.migration.yaml"), path.join(heads, `Pulumi.${stack}.yaml`));
    const r = await runBaton("comment", previews, "--from", bases, "--to", heads, "--today", TODAY);
    expect(r.code).toBe(2);
    expect(r.err).toContain("stack missing has no preview: write `pulumi preview --json --stack missing >");
    expect(r.out).toBe("");
  });
});
