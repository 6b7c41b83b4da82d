/**
 * Fakes for the rollout's ports: an in-memory stack file, a `pulumi up` that copies the file's
 * weights to a fake AWS, scripted gate observations, and a clock that jumps instead of sleeping.
 */
import type { GateObservation } from "../../src/traffic/gates.js";
import type { Clock, LiveTraffic, RolloutPorts, StackApplier, WeightsStore } from "../../src/traffic/rollout.js";
import type { Weights } from "../../src/fleet/traffic.js";

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

/** Where a `pulumi up` fails: before changing anything, after changing some of the weights, or after all of them. */
export type UpFailure = "before" | "partial" | "after";

export interface FakeWorld extends RolloutPorts {
  /** The weights on the fake AWS (what the stack applied). */
  aws: Weights;
  /** The weights in the fake stack file. */
  file: Weights;
  /** Every weights written to the file, in order. */
  writes: Weights[];
  /** Every weights present on AWS when an observation was made, with the scripted kind. */
  observed: { aws: Weights; kind: Scripted }[];
  upCalls: number;
  previewCalls: number;
  controller: AbortController;
}

export interface FakeOptions {
  /** The file's weights at the start. */
  readonly file: Weights;
  /** The observation for the n-th gate read (0-based) and the weights on AWS; default "ok". */
  readonly script?: (n: number, aws: Weights) => Scripted;
  /** Which `pulumi up` calls (1-based) fail before changing anything. */
  readonly failingUps?: ReadonlySet<number>;
  /** Which `pulumi up` calls (1-based) fail, and where. */
  readonly upFailures?: ReadonlyMap<number, UpFailure>;
  /** Other changes the n-th preview (1-based) finds in the stack. */
  readonly otherChanges?: (n: number) => readonly string[];
  /** Whether the n-th read of the applied weights (0-based) is throttled. */
  readonly throttledReads?: (n: number) => boolean;
  /** Called after each sleep, e.g. to abort mid-bake. */
  readonly onSleep?: (world: FakeWorld) => void;
  /** Called when an update starts, e.g. to send a signal mid-update. */
  readonly onUp?: (world: FakeWorld) => void;
}

const throttling = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });

export function fakeWorld(options: FakeOptions): FakeWorld {
  let now = Date.UTC(2026, 10, 23, 10, 0, 0);
  let reads = 0;
  let weightReads = 0;
  const controller = new AbortController();
  const world: FakeWorld = {
    aws: { ...options.file },
    file: { ...options.file },
    writes: [],
    observed: [],
    upCalls: 0,
    previewCalls: 0,
    controller,
    signal: controller.signal,
    store: {
      read: () => world.file,
      write: async (weights) => { world.file = { ...weights }; world.writes.push(world.file); },
    } satisfies WeightsStore,
    applier: {
      otherChanges: async () => {
        world.previewCalls += 1;
        return options.otherChanges?.(world.previewCalls) ?? [];
      },
      up: async (onOutput) => {
        world.upCalls += 1;
        options.onUp?.(world);
        const failure = options.failingUps?.has(world.upCalls) ? "before" : options.upFailures?.get(world.upCalls);
        if (failure === "before") throw new Error("error: 1 resource failed to update");
        if (failure === "partial") {
          // Route53 updates its records one by one: the first cluster's weight went through.
          const [first] = Object.keys(world.file).sort();
          world.aws = { ...world.aws, ...(first === undefined ? {} : { [first]: world.file[first]! }) };
          throw new Error("error: 1 of 2 records failed to update");
        }
        world.aws = { ...world.file };
        if (failure === "after") throw new Error("error: update failed after the records changed (a later resource)");
        onOutput("Resources: 1 updated");
      },
      stackWeights: async () => ({ ...world.aws }),
    } satisfies StackApplier,
    live: {
      appliedWeights: async () => {
        if (options.throttledReads?.(weightReads++)) throw throttling();
        return { ...world.aws };
      },
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
