/**
 * The benchmark runner (`npm run bench`): every benchmark runs as its own child process, several
 * times, and docs/benchmarks.md is rewritten with the medians, the machine, a chart of time
 * against fleet size and the slope of each line. Needs the CLI built (`npm run build`).
 *   npx tsx bench/run.ts            the full run (a few minutes on 2 cores)
 *   npx tsx bench/run.ts --quick    fleets of 1, 10 and 50 clusters, one run each: a smoke test
 *   npx tsx bench/run.ts --out FILE write the report elsewhere
 *   npx tsx bench/run.ts --render RESULTS.json   rewrite the report from the JSON a run printed, measuring nothing
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { writeFleetFiles, type FleetFiles } from "./lib/fleet-files.js";
import { hasGnuTime, reported, runNode, type Sample } from "./lib/measure.js";
import { renderReport } from "./lib/report.js";
import type { CliRow, ModuleLoads, OverheadRow, PreviewRow, Results } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { measureParts, PARTS_SIZES, writeParts } from "./parts.js";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "baton.js");
const TSX = ["--import", "tsx"];

const quick = process.argv.includes("--quick");
const outIndex = process.argv.indexOf("--out");
const outFile = outIndex > 0 && process.argv[outIndex + 1] ? path.resolve(process.argv[outIndex + 1]!) : path.join(ROOT, "docs", "benchmarks.md");

/** Fleet sizes and how many runs each gets: fewer for the big fleets, to stay within a few minutes. */
const SIZES: readonly { clusters: number; runs: number }[] = quick
  ? [{ clusters: 1, runs: 1 }, { clusters: 10, runs: 1 }, { clusters: 50, runs: 1 }]
  : [{ clusters: 1, runs: 5 }, { clusters: 10, runs: 5 }, { clusters: 50, runs: 3 }, { clusters: 100, runs: 3 }, { clusters: 300, runs: 3 }];
/** The date version support is judged on, as in the generated fleets' tests. */
const TODAY = "2026-11-23";
const CLI_RUNS = quick ? 2 : 5;
const COLD_RUNS = quick ? 3 : 10;
const CHECK_RUNS = quick ? 1 : 5;

const log = (line: string) => process.stderr.write(`${line}\n`);
const medianOf = (samples: readonly Sample[], pick: (s: Sample) => number | undefined): number | undefined => {
  const values = samples.map(pick).filter((v): v is number => v !== undefined);
  return values.length === samples.length ? median(values) : undefined;
};
const script = (name: string) => path.join(ROOT, "bench", name);

function repeat(runs: number, label: string, once: () => Sample): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const sample = once();
    log(`  ${label} run ${i + 1}/${runs}: ${(sample.result?.["ms"] !== undefined ? reported(sample, "ms") : sample.processMs).toFixed(0)} ms`);
    samples.push(sample);
  }
  return samples;
}

function previewRow(clusters: number, runs: number): PreviewRow {
  const samples = repeat(runs, `offline preview, ${clusters} clusters`, () => runNode([...TSX, script("cases/offline-preview.ts"), String(clusters)], { cwd: ROOT }));
  const first = samples[0]!;
  const rss = medianOf(samples, (s) => s.maxRssKiB);
  return {
    clusters, runs, resources: reported(first, "resources"),
    ms: median(samples.map((s) => reported(s, "ms"))), cpuMs: median(samples.map((s) => reported(s, "cpuMs"))),
    captureMs: median(samples.map((s) => reported(s, "captureMs"))), diffAndCommentMs: median(samples.map((s) => reported(s, "diffAndCommentMs"))),
    processMs: median(samples.map((s) => s.processMs)), commentChars: reported(first, "commentChars"),
    ...(rss !== undefined ? { maxRssKiB: rss } : {}),
  };
}

