import fc from "fast-check";
import { buildSchedule, type Schedule } from "../../src/traffic/schedule.js";
import { DEFAULT_TIMING, runRollout, type RolloutEvent } from "../../src/traffic/rollout.js";
import type { Weights } from "../../src/fleet/traffic.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatResult } from "../../src/traffic/format-rollout.js";
import { readServiceWeights, writeServiceWeights } from "../../src/traffic/stack-file.js";
import { stackFileWeights } from "../../src/traffic/weights-file.js";
import { writeStackFile } from "../support/cli.js";
import { fakeWorld, type FakeOptions, type Scripted } from "./fakes.js";

const plain = { red: String, green: String, yellow: String, bold: String, dim: String };
const MIN = 60_000;
const timing = { ...DEFAULT_TIMING, bakeMs: 10 * MIN, pollMs: 30_000, maxPauseMs: 15 * MIN };
const STEPS = [10, 25, 50, 100];

/** The migration fleet with health gates on web and web's weights as given. */
function fleetWith(weights: Weights) {
  return edit(migrationFleet(), (f) => {
    f.services.web.weights = weights;
    f.services.web.gates = { alarms: ["web-p99"], minHealthyTargets: 2, max5xxRatio: 0.01 };
  });
}
const schedule = (weights: Weights, steps = STEPS): Schedule => buildSchedule(fleetWith(weights), "web", "green", steps, plain, { today: TODAY });
const at = (green: number) => ({ blue: 100 - green, green });

async function run(weights: Weights, options: Omit<FakeOptions, "file"> = {}) {
  const world = fakeWorld({ file: weights, ...options });
  const events: RolloutEvent[] = [];
  const result = await runRollout(schedule(weights), timing, { ...world, onEvent: (e) => events.push(e) });
  return { world, events, result };
}

describe("rollout schedule", () => {
  it("starts from the file's weights and scales the other clusters", () => {
    const s = schedule(at(0));
    expect(s.steps.map((x) => x.weights)).toEqual([at(10), at(25), at(50), at(100)]);
    expect(s.fallback).toEqual(at(0));
    expect(s.gates).toEqual({ alarms: ["web-p99"], minHealthyTargets: 2, max5xxRatio: 0.01 });
  });

  it("resumes at the file's weights, re-baking them, with the step below as fallback", () => {
    const s = schedule(at(25));
    expect(s.steps.map((x) => [x.percent, x.resumed])).toEqual([[25, true], [50, false], [100, false]]);
    expect(s.fallback).toEqual(at(10));
    expect(schedule(at(100)).steps).toEqual([]);
  });

  it("refuses, with the spec's message, a schedule whose step the spec refuses", () => {
    // Valid at weight 0, refused once green takes api traffic: green has no Route53 alias target.
    const fleet = edit(fleetWith(at(0)), (f) => { if (f.services.api.routing === "route53") delete f.services.api.route53.targets.green; });
    expect(() => buildSchedule(fleet, "api", "green", STEPS, plain, { today: TODAY })).toThrow(/route53-target-missing/);
  });
});

