/**
 * A stack's plan run step by step (`runPlan`), against fakes: a stack file in memory, a `pulumi`
 * that records what it was asked, scripted gate verdicts and a clock that jumps. Halts restore the
 * last passed step (when a config edit can), signals stop at a safe point, and a rerun resumes
 * from the kept state.
 */
import { stringify } from "yaml";
import type { GateVerdict } from "../../src/traffic/gates.js";
import { runPlan, RunPlanError, type RunEvent, type RunInput, type RunState, type RunStep, type RunTiming } from "../../src/upgrade/run-plan.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const text = (fleet: unknown) => stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } });
const original = migrationFleet();
const shifted = edit(original, (f) => { f.services.web.weights = { blue: 50, green: 50 }; });
const upgraded = edit(shifted, (f) => { f.clusters.blue.version = "1.34"; });
const moved = edit(upgraded, (f) => { f.services.web.weights = { blue: 0, green: 100 }; });

const step = (number: number, fleet: unknown, title: string, irreversible: boolean, receivers: Record<string, string> = {}): RunStep => ({
  number, path: `/plan/0${number}.yaml`, text: text(fleet), fleet, title, irreversible, placeholders: [], receivers,
  rollbackNote: irreversible ? "The control-plane upgrade of blue cannot be undone; shifting its traffic to green restores service." : "Apply the previous file again.",
});
const input: RunInput = {
  stack: "prod", planSha256: "plan-1", today: TODAY,
  original: { path: "/plan/original.yaml", text: text(original), fleet: original },
  steps: [step(1, shifted, "web to 50/50", false, { web: "green" }), step(2, upgraded, "blue to 1.34", true), step(3, moved, "web to green", false, { web: "green" })],
};
const timing: RunTiming = { bakeMs: 60_000, pollMs: 30_000, maxPauseMs: 120_000, readRetries: 2, retryBaseMs: 1000 };

const pass: GateVerdict = { state: "pass", checks: [{ gate: "alarm web-p99", state: "pass", detail: "OK" }] };
const fail: GateVerdict = { state: "fail", checks: [{ gate: "alarm web-p99", state: "fail", detail: "ALARM: p99 2.3 s" }] };
const noData: GateVerdict = { state: "no-data", checks: [{ gate: "5xx ratio", state: "no-data", detail: "no requests" }] };

interface World {
  file: string;
  deployed: string;
  state: RunState | undefined;
  ups: string[];
  previews: number;
  events: RunEvent[];
  controller: AbortController;
}

interface WorldOptions {
  /** The verdict of the n-th gate judgement (0-based) for the fleet at `file`. */
  readonly gates?: (n: number, file: string) => GateVerdict;
  readonly previewJson?: (n: number) => unknown;
  readonly upFails?: (n: number) => boolean;
  readonly onSleep?: (world: World) => void;
  readonly state?: RunState;
  readonly file?: string;
}

async function run(options: WorldOptions = {}, world?: World) {
  const w: World = world ?? { file: options.file ?? text(original), deployed: text(original), state: options.state, ups: [], previews: 0, events: [], controller: new AbortController() };
  let judged = 0;
  let now = Date.UTC(2026, 10, 23, 10);
  const result = await runPlan(input, timing, {
    stackFile: {
      read: () => w.file,
      replace: async (expected, next) => {
        if (w.file !== expected) throw new Error("changed by someone else");
        w.file = next;
      },
    },
    pulumi: {
      preview: async () => { w.previews += 1; return options.previewJson?.(w.previews) ?? { steps: [] }; },
      up: async (onLine) => {
        w.ups.push(w.file);
        if (options.upFails?.(w.ups.length)) throw new Error("error: update failed");
        w.deployed = w.file;
        onLine("Resources: 3 updated");
      },
    },
    gates: { judge: async () => options.gates?.(judged++, w.deployed) ?? pass },
    state: { read: () => w.state, write: (s) => { w.state = s; } },
    clock: {
      now: () => now,
      sleep: async (ms) => { now += ms; options.onSleep?.(w); },
    },
    signal: w.controller.signal,
    onEvent: (e) => w.events.push(e),
  });
  return { result, world: w };
}

