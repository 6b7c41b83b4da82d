/**
 * `baton status --watch` against mocked AWS SDK responses: each read is drawn, a change on AWS
 * shows in the next frame, throttling stretches the wait instead of ending the watch, and Ctrl-C
 * (SIGINT) ends it with exit 0 and its listener removed.
 */
import { allDocsText } from "../support/docs.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { processIo, type Io } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { parseWatchInterval } from "../../src/traffic/watch.js";
import { migrationFleet } from "../support/fleets.js";
import { DescribeClusterCommand, DescribeRulesCommand, mocks, throttling, wireFleet } from "./aws-fixtures.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-watch-"));
const file = path.join(dir, "Pulumi.prod.yaml");
writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": migrationFleet() } }));

/** An Io that records each frame and hands the test the Ctrl-C handler. */
function watchIo(onInterrupt?: Io["onInterrupt"]) {
  const frames: string[] = [];
  const err: string[] = [];
  let waiting: (() => void) | undefined;
  let interrupt: (() => void) | undefined;
  const io: Io = {
    out: (text) => { frames.push(text); waiting?.(); },
    err: (text) => err.push(text),
    color: false,
    stdin: () => "",
    onInterrupt: onInterrupt ?? ((handler) => { interrupt = handler; return () => { interrupt = undefined; }; }),
  };
  /** Resolves when frame `n` (1-based) has been drawn. */
  const frame = (n: number) => new Promise<string>((resolve) => {
    const check = () => { if (frames.length >= n) { waiting = undefined; resolve(frames[n - 1]!); } };
    waiting = check;
    check();
  });
  return { io, frames, err, frame, interrupt: () => interrupt?.() };
}

const readsOfBlue = () => mocks.eks.commandCalls(DescribeClusterCommand).filter((c) => c.args[0].input.name === "shop-blue").length;

