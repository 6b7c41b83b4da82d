/**
 * How long the spec's rules take on a large fleet: validate and plan a 300-cluster fleet
 * (3 node groups each, 5 services). Run: npx tsx bench/fleet-model.ts
 */
import { performance } from "node:perf_hooks";
import { plan } from "../src/fleet/plan.js";
import { validateFleet } from "../src/fleet/validate.js";
import { edit, generateFleet } from "../test/support/fleets.js";

const fleet = generateFleet({ clusters: 300 });
const after = edit(fleet, (f) => { f.services.svc1.weights.c7 = 5; });

function median(run: () => void, times = 15): number {
  run(); // warm up the JIT
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

console.log(`validate 300 clusters: ${median(() => validateFleet(fleet)).toFixed(1)} ms (median of 15)`);
console.log(`plan 300 → 300 clusters, one weight changed: ${median(() => plan(fleet, after)).toFixed(1)} ms (median of 15)`);