const fileIs = (w: World, k: number) => expect(w.file).toBe(k === 0 ? input.original.text : input.steps[k - 1]!.text);

describe("running a stack's plan", () => {
  it("applies each step in order, gated by its preview, baked under the gates, and keeps how far it got", async () => {
    const { result, world } = await run();
    expect(result).toEqual({ outcome: "completed", passed: 3 });
    expect(world.ups).toEqual(input.steps.map((s) => s.text));
    expect(world.previews).toBe(3);
    expect(world.state).toMatchObject({ passed: 3, outcome: "completed", plan: "plan-1" });
    expect(world.state!.applied).toBeUndefined();
    expect(world.events.filter((e) => e.type === "passed").map((e) => (e as { step: RunStep }).step.number)).toEqual([1, 2, 3]);
    // Each step baked for the whole bake time under passing gates.
    const gates = world.events.filter((e): e is Extract<RunEvent, { type: "gates" }> => e.type === "gates");
    expect(gates.filter((g) => g.bakedMs >= 60_000)).toHaveLength(3);
    // Run again: nothing left to do, nothing touched.
    const again = await run({}, { ...world, ups: [], previews: 0 });
    expect(again.result.outcome).toBe("completed");
    expect(again.world.ups).toEqual([]);
  });

  it("halts on a failed gate at a reversible step, restores the step before and bakes it again; a rerun resumes there", async () => {
    const { result, world } = await run({ gates: (_n, file) => (file === input.steps[2]!.text ? fail : pass) });
    expect(result.outcome).toBe("halted");
    expect(result.failure).toMatchObject({ step: 3, reason: "a health gate failed" });
    expect(result.failure!.checks[0]!.detail).toContain("ALARM");
    expect(result.restored).toBe(true);
    expect(result.recovery).toEqual(["restored step 2, blue to 1.34", "its gates passed again for 60 s"]);
    fileIs(world, 2);
    expect(world.deployed).toBe(input.steps[1]!.text);
    expect(world.state).toMatchObject({ passed: 2, outcome: "halted" });
    // Fixed: the rerun starts at step 3, not from the beginning.
    const again = await run({}, { ...world, ups: [], previews: 0, events: [] });
    expect(again.result.outcome).toBe("completed");
    expect(again.world.ups).toEqual([input.steps[2]!.text]);
    expect(again.world.events[0]).toMatchObject({ type: "start", from: 3, resumed: true });
  });

  it("halts without undoing an irreversible step, says what to do, and a rerun bakes it again without another update", async () => {
    const { result, world } = await run({ gates: (_n, file) => (file === input.steps[1]!.text ? fail : pass) });
    expect(result).toMatchObject({ outcome: "halted", passed: 1, failure: { step: 2 } });
    expect(result.restored).toBeUndefined();
    expect(result.note).toContain("cannot be undone");
    fileIs(world, 2);
    expect(world.state).toMatchObject({ passed: 1, applied: 2, outcome: "halted" });
    const again = await run({}, { ...world, ups: [], previews: 0, events: [] });
    expect(again.result.outcome).toBe("completed");
    // Step 2 is baked again, not applied again; step 3 is applied.
    expect(again.world.ups).toEqual([input.steps[2]!.text]);
    expect(again.world.events.find((e) => e.type === "step")).toMatchObject({ resumed: true, step: { number: 2 } });
  });

  it("halts on a failed update and restores the step before", async () => {
    const { result, world } = await run({ upFails: (n) => n === 1 });
    expect(result).toMatchObject({ outcome: "halted", passed: 0, restored: true, failure: { step: 1, reason: "pulumi up failed: error: update failed" } });
    fileIs(world, 0);
    expect(world.ups).toEqual([input.steps[0]!.text, input.original.text]);
  });

  it("refuses a step the real preview shows the spec would refuse, or that replaces a cluster, changing nothing", async () => {
    const replaceBlue = { steps: [{ op: "replace", urn: "urn:pulumi:prod::shop::aws:eks/cluster:Cluster::shop-blue", oldState: { type: "aws:eks/cluster:Cluster", custom: true }, newState: { type: "aws:eks/cluster:Cluster", custom: true }, replaceReasons: ["vpcConfig.subnetIds"] }] };
    const { result, world } = await run({ previewJson: () => replaceBlue });
    expect(result.outcome).toBe("refused");
    expect(result.failure!.reason).toContain("would replace EKS cluster shop-blue");
    expect(world.ups).toEqual([]);
    fileIs(world, 0);
    expect(world.state).toMatchObject({ passed: 0, outcome: "refused" });
    const broken = await run({ previewJson: () => ({ nothing: true }) });
    expect(broken.result.failure!.reason).toMatch(/^pulumi preview failed: .*steps/);
  });

  it("refuses a step whose file still holds a placeholder, before touching anything", async () => {
    const holding = { ...input.steps[0]!, text: `${input.steps[0]!.text}# dnsName: green-lb.invalid\n`, placeholders: ["green-lb.invalid"] };
    const inputWith = { ...input, steps: [holding, ...input.steps.slice(1)] };
    const w: World = { file: input.original.text, deployed: "", state: undefined, ups: [], previews: 0, events: [], controller: new AbortController() };
    const result = await runPlan(inputWith, timing, {
      stackFile: { read: () => w.file, replace: async () => { throw new Error("must not write"); } },
      pulumi: { preview: async () => { throw new Error("must not preview"); }, up: async () => { throw new Error("must not update"); } },
      gates: { judge: async () => pass }, state: { read: () => undefined, write: (s) => { w.state = s; } },
      clock: { now: () => 0, sleep: async () => undefined },
    });
    expect(result.outcome).toBe("refused");
    expect(result.failure!.reason).toContain('still holds "green-lb.invalid"');
  });

  it("stops where it is when the gates have no data for too long, and resumes by baking that step again", async () => {
    const { result, world } = await run({ gates: (n) => (n === 0 ? noData : n < 10 ? noData : pass) });
    expect(result.outcome).toBe("paused");
    expect(world.state).toMatchObject({ passed: 0, applied: 1, outcome: "paused" });
    fileIs(world, 1);
  });

  it("refuses to start on a stack file someone else changed, or on another plan's state", async () => {
    await expect(run({ file: "config: {}\n" })).rejects.toThrow(RunPlanError);
    await expect(run({ file: "config: {}\n" })).rejects.toThrow(/holds neither the stack as the plan found it/);
    const other: RunState = { format: "baton-run-state/1", plan: "plan-0", passed: 1, outcome: "halted", updatedAt: "" };
    await expect(run({ state: other })).rejects.toThrow(/belongs to another plan/);
  });
});

