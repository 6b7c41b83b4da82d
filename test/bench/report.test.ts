import { bar, renderReport } from "../../bench/lib/report.js";
import type { Results } from "../../bench/lib/results.js";

function results(overrides: { helpMs?: number; previewMs?: number; batonCpuMs?: number; heavy?: string[] } = {}): Results {
  const sizes = [1, 10, 100, 300];
  return {
    date: "2026-11-23", durationS: 200,
    machine: { cores: 2, cpuModel: "test CPU", memoryGiB: 8, node: "v20.0.0", platform: "linux x64", loadBefore: 1, loadAfter: 2, gnuTime: true },
    preview: sizes.map((clusters) => ({
      clusters, runs: 3, resources: clusters * 60, ms: overrides.previewMs !== undefined && clusters === 300 ? overrides.previewMs : 200 + clusters * 50,
      cpuMs: 300 + clusters * 60, captureMs: 180 + clusters * 49, diffAndCommentMs: 20, processMs: 2500 + clusters * 50, maxRssKiB: 200_000 + clusters * 2000, commentChars: 1600,
    })),
    overhead: sizes.map((clusters) => ({
      clusters, runs: 3, customResources: clusters * 25, components: clusters * 6, batonMs: 100 + clusters * 25, baselineMs: 90 + clusters * 24,
      batonCpuMs: overrides.batonCpuMs !== undefined && clusters === 300 ? overrides.batonCpuMs : 110 + clusters * 26, baselineCpuMs: 100 + clusters * 25,
      batonRssKiB: 300_000, baselineRssKiB: 290_000,
    })),
    check: { files: 2000, manifests: 10_000, findings: 2853, runs: 5, parseMs: 2500, checkMs: 2400, maxRssKiB: 170_000 },
    cli: [{ label: "baton validate", command: "baton validate Pulumi.c300-before.yaml", runs: 5, ms: 900, maxRssKiB: 90_000 }],
    coldStart: [
      { label: "node alone", command: "node -e \"\"", runs: 10, ms: 60 },
      { label: "baton --help", command: "baton --help", runs: 10, ms: overrides.helpMs ?? 150 },
    ],
    moduleLoads: [
      { command: "baton --help", modules: 200, packages: ["commander", "yaml", "zod"], heavy: [] },
      { command: "baton check deployment.yaml --target 1.32", modules: 220, packages: ["commander", "yaml", ...(overrides.heavy ?? [])], heavy: overrides.heavy ?? [] },
    ],
  };
}

describe("renderReport", () => {
  it("shows every size's figures, the slope and a chart, and no missed section when every target is met", () => {
    const text = renderReport(results(), { quick: false });
    expect(text).toContain("| 300 | 3 | 18,000 | 15.2 s |");
    expect(text).toContain("offline preview (two captures): 50.0 ms per cluster (intercept 200 ms, R² 1.000)");
    expect(text).toMatch(/ 300 clusters {2}preview {2}█{48} +15\.2 s/);
    expect(text).toContain("| `baton check` throughput at least 0.80× of bare YAML parsing | 1.04× | met |");
    expect(text).not.toContain("Targets missed");
    expect(text).not.toContain("Smoke-test");
  });

  it("names a missed --help target, baton's share over node's start-up, and the eager packages", () => {
    const text = renderReport(results({ helpMs: 250 }), { quick: false });
    expect(text).toContain("| `baton --help` under 200 ms | 250 ms | **missed** (see below) |");
    expect(text).toContain("Node alone takes 60 ms to start on this machine, so baton's share is 190 ms.");
    expect(text).toContain("loading `yaml` and `zod`");
  });

  it("explains a slow 300-cluster preview with the mock runtime's floor per resource", () => {
    const text = renderReport(results({ previewMs: 45_000 }), { quick: false });
    expect(text).toContain("**The 300-cluster preview misses 30 s.**");
    expect(text).toContain("the mock runtime alone costs 1.01 ms of CPU per provider resource here");
    expect(text).toContain("cost at least 15.2 s of CPU before baton does anything");
  });

  it("flags overhead above 1.2× and a check that loads Pulumi", () => {
    const text = renderReport(results({ batonCpuMs: 10_000, heavy: ["@pulumi/pulumi"] }), { quick: false });
    expect(text).toMatch(/overhead against the raw-resource baseline at most 1\.20× \(300 clusters\) \| 1\.32× CPU time.*\*\*missed\*\*/);
    expect(text).toContain("**including @pulumi/pulumi**");
  });

  it("explains a check below 0.8× of bare parsing with its cost per manifest", () => {
    const slow = { ...results(), check: { files: 2000, manifests: 10_000, findings: 2853, runs: 5, parseMs: 2000, checkMs: 2600 } };
    const text = renderReport(slow, { quick: false });
    expect(text).toContain("**`baton check` keeps 0.77× of bare parsing's throughput, under 0.80×.** It spends 60 µs per manifest beyond parsing");
  });

  it("says so when it was a smoke test", () => {
    expect(renderReport(results(), { quick: true })).toContain("Smoke-test run");
  });
});

describe("bar", () => {
  it("draws the maximum at full width and smaller values in eighths", () => {
    expect(bar(10, 10, 4)).toBe("████");
    expect(bar(5, 10, 4)).toBe("██");
    expect(bar(1, 16, 2)).toBe("▏");
    expect(bar(0, 10, 4)).toBe("");
  });
});
