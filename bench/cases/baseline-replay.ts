/**
 * The baseline: no baton code. Reads the graph baton registered (bench/cases/capture-graph.ts) and
 * creates the same raw @pulumi/aws and @pulumi/kubernetes resources directly, each with the
 * recorded inputs as plain values, under the same mock runtime baton runs under. Afterwards
 * (untimed) it checks that the mock runtime received exactly the recorded graph.
 * `npx tsx bench/cases/baseline-replay.ts <graph.json>`
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
// The mock runtime's answers, shared with baton's run so both pay the same per-resource cost.
import { OfflineMocks } from "../../src/preview/offline-mocks.js";
import { canonical } from "../lib/canonical.js";
import { report } from "../lib/child.js";
import { classesFor } from "../lib/classes.js";
import { providerOf, type Graph } from "../lib/graph.js";

Error.stackTraceLimit = 0;

const key = (type: string, name: string) => `${type}::${name}`;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error("usage: baseline-replay.ts <graph.json>");
  const graph = JSON.parse(readFileSync(file, "utf8")) as Graph;
  const classes = classesFor(graph.resources.map((r) => r.type));
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "baton", "bench", true);

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const providers = new Map<string, pulumi.ProviderResource>();
  for (const resource of graph.resources) {
    const provider = resource.provider ? providers.get(key(resource.provider.type, resource.provider.name)) : undefined;
    if (resource.provider && provider === undefined) throw new Error(`${resource.name} names the provider ${resource.provider.name} before it is created`);
    const created = new (classes.get(resource.type)!)(resource.name, resource.inputs, provider ? { provider } : {});
    if (created instanceof pulumi.ProviderResource) providers.set(key(resource.type, resource.name), created);
  }
  const programMs = performance.now() - start;
  await pulumi.runtime.disconnect(); // waits until every registration has been answered
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);

  const recorded = graph.resources.map((r) => canonical([r.type, r.name, r.provider ?? null, r.inputs])).sort();
  const replayed = mocks.resources.map((r) => canonical([r.type, r.name, r.provider ? providerOf(r.provider) : null, r.inputs])).sort();
  const identical = recorded.length === replayed.length && recorded.every((r, i) => r === replayed[i]);
  if (!identical) {
    const missing = recorded.filter((r) => !replayed.includes(r)).slice(0, 2);
    throw new Error(`the baseline registered a different graph (${replayed.length} vs ${recorded.length} resources); first differences: ${missing.join("\n")}`);
  }
  report({ clusters: graph.clusters, resources: mocks.resources.length, programMs, ms, cpuMs: (cpu.user + cpu.system) / 1000, identical });
}

main().catch((error: unknown) => { console.error(error); process.exit(1); });
