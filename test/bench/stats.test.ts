import { canonical } from "../../bench/lib/canonical.js";
import { providerOf } from "../../bench/lib/graph.js";
import { leastSquares, median } from "../../bench/lib/stats.js";

describe("median", () => {
  it("takes the middle of unsorted samples", () => {
    expect(median([30, 10, 20])).toBe(20);
  });
  it("takes the lower middle of an even count, a value that was measured", () => {
    expect(median([4, 1, 3, 2])).toBe(2);
  });
  it("refuses no samples", () => {
    expect(() => median([])).toThrow(/no samples/);
  });
});

describe("leastSquares", () => {
  it("recovers an exact line with R² 1", () => {
    const fit = leastSquares([[1, 105], [10, 150], [100, 600], [300, 1600]]);
    expect(fit.slope).toBeCloseTo(5, 10);
    expect(fit.intercept).toBeCloseTo(100, 8);
    expect(fit.r2).toBeCloseTo(1, 10);
  });
  it("gives R² well below 1 for quadratic growth", () => {
    const fit = leastSquares([1, 10, 50, 100, 300].map((x) => [x, x * x] as const));
    expect(fit.r2).toBeLessThan(0.98);
  });
  it("needs two distinct x values", () => {
    expect(() => leastSquares([[1, 1]])).toThrow(/two points/);
    expect(() => leastSquares([[2, 1], [2, 3]])).toThrow(/distinct/);
  });
});

describe("providerOf", () => {
  it("reads the provider's own type and name from a URN with a parent chain", () => {
    const ref = "urn:pulumi:bench::baton::baton:index:BlueGreenFleet$baton:index:EksCluster$pulumi:providers:kubernetes::fleet-c0::fleet-c0-1a2b3c4d";
    expect(providerOf(ref)).toEqual({ type: "pulumi:providers:kubernetes", name: "fleet-c0" });
  });
  it("refuses something that is not a provider reference", () => {
    expect(() => providerOf("fleet-c0")).toThrow(/not a provider reference/);
  });
});

describe("canonical", () => {
  it("ignores key order but not values or array order", () => {
    expect(canonical({ b: 1, a: { d: [1, 2], c: 3 } })).toBe(canonical({ a: { c: 3, d: [1, 2] }, b: 1 }));
    expect(canonical({ a: [1, 2] })).not.toBe(canonical({ a: [2, 1] }));
  });
});
