/**
 * Preparation for the baseline (not timed): runs baton's fleet program once under the offline
 * mocks and writes the custom resources it registered to a JSON file.
 * `npx tsx bench/cases/capture-graph.ts <clusters> <out.json>`
 */
import { writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { OfflineMocks } from "../../src/preview/offline-mocks.js";
import { runFleetProgram } from "../../stacks/program.js";
import { generateFleet, TODAY } from "../../test/support/fleets.js";
import { providerOf, type Graph } from "../lib/graph.js";

Error.stackTraceLimit = 0;

async function main(): Promise<void> {
  const clusters = Number(process.argv[2]);
  const out = process.argv[3];
  if (!Number.isInteger(clusters) || clusters < 1 || out === undefined) throw new Error("usage: capture-graph.ts <clusters> <out.json>");
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "baton", "bench", true);
  runFleetProgram(generateFleet({ clusters, nodeGroupsPerCluster: 3, services: 5 }), { today: TODAY });
  await pulumi.runtime.disconnect();
  const graph: Graph = {
    clusters,
    components: mocks.resources.filter((r) => !r.custom).length,
    resources: mocks.resources.filter((r) => r.custom).map((r) => ({
      type: r.type, name: r.name, ...(r.provider ? { provider: providerOf(r.provider) } : {}), inputs: r.inputs,
    })),
  };
  writeFileSync(out, JSON.stringify(graph));
}

main().catch((error: unknown) => { console.error(error); process.exit(1); });