/** Baton and the baseline alternate run by run, so a burst of load from elsewhere hits both alike. */
function overheadRow(clusters: number, runs: number, graphFile: string): OverheadRow {
  const baton: Sample[] = [];
  const baseline: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    baton.push(...repeat(1, `baton program, ${clusters} clusters`, () => runNode([...TSX, script("cases/baton-register.ts"), String(clusters)], { cwd: ROOT })));
    baseline.push(...repeat(1, `baseline, ${clusters} clusters`, () => runNode([...TSX, script("cases/baseline-replay.ts"), graphFile], { cwd: ROOT })));
  }
  const batonRss = medianOf(baton, (s) => s.maxRssKiB);
  const baselineRss = medianOf(baseline, (s) => s.maxRssKiB);
  return {
    clusters, runs, customResources: reported(baton[0]!, "custom"), components: reported(baton[0]!, "components"),
    batonMs: median(baton.map((s) => reported(s, "ms"))), baselineMs: median(baseline.map((s) => reported(s, "ms"))),
    batonCpuMs: median(baton.map((s) => reported(s, "cpuMs"))), baselineCpuMs: median(baseline.map((s) => reported(s, "cpuMs"))),
    ...(batonRss !== undefined ? { batonRssKiB: batonRss } : {}), ...(baselineRss !== undefined ? { baselineRssKiB: baselineRss } : {}),
  };
}

/** A CLI command as a process; `nodeArgs` are node's own arguments (the script first). */
function processRow(label: string, shown: string, nodeArgs: readonly string[], runs: number, okExitCodes: readonly number[] = [0]): CliRow {
  const samples = repeat(runs, label, () => runNode(nodeArgs, { cwd: ROOT, okExitCodes }));
  const rss = medianOf(samples, (s) => s.maxRssKiB);
  return { label, command: shown, runs, ms: median(samples.map((s) => s.processMs)), ...(rss !== undefined ? { maxRssKiB: rss } : {}) };
}

const cliRow = (label: string, shown: string, args: readonly string[], runs: number, okExitCodes: readonly number[] = [0]) =>
  processRow(label, shown, [BIN, ...args], runs, okExitCodes);

/**
 * Which modules a CLI command loads, read from require.cache at exit by a preload. Modules loaded
 * through a dynamic import() land there too; the trace must see `yaml` (reached only that way by
 * `baton check`), or it proves nothing.
 */