describe("a signal during a run", () => {
  it("mid-bake of a reversible step: stops at a safe point and takes it back, and a rerun starts that step again", async () => {
    let sleeps = 0;
    const { result, world } = await run({ onSleep: (w) => { if (++sleeps === 1) w.controller.abort(); } });
    expect(result).toMatchObject({ outcome: "interrupted", passed: 0, restored: true, failure: { step: 1, reason: "stopped by a signal at a safe point" } });
    fileIs(world, 0);
    expect(world.deployed).toBe(input.original.text);
    expect(world.state).toMatchObject({ passed: 0, outcome: "interrupted" });
    const again = await run({}, { ...world, controller: new AbortController(), ups: [], events: [] });
    expect(again.result.outcome).toBe("completed");
  });

  it("mid-bake of an irreversible step: leaves it applied, and a rerun bakes it again", async () => {
    let sleeps = 0;
    // Step 1 bakes with two sleeps; the third sleep is step 2's bake.
    const { result, world } = await run({ onSleep: (w) => { if (++sleeps === 3) w.controller.abort(); } });
    expect(result).toMatchObject({ outcome: "interrupted", passed: 1, failure: { step: 2 } });
    expect(result.note).toContain("stays applied");
    fileIs(world, 2);
    expect(world.state).toMatchObject({ passed: 1, applied: 2, outcome: "interrupted" });
    const again = await run({}, { ...world, controller: new AbortController(), ups: [], events: [] });
    expect(again.result.outcome).toBe("completed");
    expect(again.world.ups).toEqual([input.steps[2]!.text]);
  });
});
