/**
 * Parsing large inputs: a stack file whose node group has a 100,000-key `labels:` map, and a
 * ConfigMap of 100,000 keys for `baton check`. baton's YAML reader (src/fleet/yaml.ts) finds
 * duplicate keys with a set per map; the `yaml` library's own check compares every key with every
 * other one, measured here at smaller sizes for comparison. Run: npx tsx bench/yaml-input.ts
 */
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseDocument, stringify } from "yaml";
import { parseManifests } from "../src/checks/manifest.js";
import { parseStackConfig } from "../src/fleet/stack-config.js";
import { validateFleet } from "../src/fleet/validate.js";
import { readServiceWeights, writeServiceWeights } from "../src/traffic/stack-file.js";
import { edit, migrationFleet, TODAY } from "../test/support/fleets.js";

const KEYS = 100_000;
const RUNS = 5;

/** Median wall time and median CPU time (this process, all threads) over RUNS runs after a warm-up. */
function median(run: () => void): { wall: number; cpu: number } {
  run(); // warm up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    run();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  return { wall: mid(wall), cpu: mid(cpu) };
}

const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`example.com/label-${i}`, `value-${i}`]));
const stackText = (n: number) => stringify({
  config: { "aws:region": "us-east-1", "baton:fleet": edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.labels = labels(n); }) },
});
const configMap = (n: number) => stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: labels(n) });

const text = stackText(KEYS);
const manifest = configMap(KEYS);
const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
const row = (what: string, t: { wall: number; cpu: number }) => console.log(`| ${what} | ${ms(t.wall)} | ${ms(t.cpu)} |`);

console.log(`stack file ${(text.length / 2 ** 20).toFixed(1)} MiB, ConfigMap ${(manifest.length / 2 ** 20).toFixed(1)} MiB; median of ${RUNS} runs after a warm-up; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`);
console.log("| what | wall | CPU |\n|---|---|---|");
row(`parse a stack file with a ${KEYS.toLocaleString("en-US")}-key map (parseStackConfig: parse, duplicate keys, toJS)`, median(() => {
  const config = parseStackConfig(text, "Pulumi.big.yaml");
  if (config.problems.length > 0) throw new Error(config.problems[0]!.message);
}));
row("  ... and validate it (validateFleet)", median(() => validateFleet(parseStackConfig(text, "f").fleet, { today: TODAY })));
row("`baton shift`'s read and edit of that file (readServiceWeights + writeServiceWeights)", median(() => {
  readServiceWeights(text, "f", "web");
  writeServiceWeights(text, "f", "web", { blue: 50, green: 50 });
}));
row(`\`baton check\`'s parse of a ${KEYS.toLocaleString("en-US")}-key ConfigMap (parseManifests)`, median(() => parseManifests(manifest, "big.yaml")));
for (const n of [5_000, 10_000]) {
  const small = stackText(n);
  const once = (f: () => void) => {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    f();
    const used = process.cpuUsage(startCpu);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
  };
  row(`${n.toLocaleString("en-US")} keys: baton's reader (one run)`, once(() => parseStackConfig(small, "f")));
  row(`${n.toLocaleString("en-US")} keys: the \`yaml\` library with its default duplicate check (one run)`, once(() => parseDocument(small)));
}
