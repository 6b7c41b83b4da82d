/**
 * The fleet program on a large fleet under the offline mocks: 300 clusters (3 node groups each)
 * and 5 services mixing ALB and Route53. Reports wall time, resources registered, invokes made
 * and peak RSS. Run: npx tsx bench/fleet-program.ts [clusters]
 */
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { OfflineMocks } from "../src/preview/offline-mocks.js";
import { runFleetProgram } from "../stacks/program.js";
import { generateFleet, TODAY } from "../test/support/fleets.js";

Error.stackTraceLimit = 0;

async function main(): Promise<void> {
  const clusters = Number(process.argv[2] ?? 300);
  const fleet = generateFleet({ clusters, nodeGroupsPerCluster: 3, services: 5 });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "baton", "bench", false);
  const start = performance.now();
  runFleetProgram(fleet, { today: TODAY });
  const registered = performance.now();
  await pulumi.runtime.disconnect(); // waits until every registration has resolved
  const done = performance.now();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const custom = mocks.resources.filter((r) => r.custom).length;
  console.log(`fleet program, ${clusters} clusters x 3 node groups, 5 services (ALB and Route53), offline mocks`);
  console.log(`  resources: ${custom} custom + ${mocks.resources.length - custom} components; invokes: ${mocks.calls.length}`);
  console.log(`  program ran in ${(registered - start).toFixed(0)} ms; all registrations resolved after ${((done - start) / 1000).toFixed(1)} s`);
  console.log(`  peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB (node ${process.version})`);
}

main().catch((error: unknown) => { console.error(error); process.exit(1); });
