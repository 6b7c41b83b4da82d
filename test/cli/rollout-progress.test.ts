/**
 * The rollout's progress panel, fed the events a real rollout emits (the rollout state machine
 * against the fake world of the traffic tests): step, weights, each gate's state and the bake
 * counting down between observations.
 */
import { allDocsText } from "../support/docs.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { rolloutPanel } from "../../src/cli/rollout-progress.js";
import { DEFAULT_TIMING, runRollout, type RolloutEvent } from "../../src/traffic/rollout.js";
import { buildSchedule } from "../../src/traffic/schedule.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { fakeWorld } from "../traffic/fakes.js";

const plain = { red: String, green: String, yellow: String, bold: String, dim: String };
const input = edit(migrationFleet(), (f) => {
  f.services.web.weights = { blue: 100, green: 0 };
  f.services.web.gates = { alarms: ["web-p99"], minHealthyTargets: 3, max5xxRatio: 0.02 };
});

async function frames(script?: (n: number, aws: Record<string, number>) => "ok" | "alarm" | "insufficient") {
  const validation = validateFleet(input, { today: TODAY, deployed: input });
  const schedule = buildSchedule(validation.fleet!, "web", "green", [10, 50], plain, { today: TODAY });
  const world = fakeWorld({ file: { blue: 100, green: 0 }, ...(script ? { script } : {}) });
  const start = world.clock.now();
  const panel = rolloutPanel("web", "green", plain, start);
  const drawn: { event: RolloutEvent; at: number; text: string }[] = [];
  await runRollout(schedule, { ...DEFAULT_TIMING, bakeMs: 120_000, pollMs: 30_000 }, {
    ...world,
    onEvent: (event) => {
      const at = world.clock.now();
      panel.onEvent(event, at);
      drawn.push({ event, at, text: panel.render(at) });
    },
  });
  return { drawn, panel };
}

describe("the rollout's progress panel", () => {
  it("shows the step, its weights, the gates' states and the bake left", async () => {
    const { drawn } = await frames();
    // Before any weight moves the gates are checked once: no step, no bake yet.
    expect(drawn[0]!.event.type).toBe("gates");
    expect(drawn[0]!.text.split("\n")[1]).toBe("  checking the gates before any weight moves");
    const gates = drawn.filter((d) => d.event.type === "gates").slice(1);
    expect(gates.length).toBeGreaterThan(2);
    const first = gates[0]!.text.split("\n");
    expect(first[0]).toMatch(/^rollout web → green · step 1\/2 \(10%\) · \{ blue: 90, green: 10 \} · \d+s$/);
    expect(first[1]).toMatch(/^ {2}baking · bake (1m|2m) \d\ds left of 2m 00s$|^ {2}baking · bake \d+s left of 2m 00s$/);
    expect(gates[0]!.text).toContain("pass alarm web-p99");
    expect(gates[0]!.text).toMatch(/pass healthy targets/);
    const last = drawn.at(-1)!.text;
    expect(last).toContain("step 2/2 (50%) · { blue: 50, green: 50 }");
    expect(last).toContain("step 50% passed");
  });

  it("counts the bake down between observations while the gates pass, and stops the count when they have no data", async () => {
    const { drawn, panel } = await frames((n) => (n >= 2 && n <= 3 ? "insufficient" : "ok"));
    const passing = drawn.filter((d) => d.event.type === "gates" && d.event.verdict.state === "pass")[1]!;
    panel.onEvent(passing.event, passing.at);
    const left = (text: string) => /bake (.+?) left/.exec(text)![1];
    expect(left(panel.render(passing.at))).not.toBe(left(panel.render(passing.at + 10_000)));
    const paused = drawn.find((d) => d.event.type === "gates" && d.event.verdict.state === "no-data")!;
    panel.onEvent(paused.event, paused.at);
    expect(panel.render(paused.at)).toContain("paused: gates have no data");
    expect(left(panel.render(paused.at))).toBe(left(panel.render(paused.at + 10_000)));
    expect(panel.render(paused.at)).toContain("no data");
  });
});

describe("the README's recorded rollout frame", () => {
  it("is the panel during step 2's bake, as the rollout draws it", async () => {
    const { drawn } = await frames();
    const frame = drawn.filter((d) => d.event.type === "gates" && d.text.includes("step 2/2"))[1]!.text;
    const readme = allDocsText();
    const recorded = /<!-- rollout-progress-frame -->\n```text\n([\s\S]*?)\n```/.exec(readme);
    expect(recorded, "README marks the frame with <!-- rollout-progress-frame -->").not.toBeNull();
    expect(recorded![1]).toBe(frame);
  });
});
