/**
 * The offline preview at scale: a generated fleet captured as deployed and with one weight changed,
 * then diffed. Each size runs in a fresh process so peak memory is its own.
 *
 *   npx tsx bench/preview.ts                 # 75, 150 and 300 clusters, both strategies
 *   npx tsx bench/preview.ts one 300 workers # one measurement (what the runner spawns)
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { captureProgram } from "../src/preview/capture.js";
import { captureInWorker } from "../src/preview/capture-worker.js";
import { diffCaptures } from "../src/preview/diff.js";
import { countOps, type Capture } from "../src/preview/model.js";
import { runFleetProgram } from "../stacks/program.js";
import { edit, generateFleet, TODAY } from "../test/support/fleets.js";

type Strategy = "in-process" | "workers";

async function measure(clusters: number, strategy: Strategy): Promise<void> {
  const before = generateFleet({ clusters });
  const after = edit(before, (f) => { f.services.svc0.weights.c1 = 10; });
  const start = performance.now();
  let base: Capture;
  let head: Capture;
  if (strategy === "workers") {
    const program = (fleet: unknown) => ({ module: path.resolve(__dirname, "../stacks/program.ts"), exportName: "runFleetProgram", args: [fleet, { today: TODAY }] });
    [base, head] = await Promise.all([captureInWorker(program(before)), captureInWorker(program(after))]);
  } else {
    base = await captureProgram(() => runFleetProgram(before, { today: TODAY }));
    head = await captureProgram(() => runFleetProgram(after, { today: TODAY }));
  }
  const changes = diffCaptures(base, head);
  const seconds = (performance.now() - start) / 1000;
  const changed = changes.filter((c) => c.op !== "same").map((c) => `${c.op} ${c.type} ${c.name} ${c.paths.join(",")}`);
  console.log(JSON.stringify({
    clusters, strategy, resourcesPerCapture: head.resources.length, seconds: +seconds.toFixed(1),
    msPerResource: +((seconds * 1000) / (2 * head.resources.length)).toFixed(2),
    // maxRSS covers the process and its worker threads.
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    counts: countOps(changes), changed,
  }));
}

function runAll(): void {
  const load = () => (require("node:os") as typeof import("node:os")).loadavg()[0]!.toFixed(1);
  for (const clusters of [75, 150, 300]) {
    for (const strategy of ["in-process", "workers"] as const) {
      const line = execFileSync(process.execPath, [...process.execArgv, __filename, "one", String(clusters), strategy], { encoding: "utf8" });
      console.log(`${line.trim()} load=${load()}`);
    }
  }
}

if (process.argv[2] === "one") void measure(Number(process.argv[3]), (process.argv[4] ?? "in-process") as Strategy);
else runAll();