beforeEach(() => {
  wireFleet();
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(() => vi.useRealTimers());

describe("the interval", () => {
  it("takes 15s, 2m, 1h or plain seconds, within 5 s to 60 min", () => {
    expect(parseWatchInterval("15s")).toBe(15);
    expect(parseWatchInterval("2m")).toBe(120);
    expect(parseWatchInterval("1h")).toBe(3600);
    expect(parseWatchInterval("30")).toBe(30);
    expect(() => parseWatchInterval("1s")).toThrow("--interval 1s is out of range: use 5s to 60m");
    expect(() => parseWatchInterval("2h")).toThrow(/out of range/);
    expect(() => parseWatchInterval("fast")).toThrow('--interval "fast" is not a duration; write it as 15s, 2m or 1h');
  });

  it("a bad interval, or one without --watch, is a usage error before AWS is read", async () => {
    for (const args of [["--watch", "--interval", "1s"], ["--interval", "30s"], ["--watch", "--interval", "-3"]]) {
      const { io, err } = watchIo();
      expect(await main(["node", "baton", "status", file, ...args], io)).toBe(2);
      expect(err.join("\n")).toMatch(/--interval/);
    }
    expect(readsOfBlue()).toBe(0);
  });
});

describe("baton status --watch", () => {
  it("redraws from each read: drift appears in the frame after AWS changes; Ctrl-C ends it with 0", async () => {
    const w = watchIo();
    const done = main(["node", "baton", "status", file, "--watch", "--interval", "5s"], w.io);
    const first = await w.frame(1);
    expect(first).toContain("live:   { blue: 90, green: 10 }");
    expect(first).not.toContain("DRIFT");
    expect(first).toContain("targets on green: 2 healthy, 1 unhealthy, 1 other");
    expect(first).toContain("read 1, every 5s; next read in 5s; Ctrl-C stops");

    wireFleet({ blue: 50, green: 50 });
    await vi.advanceTimersByTimeAsync(4_900);
    expect(w.frames).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    const second = await w.frame(2);
    expect(second).toContain("live:   { blue: 50, green: 50 }  DRIFT: AWS differs from the config");
    expect(second).toContain("read 2, every 5s");

    w.interrupt();
    expect(await done).toBe(0);
    // Stopped during the wait: no read after Ctrl-C.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(w.frames).toHaveLength(2);
  });

  it("backs off while AWS throttles (the wait doubles), and returns to the interval once it stops", async () => {
    mocks.elbv2.on(DescribeRulesCommand).rejects(throttling());
    const w = watchIo();
    const done = main(["node", "baton", "status", file, "--watch", "--interval", "5s"], w.io);
    expect(await w.frame(1)).toContain("AWS throttled 1 read(s) past the SDK's retries: backing off");
    expect(w.frames[0]).toContain("next read in 10s");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(w.frames).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await w.frame(2)).toContain("next read in 20s");

    wireFleet();
    await vi.advanceTimersByTimeAsync(20_000);
    const third = await w.frame(3);
    expect(third).not.toContain("throttled");
    expect(third).toContain("next read in 5s");
    w.interrupt();
    expect(await done).toBe(0);
  });

  it("--json prints one status document a line, a line per read", async () => {
    const w = watchIo();
    const done = main(["node", "baton", "status", file, "--watch", "--json", "--interval", "5s"], w.io);
    await w.frame(1);
    await vi.advanceTimersByTimeAsync(5_000);
    await w.frame(2);
    w.interrupt();
    expect(await done).toBe(0);
    for (const line of w.frames) expect(JSON.parse(line)).toMatchObject({ fleet: "shop", services: [{ name: "web" }, { name: "api" }] });
    expect(w.frames.every((f) => !f.includes("\n"))).toBe(true);
  });

  it("stops on a SIGINT delivered to the process, and removes its listener", async () => {
    const before = process.listenerCount("SIGINT");
    const w = watchIo(processIo().onInterrupt);
    const done = main(["node", "baton", "status", file, "--watch"], w.io);
    await w.frame(1);
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    process.emit("SIGINT", "SIGINT");
    expect(await done).toBe(0);
    expect(process.listenerCount("SIGINT")).toBe(before);
    expect(w.frames).toHaveLength(1);
  });
});

describe("the README's recorded frame", () => {
  it("is what `baton status stacks/Pulumi.migration.yaml --watch --interval 30s` draws when web's weights drift", async () => {
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: new Date("2026-11-23T10:00:00Z") });
    wireFleet({ blue: 50, green: 50 });
    const w = watchIo();
    const repo = path.resolve(__dirname, "../..");
    const done = main(["node", "baton", "status", path.join(repo, "stacks/Pulumi.migration.yaml"), "--watch", "--interval", "30s"], w.io);
    const frame = await w.frame(1);
    w.interrupt();
    expect(await done).toBe(0);
    const readme = allDocsText();
    const recorded = /<!-- status-watch-frame -->\n```text\n\$ baton status stacks\/Pulumi.migration.yaml --watch --interval 30s\n([\s\S]*?)\n```/.exec(readme);
    expect(recorded, "README marks the frame with <!-- status-watch-frame -->").not.toBeNull();
    expect(recorded![1]).toBe(frame.trimEnd());
  });
});

describe("upgrade insights in a watch", () => {
  it("are read once per cluster and kept across reads (EKS refreshes them daily)", async () => {
    const listInsights = () => mocks.eks.calls().filter((c) => (c.args[0] as { constructor: { name: string } }).constructor.name === "ListInsightsCommand").length;
    const w = watchIo();
    const done = main(["node", "baton", "status", file, "--watch", "--interval", "5s"], w.io);
    expect(await w.frame(1)).toContain("upgrade insights for 1.34: 4 passing");
    await vi.advanceTimersByTimeAsync(5_000);
    const second = await w.frame(2);
    expect(second).toContain("upgrade insights for 1.34: 4 passing");
    expect(readsOfBlue()).toBe(2);
    expect(listInsights()).toBe(2);
    w.interrupt();
    expect(await done).toBe(0);
  });
});