function moduleLoads(scratch: string, shown: string, args: readonly string[], mustSee: string): ModuleLoads {
  const preload = path.join(scratch, "trace-modules.cjs");
  const listFile = path.join(scratch, "modules.json");
  writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(listFile)}, JSON.stringify(Object.keys(require.cache))));\n`);
  runNode(["--require", preload, BIN, ...args], { cwd: ROOT });
  const modules = (JSON.parse(readFileSync(listFile, "utf8")) as string[]).filter((m) => m !== preload);
  if (!modules.some((m) => m.includes(`${path.sep}node_modules${path.sep}${mustSee}${path.sep}`))) {
    throw new Error(`the module trace of ${shown} did not see ${mustSee}: it cannot tell what the command loads`);
  }
  const packages = [...new Set(modules.filter((m) => m.includes("node_modules")).map((m) => m.replace(/^.*node_modules[\\/]((@[^\\/]+[\\/])?[^\\/]+).*$/, "$1")))].sort();
  return { command: shown, modules: modules.length, packages, heavy: packages.filter((p) => /^@(pulumi|aws-sdk)\//.test(p)) };
}

function main(): void {
  const renderIndex = process.argv.indexOf("--render");
  if (renderIndex > 0) {
    const saved = process.argv[renderIndex + 1];
    if (saved === undefined) throw new Error("--render needs the results JSON a run printed");
    writeFileSync(outFile, renderReport(JSON.parse(readFileSync(saved, "utf8")) as Results, { quick }));
    log(`wrote ${path.relative(ROOT, outFile)} from ${saved}`);
    return;
  }
  if (!existsSync(path.join(ROOT, "dist", "src", "cli", "main.js"))) throw new Error("the CLI is not built: run `npm run build` first (`npm run bench` does)");
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const scratch = mkdtempSync(path.join(tmpdir(), "baton-bench-"));
  try {
    log(`fleets and baseline graphs in ${scratch}`);
    const files = new Map<number, FleetFiles>();
    const graphs = new Map<number, string>();
    for (const { clusters } of SIZES) {
      files.set(clusters, writeFleetFiles(scratch, clusters));
      const graph = path.join(scratch, `graph-c${clusters}.json`);
      runNode([...TSX, script("cases/capture-graph.ts"), String(clusters), graph], { cwd: ROOT });
      graphs.set(clusters, graph);
    }

    log("1. offline preview");
    const preview = SIZES.map(({ clusters, runs }) => previewRow(clusters, runs));
    log("2. baton against the baseline");
    const overhead = SIZES.map(({ clusters, runs }) => overheadRow(clusters, runs, graphs.get(clusters)!));

    log("3. baton check against bare YAML parsing");
    const checkSample = runNode([...TSX, script("check-throughput.ts"), String(CHECK_RUNS), "--json"], { cwd: ROOT });
    const check = {
      files: reported(checkSample, "files"), manifests: reported(checkSample, "manifests"), findings: reported(checkSample, "findings"),
      runs: reported(checkSample, "runs"), parseMs: reported(checkSample, "parseMs"), checkMs: reported(checkSample, "checkMs"),
      ...(checkSample.maxRssKiB !== undefined ? { maxRssKiB: checkSample.maxRssKiB } : {}),
    };

    log("4. validate and plan on the largest fleet");
    const largest = SIZES[SIZES.length - 1]!.clusters;
    const { before, after } = files.get(largest)!;
    const shown = (file: string) => path.basename(file);
    const cli = [
      cliRow(`baton validate, ${largest} clusters`, `baton validate ${shown(before)}`, ["validate", before], CLI_RUNS),
      cliRow(`baton plan, ${largest} clusters`, `baton plan ${shown(after)} --from ${shown(before)}`, ["plan", after, "--from", before], CLI_RUNS),
    ];
    // The preview command as a user runs it, when this build has it: the same work as benchmark 1, compiled, in one process.
    const previewHelp = runNode([BIN, "preview", "--help"], { cwd: ROOT, okExitCodes: [0, 1, 2] });
    const previewCli = previewHelp.exitCode === 0;
    // With captures by part the default, this row keeps measuring the whole-program capture (benchmark 1's work).
    const partsCli = previewHelp.stdout.includes("--whole-program");
    if (previewCli) {
      const args = ["preview", after, "--from", before, "--format", "markdown", "--today", TODAY, ...(partsCli ? ["--whole-program"] : [])];
      // One run: benchmark 1 already measures this work several times; this row shows the command's own cost.
      cli.push(cliRow(`baton preview, ${largest} clusters`, `baton preview ${shown(after)} --from ${shown(before)} --format markdown`, args, 1));
    } else {
      log("  this build has no `baton preview` command: its row is left out");
    }

    log("5. cold start");
    const manifest = path.join(scratch, "deployment.yaml");
    writeFileSync(manifest, "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  replicas: 3\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec: { containers: [{ name: web, image: web:1 }] }\n");
    const coldStart = [
      cliRow("baton --help", "baton --help", ["--help"], COLD_RUNS),
      // Exit 1 is a finding (no PDB, no probe), which is what a check of this file should report.
      cliRow("baton check, one file", "baton check deployment.yaml --target 1.32", ["check", manifest, "--target", "1.32"], COLD_RUNS, [0, 1]),
    ];
    // Node's own start-up, the floor under every CLI figure.
    coldStart.unshift(processRow("node alone", "node -e \"\"", ["-e", ""], COLD_RUNS));
    const moduleTrace = [
      moduleLoads(scratch, "baton --help", ["--help"], "commander"),
      moduleLoads(scratch, "baton check deployment.yaml --target 1.32", ["check", manifest, "--target", "1.32", "--format", "json"], "yaml"),
    ];

    const results: Results = {
      date: new Date().toISOString().slice(0, 10),
      durationS: (performance.now() - started) / 1000,
      machine: {
        cores: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? "unknown", memoryGiB: totalmem() / 2 ** 30,
        node: process.version, platform: `${platform()} ${process.arch}`, loadBefore, loadAfter: loadavg()[0] ?? 0, gnuTime: hasGnuTime,
      },
      preview, overhead, check, cli, coldStart, moduleLoads: moduleTrace,
    };
    writeFileSync(outFile, renderReport(results, { quick }));
    if (partsCli) {
      log("6. incremental preview by parts");
      const parts = measureParts(PARTS_SIZES(quick), log);
      writeParts(parts, outFile, path.join(ROOT, "README.md"));
    }
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`); // the raw medians, for anyone who wants to plot them
    log(`wrote ${path.relative(ROOT, outFile)} in ${results.durationS.toFixed(0)} s`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
