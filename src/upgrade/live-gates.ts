/**
 * The health gates of a whole stack, read live on AWS: every service's gates (its alarms, healthy
 * targets on the cluster receiving its traffic, its 5xx ratio), judged together. A plan's run
 * bakes each step under them as a rollout bakes each weight under one service's.
 */
import { gatesOf } from "../fleet/schema.js";
import { validateFleet } from "../fleet/validate.js";
import { retrying, type BakeTiming, type Clock, type RetryEvent } from "../traffic/bake.js";
import { evaluateGates, type GateCheck, type GateObservation, type GateVerdict } from "../traffic/gates.js";
import type { LiveTraffic } from "../traffic/rollout.js";
import type { StackGates } from "./run-plan.js";

/** Live reads for one service and the cluster its gates watch (see `awsLiveTraffic`). */
export type LiveTrafficFor = (fleet: import("../fleet/schema.js").FleetSpec, service: string, receiving: string) => LiveTraffic;

/** The verdicts of several services as one: fail when any fails, else no data when any lacks it. */
export function combineVerdicts(verdicts: readonly { service: string; verdict: GateVerdict }[]): GateVerdict {
  const checks: GateCheck[] = verdicts.flatMap(({ service, verdict }) => verdict.checks.map((c) => ({ ...c, gate: `${service}: ${c.gate}` })));
  const state = checks.some((c) => c.state === "fail") ? "fail" : checks.some((c) => c.state === "no-data") ? "no-data" : "pass";
  return { state, checks };
}

/**
 * Every service's gates in the step's fleet. A service's gates watch the cluster its traffic moves
 * to in the step, else the cluster with the most of its weight; a service without gates of its own
 * still has the schema's default (a healthy target there).
 */
export function liveStackGates(live: LiveTrafficFor, timing: BakeTiming, clock: Clock, signal: AbortSignal | undefined, onRetry: (event: RetryEvent) => void, today?: string): StackGates {
  return {
    async judge(rawFleet, receivers) {
      const validation = validateFleet(rawFleet, { ...(today ? { today } : {}), deployed: rawFleet });
      if (!validation.fleet) return { state: "no-data", checks: [{ gate: "fleet", state: "no-data", detail: "the step's fleet does not parse; nothing to observe" }] };
      const fleet = validation.fleet;
      const verdicts = [];
      for (const [service, spec] of Object.entries(fleet.services)) {
        const heaviest = Object.entries(spec.weights).sort(([, a], [, b]) => b - a)[0]?.[0];
        const receiving = receivers[service] ?? heaviest;
        if (receiving === undefined) continue;
        const read = await retrying(`reading ${service}'s gates`, () => live(fleet, service, receiving).observeGates(), timing, clock, signal, onRetry);
        const observation: GateObservation = "value" in read ? read.value : { alarms: [], error: `could not read the gates: ${read.error}` };
        verdicts.push({ service, verdict: evaluateGates(gatesOf(spec), observation, (spec.weights[receiving] ?? 0) > 0) });
      }
      return combineVerdicts(verdicts);
    },
  };
}
