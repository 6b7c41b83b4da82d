/**
 * Fakes for the rollout's ports: an in-memory stack file, a `pulumi up` that copies the file's
 * weights to a fake AWS, scripted gate observations, and a clock that jumps instead of sleeping.
 */
import type { GateObservation } from "../../src/traffic/gates.js";
import type { Clock, LiveTraffic, RolloutPorts, StackApplier, WeightsStore } from "../../src/traffic/rollout.js";
import type { Weights } from "../../src/spec/traffic.js";

export type Scripted = "ok" | "alarm" | "insufficient" | "unhealthy" | "throttled";

export const observation = (kind: Scripted): GateObservation => {
  switch (kind) {
    case "ok": return { alarms: [{ name: "web-p99", state: "OK" }], healthyTargets: 3, http: { requests: 1000, errors5xx: 1 } };
    case "alarm": return { alarms: [{ name: "web-p99", state: "ALARM", reason: "p99 latency 2.3 s > 1 s" }], healthyTargets: 3, http: { requests: 1000, errors5xx: 1 } };
    case "insufficient": return { alarms: [{ name: "web-p99", state: "INSUFFICIENT_DATA" }], healthyTargets: 3, http: { requests: 1000, errors5xx: 1 } };
    case "unhealthy": return { alarms: [{ name: "web-p99", state: "OK" }], healthyTargets: 0, http: { requests: 1000, errors5xx: 1 } };
    case "throttled": throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
  }
};

export interface FakeWorld extends RolloutPorts {
  /** The weights on the fake AWS. */
  aws: Weights;
  /** Every weights written to the file, in order. */
  writes: Weights[];
  /** Every weights present on AWS when an observation was made, with the scripted kind. */
  observed: { aws: Weights; kind: Scripted }[];
  upCalls: number;
  controller: AbortController;
}

export interface FakeOptions {
  /** The file's weights at the start. */
  readonly file: Weights;
  /** The observation for the n-th gate read (0-based) and the weights on AWS; default "ok". */
  readonly script?: (n: number, aws: Weights) => Scripted;
  /** Which `pulumi up` calls (1-based) fail. */
  readonly failingUps?: ReadonlySet<number>;
  /** Called after each sleep, e.g. to abort mid-bake. */
  readonly onSleep?: (world: FakeWorld) => void;
}

export function fakeWorld(options: FakeOptions): FakeWorld {
  let file: Weights = { ...options.file };
  let now = Date.UTC(2026, 10, 23, 10, 0, 0);
  let reads = 0;
  const controller = new AbortController();
  const world: FakeWorld = {
    aws: { ...options.file },
    writes: [],
    observed: [],
    upCalls: 0,
    controller,
    signal: controller.signal,
    store: {
      read: () => file,
      write: (weights) => { file = { ...weights }; world.writes.push(file); },
    } satisfies WeightsStore,
    applier: {
      up: async (onOutput) => {
        world.upCalls += 1;
        if (options.failingUps?.has(world.upCalls)) throw new Error("error: 1 resource failed to update");
        onOutput("Resources: 1 updated");
        world.aws = { ...file };
      },
    } satisfies StackApplier,
    live: {
      appliedWeights: async () => ({ ...world.aws }),
      observeGates: async () => {
        const kind = options.script?.(reads++, world.aws) ?? "ok";
        world.observed.push({ aws: { ...world.aws }, kind });
        return observation(kind);
      },
    } satisfies LiveTraffic,
    clock: {
      now: () => now,
      sleep: async (ms) => { now += ms; options.onSleep?.(world); },
    } satisfies Clock,
  };
  return world;
}