describe("rollout state machine", () => {
  it("advances through every step when the gates pass, baking each for the full time", async () => {
    const { world, result, events } = await run(at(0));
    expect(result.outcome).toBe("completed");
    expect(world.writes).toEqual([at(10), at(25), at(50), at(100)]);
    expect(world.aws).toEqual(at(100));
    expect(world.upCalls).toBe(4);
    // 1 check before the first step + 21 observations per 10-minute bake at 30 s.
    expect(world.observed).toHaveLength(1 + 4 * 21);
    expect(events.filter((e) => e.type === "passed")).toHaveLength(4);
  });

  it("halts on an alarm, restores the last good weights on file and AWS, and reports when and why", async () => {
    const { world, result } = await run(at(0), { script: (_n, aws) => (aws.green === 50 ? "alarm" : "ok") });
    expect(result.outcome).toBe("halted");
    expect(result.restored).toBe(true);
    expect(result.weights).toEqual(at(25));
    expect(world.aws).toEqual(at(25));
    expect(world.writes.at(-1)).toEqual(at(25));
    expect(result.failure?.percent).toBe(50);
    expect(result.failure?.at.toISOString()).toBe("2026-11-23T10:20:00.000Z");
    expect(result.failure?.checks.find((c) => c.state === "fail")).toMatchObject({ gate: "alarm web-p99", detail: "ALARM: p99 latency 2.3 s > 1 s" });
  });

  it("halts on too few healthy targets in the middle of a bake", async () => {
    const { result, world } = await run(at(0), { script: (n) => (n === 5 ? "unhealthy" : "ok") });
    expect(result).toMatchObject({ outcome: "halted", weights: at(0) });
    expect(result.failure?.checks).toContainEqual({ gate: "healthy targets", state: "fail", detail: "0 healthy, at least 2 required" });
    expect(world.aws).toEqual(at(0));
  });

  it("refuses to start, touching nothing, when the gates fail before any traffic moves", async () => {
    const { world, result } = await run(at(0), { script: () => "alarm" });
    expect(result.outcome).toBe("refused");
    expect(world.writes).toEqual([]);
    expect(world.upCalls).toBe(0);
  });

  it("pauses on INSUFFICIENT_DATA: the bake clock stops, nothing advances or rolls back, then goes on", async () => {
    // Observations 3–8 of the first step lack data: six polls (3 min) of pause.
    const { world, result, events } = await run(at(0), { script: (n) => (n >= 3 && n <= 8 ? "insufficient" : "ok") });
    expect(result.outcome).toBe("completed");
    const firstStep = world.observed.filter((o) => o.aws.green === 10);
    expect(firstStep).toHaveLength(21 + 6);
    expect(firstStep.every((o) => o.aws.green === 10)).toBe(true);
    const paused = events.filter((e) => e.type === "gates" && e.verdict.state === "no-data");
    expect(paused).toHaveLength(6);
  });

  it("treats a throttled or failed gate read as missing data, not as a failure", async () => {
    const { result } = await run(at(0), { script: (n) => (n === 2 ? "throttled" : "ok") });
    expect(result.outcome).toBe("completed");
  });

  it("stops where it is when data stays missing past the pause limit; the file records that step", async () => {
    const { world, result } = await run(at(0), { script: (_n, aws) => (aws.green === 25 ? "insufficient" : "ok") });
    expect(result.outcome).toBe("paused");
    expect(result.weights).toEqual(at(25));
    expect(world.aws).toEqual(at(25));
    expect(result.failure?.checks[0]).toMatchObject({ gate: "alarm web-p99", state: "no-data" });
  });

  it("halts and restores when pulumi up fails or AWS does not show the weights", async () => {
    const failed = await run(at(0), { failingUps: new Set([2]) });
    expect(failed.result).toMatchObject({ outcome: "halted", weights: at(10), restored: true });
    expect(failed.result.failure?.reason).toMatch(/pulumi up failed/);
    expect(failed.world.aws).toEqual(at(10));

    const world = fakeWorld({ file: at(0) });
    world.live.appliedWeights = async () => at(0);
    const result = await runRollout(schedule(at(0)), timing, world);
    expect(result.outcome).toBe("halted");
    expect(result.failure?.reason).toBe("AWS holds { blue: 100, green: 0 } after pulumi up, not { blue: 90, green: 10 }");
  });

  it("says so when restoring the last good weights fails too", async () => {
    const { result } = await run(at(0), { failingUps: new Set([2, 3]) });
    expect(result).toMatchObject({ outcome: "halted", restored: false, weights: at(10) });
    expect(result.restoreError).toMatch(/pulumi up failed/);
  });

  it("on a signal mid-bake, stops, takes the traffic back to the last step that passed, and a rerun goes on from there", async () => {
    // SIGTERM four minutes into step 25's bake.
    let sleptAt25 = 0;
    const first = await run(at(0), {
      onSleep: (w) => { if (w.aws.green === 25 && ++sleptAt25 === 8) w.controller.abort(); },
    });
    expect(first.result).toMatchObject({ outcome: "interrupted", weights: at(10), restored: true });
    expect(first.result.failure?.percent).toBe(25);
    // File and stack agree afterwards.
    expect(first.world.aws).toEqual(at(10));
    expect(first.world.file).toEqual(at(10));
    // No new bake after a stop: the step that passed is restored and verified, not re-baked.
    expect(first.world.observed.filter((o) => o.aws.green === 10)).toHaveLength(21);

    const rerun = await run(first.result.weights);
    expect(rerun.result.outcome).toBe("completed");
    // The file's step is applied and baked again before moving on.
    expect(rerun.world.upCalls).toBe(4);
    expect(rerun.world.writes).toEqual([at(25), at(50), at(100)]);
  });

  it("after a failed pulumi up, at whatever phase, the file holds what the stack actually has", async () => {
    for (const phase of ["before", "partial", "after"] as const) {
      // The second update (step 25) fails; the restore then goes back to 10.
      const { world, result, events } = await run(at(0), { upFailures: new Map([[2, phase]]) });
      expect(result.outcome).toBe("halted");
      expect(result.failure?.reason).toMatch(/^pulumi up failed: .*; the stack holds .*, now in the file$/);
      expect(world.file).toEqual(world.aws);
      expect(world.aws).toEqual(at(10));
      // Only a partial update leaves the stack on weights nobody asked for; the file follows it.
      if (phase === "partial") expect(events).toContainEqual(expect.objectContaining({ type: "write", why: "stack" }));
    }
    // The restore fails too: the file still says what the stack has, and the report says restoring failed.
    const { world, result } = await run(at(0), { upFailures: new Map([[2, "partial"], [3, "before"]]) });
    expect(result).toMatchObject({ outcome: "halted", restored: false });
    expect(world.file).toEqual(world.aws);
  });

  it("previews each step and refuses it, writing nothing, when the stack holds other changes", async () => {
    const { world, result } = await run(at(0), { otherChanges: (n) => (n === 2 ? ["update aws:eks/cluster:Cluster shop-green (version)"] : []) });
    expect(result.outcome).toBe("refused");
    expect(result.failure?.reason).toContain("the stack holds changes besides web's weights");
    expect(result.failure?.reason).toContain("update aws:eks/cluster:Cluster shop-green (version)");
    // Step 10 went through; step 25 wrote nothing and applied nothing.
    expect(world.writes).toEqual([at(10)]);
    expect(world.upCalls).toBe(1);
    expect(world.file).toEqual(at(10));
    expect(world.aws).toEqual(at(10));
  });

  it("retries throttled reads with back-off before judging the applied weights", async () => {
    // The first four reads after the first update are throttled; the fifth goes through.
    const { result, events } = await run(at(0), { throttledReads: (n) => n < 4 });
    expect(result.outcome).toBe("completed");
    const retries = events.filter((e) => e.type === "retry");
    expect(retries.map((e) => (e.type === "retry" ? e.waitMs : 0))).toEqual([1000, 2000, 4000, 8000]);
    // Throttled past every retry: judged, and taken back.
    const exhausted = await run(at(0), { throttledReads: (n) => n >= 0 });
    expect(exhausted.result.outcome).toBe("halted");
    expect(exhausted.result.failure?.reason).toMatch(/could not read the applied weights \(after 5 retries\): Rate exceeded/);
  });

  it("on a halt, re-checks the last step that passed and goes on to the origin when it fails there too; --on-halt origin goes straight back", async () => {
    // 25 passes, 50 fails, and 25 fails its re-check.
    let failedAt50 = false;
    const script = (_n: number, aws: Weights): Scripted => {
      if (aws.green === 50) failedAt50 = true;
      return aws.green === 50 || (failedAt50 && aws.green === 25) ? "alarm" : "ok";
    };
    const lastPassed = await run(at(0), { script });
    expect(lastPassed.result).toMatchObject({ outcome: "halted", weights: at(0), restored: true });
    expect(lastPassed.result.recovery).toEqual([
      "restored { blue: 75, green: 25 } (the last step that passed)",
      "its gates did not pass again (a gate failed): on to the origin",
      "restored { blue: 100, green: 0 } (the origin)",
    ]);
    expect(lastPassed.world.aws).toEqual(at(0));

    const world = fakeWorld({ file: at(0), script: (_n, aws) => (aws.green === 50 ? "alarm" : "ok") });
    const origin = await runRollout(schedule(at(0)), timing, { ...world, onHalt: "origin" });
    expect(origin).toMatchObject({ outcome: "halted", weights: at(0), recovery: ["restored { blue: 100, green: 0 } (the origin)"] });
    expect(world.aws).toEqual(at(0));
  });

  it("a signal during an update lets it finish, then takes the traffic back; file and stack agree", async () => {
    const { world, result } = await run(at(0), { onUp: (w) => { if (w.upCalls === 2) w.controller.abort(); } });
    expect(result).toMatchObject({ outcome: "interrupted", restored: true, weights: at(10) });
    // Update 2 (to 25) finished, then update 3 restored 10.
    expect(world.upCalls).toBe(3);
    expect(world.aws).toEqual(at(10));
    expect(world.file).toEqual(at(10));
  });

  it("never ends with traffic on a step whose gate failed, and the file always says what the stack has (property)", async () => {
    const kinds: Scripted[] = ["ok", "ok", "ok", "alarm", "insufficient", "unhealthy", "throttled"];
    const phases = ["before", "partial", "after"] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          script: fc.array(fc.constantFrom(...kinds), { maxLength: 120 }),
          startGreen: fc.constantFrom(0, 10, 25, 50),
          upFailures: fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.constantFrom(...phases)), { maxLength: 3 }),
          others: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 1 }),
          throttled: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 8 }),
          signalAtSleep: fc.option(fc.integer({ min: 1, max: 150 }), { nil: undefined }),
          signalAtUp: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
          onHalt: fc.constantFrom("last-passed" as const, "origin" as const),
        }),
        async (c) => {
          let sleeps = 0;
          const world = fakeWorld({
            file: at(c.startGreen),
            script: (n) => c.script[n] ?? "ok",
            upFailures: new Map(c.upFailures),
            otherChanges: (n) => (c.others.includes(n) ? ["update aws:eks/cluster:Cluster shop-green"] : []),
            throttledReads: (n) => c.throttled.includes(n),
            onSleep: (w) => { if (++sleeps === c.signalAtSleep) w.controller.abort(); },
            onUp: (w) => { if (w.upCalls === c.signalAtUp) w.controller.abort(); },
          });
          const result = await runRollout(schedule(at(c.startGreen)), timing, { ...world, onHalt: c.onHalt });
          const failedAt = world.observed.filter((o) => o.kind === "alarm" || o.kind === "unhealthy").map((o) => JSON.stringify(o.aws));
          const stepWeights = new Set(schedule(at(c.startGreen)).steps.map((s) => JSON.stringify(s.weights)));
          // The file always says what the stack (here, AWS) has: after failed updates, halts and signals alike.
          expect(world.file).toEqual(world.aws);
          expect(result.weights).toEqual(world.file);
          // Unless the report says restoring failed, it never ends on a step whose gate failed.
          if (result.restored !== false && stepWeights.has(JSON.stringify(world.aws))) expect(failedAt).not.toContain(JSON.stringify(world.aws));
          if (result.outcome === "completed") expect(result.weights).toEqual(at(100));
          // A signal never leaves traffic past the last step that passed.
          if (result.outcome === "interrupted" && result.restored !== false) expect(world.aws.green ?? 0).toBeLessThanOrEqual(Math.max(c.startGreen, ...world.writes.map((w) => w.green ?? 0)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the rollout's report", () => {
  it("states the file's weights as read from the file: a shift made during the bake is what the report says the file holds", async () => {
    const file = writeStackFile(mkdtempSync(path.join(tmpdir(), "baton-report-")), "Pulumi.prod.yaml", fleetWith(at(0)));
    const store = stackFileWeights(file, "web");
    let shifted = false;
    // The gates fail on the fourth observation, after someone shifted web by hand mid-bake.
    const world = fakeWorld({
      file: at(0),
      script: (n) => (n >= 3 ? "alarm" : "ok"),
      onSleep: () => {
        if (shifted) return;
        shifted = true;
        writeFileSync(file, writeServiceWeights(readFileSync(file, "utf8"), file, "web", at(40)));
      },
    });
    // The real store on the real file; the fake update applies what it holds.
    const ports = { ...world, store: { read: () => store.read(), write: async (w: Weights) => { await store.write(w); world.file = { ...w }; } } };
    const result = await runRollout(schedule(at(0)), timing, ports);
    expect(result.outcome).toBe("halted");
    expect(result.restored).toBe(false);
    expect(readServiceWeights(readFileSync(file, "utf8"), file, "web").weights).toEqual(at(40));
    expect(result.weights).toEqual(at(40));
    const report = formatResult(result, schedule(at(0)), file, plain);
    expect(report).toContain(`${file} holds { blue: 60, green: 40 } (changed by someone else since baton last wrote or read { blue: 90, green: 10 } there); AWS may not.`);
  });
});
