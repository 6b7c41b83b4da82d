import { plan } from "../../src/fleet/plan.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { edit, generateFleet, TODAY } from "../support/fleets.js";

// Timing lives in bench/; here the large fleet must simply be handled correctly.
describe("a 300-cluster fleet", () => {
  const fleet = generateFleet({ clusters: 300 });

  it("validates", () => {
    const result = validateFleet(fleet, { today: TODAY });
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(Object.keys(result.fleet!.clusters)).toHaveLength(300);
  });

  it("plans a one-weight change as exactly one traffic shift", () => {
    const after = edit(fleet, (f) => { f.services.svc1.weights.c7 = 5; });
    const result = plan(fleet, after, { today: TODAY });
    expect(result.allowed).toBe(true);
    expect(result.changes.map((c) => `${c.kind} ${c.subject}`)).toEqual(["traffic-shift service svc1"]);
  });
});
