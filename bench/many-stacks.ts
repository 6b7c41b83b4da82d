/**
 * Many stacks reviewed as one, as a user runs it: the compiled `baton preview <head-dir> --from
 * <base-dir>`, one process per run, wall time and CPU time (GNU time, worker threads included).
 *   twelve    a cold review (empty cache) of twelve two-cluster stacks, each with one weight
 *             changed, against twelve one-stack previews of the same files run one after another,
 *             each cold (a CI job per stack); the target: the folder at most half the sum
 *   growth    the same cold folder review for 1 to 100 stacks: time against stack count
 *   warm      a warm one-change preview of a 300-cluster stack (the cache holds the base's parts)
 *             against `baton plan` on the same two files; the target: at most twice
 * Runs alternate where a ratio is taken, so both sides see the same machine load.
 *
 *   npm run build && npx tsx bench/many-stacks.ts [--quick] [--out RESULTS.json]
 * The results go to stdout as JSON (and to --out); docs/benchmarks.md section 7 is written from them.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { edit, generateFleet } from "../test/support/fleets.js";
import { writeFleetFiles } from "./lib/fleet-files.js";
import { runNode, type Sample } from "./lib/measure.js";
import { leastSquares, median } from "./lib/stats.js";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "baton.js");
const TODAY = "2026-11-23";
// A fixed cache key, so the benchmark never writes one into the user's state folder.
const ENV = { BATON_CACHE_KEY: "baton-bench-cache-key-0123456789abcdef0123456789" };

const quick = process.argv.includes("--quick");
const outIndex = process.argv.indexOf("--out");
const outFile = outIndex > 0 ? process.argv[outIndex + 1] : undefined;

/** A two-cluster stack of its own fleet (no part shared with another stack), and the same with one weight changed. */
function writeStacks(dir: string, count: number): { base: string; head: string } {
  const base = path.join(dir, `base-${count}`);
  const head = path.join(dir, `head-${count}`);
  mkdirSync(base, { recursive: true });
  mkdirSync(head, { recursive: true });
  for (let i = 0; i < count; i++) {
    const fleet = edit(generateFleet({ clusters: 2, nodeGroupsPerCluster: 1, services: 2 }), (f) => { f.name = `s${String(i).padStart(3, "0")}`; });
    const changed = edit(fleet, (f) => { f.services.svc1.weights.c1 = 2; });
    const text = (config: unknown) => stringify({ config: { "aws:region": "us-east-1", "baton:wave": i % 3, "baton:fleet": config } });
    writeFileSync(path.join(base, `Pulumi.s${i}.yaml`), text(fleet));
    writeFileSync(path.join(head, `Pulumi.s${i}.yaml`), text(changed));
  }
  return { base, head };
}

const preview = (head: string, base: string, cacheDir: string, ok: readonly number[] = [0]): Sample =>
  runNode([BIN, "preview", head, "--from", base, "--cache-dir", cacheDir, "--today", TODAY, "--format", "markdown"], { cwd: ROOT, env: ENV, okExitCodes: ok });

const cpu = (s: Sample) => s.cpuMs ?? Number.NaN;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

interface Pair { readonly ms: number; readonly cpuMs: number }
interface Results {
  readonly date: string;
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly twelve: { readonly runs: number; readonly folder: Pair; readonly oneByOne: Pair };
  readonly growth: readonly { readonly stacks: number; readonly ms: number; readonly cpuMs: number }[];
  readonly warm: { readonly clusters: number; readonly runs: number; readonly preview: Pair; readonly plan: Pair };
}

function measure(): Results {
  const loadBefore = loadavg()[0] ?? 0;
  const scratch = mkdtempSync(path.join(tmpdir(), "baton-bench-many-"));
  const fresh = (name: string) => { const dir = path.join(scratch, name); rmSync(dir, { recursive: true, force: true }); return dir; };
  try {
    // 1. Twelve stacks: one folder review against twelve one-stack previews, each cold.
    const twelve = writeStacks(scratch, 12);
    const runs = quick ? 1 : 2;
    const folder: Sample[] = [];
    const oneByOne: Pair[] = [];
    for (let r = 0; r < runs; r++) {
      folder.push(preview(twelve.head, twelve.base, fresh("cache-folder")));
      const singles = Array.from({ length: 12 }, (_, i) => preview(path.join(twelve.head, `Pulumi.s${i}.yaml`), path.join(twelve.base, `Pulumi.s${i}.yaml`), fresh(`cache-single-${i}`)));
      oneByOne.push({ ms: sum(singles.map((s) => s.processMs)), cpuMs: sum(singles.map(cpu)) });
      console.error(`twelve stacks, run ${r + 1}: folder ${Math.round(folder.at(-1)!.processMs)} ms, one by one ${Math.round(oneByOne.at(-1)!.ms)} ms`);
    }

    // 2. Growth: the cold folder review against the number of stacks.
    const growth = [];
    for (const count of quick ? [1, 5, 10] : [1, 10, 25, 50, 100]) {
      const dirs = writeStacks(scratch, count);
      const sample = preview(dirs.head, dirs.base, fresh(`cache-growth-${count}`));
      growth.push({ stacks: count, ms: sample.processMs, cpuMs: cpu(sample) });
      console.error(`growth: ${count} stack(s) in ${Math.round(sample.processMs)} ms`);
    }

    // 3. A warm one-change preview of a large stack against `baton plan` on the same two files.
    const clusters = quick ? 50 : 300;
    const files = writeFleetFiles(scratch, clusters);
    const baseCache = path.join(scratch, "cache-warm-base");
    // The base's parts, as a preview of the base branch leaves them.
    runNode([BIN, "preview", files.before, "--cache-dir", baseCache, "--today", TODAY, "--format", "markdown"], { cwd: ROOT, env: ENV });
    const warmRuns = quick ? 1 : 2;
    const previews: Sample[] = [];
    const plans: Sample[] = [];
    for (let r = 0; r < warmRuns; r++) {
      const cache = fresh("cache-warm");
      cpSync(baseCache, cache, { recursive: true });
      plans.push(runNode([BIN, "plan", files.after, "--from", files.before, "--today", TODAY], { cwd: ROOT, env: ENV }));
      previews.push(preview(files.after, files.before, cache));
      console.error(`warm ${clusters} clusters: preview ${Math.round(previews.at(-1)!.processMs)} ms, plan ${Math.round(plans.at(-1)!.processMs)} ms`);
    }
    return {
      date: new Date().toISOString().slice(0, 10), loadBefore, loadAfter: loadavg()[0] ?? 0,
      twelve: {
        runs,
        folder: { ms: median(folder.map((s) => s.processMs)), cpuMs: median(folder.map(cpu)) },
        oneByOne: { ms: median(oneByOne.map((p) => p.ms)), cpuMs: median(oneByOne.map((p) => p.cpuMs)) },
      },
      growth,
      warm: {
        clusters, runs: warmRuns,
        preview: { ms: median(previews.map((s) => s.processMs)), cpuMs: median(previews.map(cpu)) },
        plan: { ms: median(plans.map((s) => s.processMs)), cpuMs: median(plans.map(cpu)) },
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const results = measure();
const line = leastSquares(results.growth.map((g) => [g.stacks, g.ms] as const));
console.log(JSON.stringify({ ...results, growthLine: line }, null, 2));
if (outFile) writeFileSync(outFile, JSON.stringify({ ...results, growthLine: line }, null, 2));
