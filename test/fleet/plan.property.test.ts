/**
 * Properties of `plan` over generated transitions: whatever the edit, an allowed plan never leaves
 * a service without a serving cluster, never deletes a cluster that had traffic, and never moves a
 * control plane more than one minor (nor down).
 */
import fc from "fast-check";
import { isSchedulable } from "../../src/fleet/nodegroups.js";
import { plan, type ConfigEdit } from "../../src/fleet/plan.js";
import { planRollbackSteps } from "../../src/fleet/rollback.js";
import type { FleetInput } from "../../src/fleet/schema.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { minorOf } from "../../src/fleet/versions.js";
import { TODAY, type RawConfig, exampleNetwork } from "../support/fleets.js";

const CLUSTERS = ["blue", "green", "teal"] as const;
const VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;

const nodeGroupArb = fc.record({
  instanceTypes: fc.constantFrom("m7i.large", "c7i.xlarge").map((type) => [type]),
  scaling: fc.record({ min: fc.constant(0), desired: fc.integer({ min: 0, max: 4 }), max: fc.constant(6) }),
  retiring: fc.boolean(),
});

const clusterArb = fc.record({
  version: fc.constantFrom(...VERSIONS),
  nodeGroups: fc.dictionary(fc.constantFrom("a", "b"), nodeGroupArb, { minKeys: 1, maxKeys: 2 }),
});

function fleetArb(): fc.Arbitrary<FleetInput> {
  return fc
    .record({
      clusters: fc.dictionary(fc.constantFrom(...CLUSTERS), clusterArb, { minKeys: 1, maxKeys: 3 }),
      webWeights: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
    })
    .map(({ clusters, webWeights }) => ({
      name: "shop",
      network: exampleNetwork(),
      clusters,
      services: {
        web: {
          namespace: "shop", port: 8080, routing: "alb" as const,
          alb: { listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2", securityGroupId: "sg-0a1b2c3d4e5f67890", priority: 10 },
          weights: Object.fromEntries(Object.keys(clusters).map((c, i) => [c, (webWeights[i] ?? 0) * 10])),
        },
      },
    }));
}

/** A valid fleet, and a second fleet made from it by one of the edits users make. */
const transitionArb = fleetArb()
  .filter((f) => validateFleet(f, { today: TODAY }).ok)
  .chain((before) =>
    fc.tuple(fc.constant(before), fleetArb(), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).map(([b, other, kind, pick]) => {
      if (kind === 0) return [b, other] as const; // anything at all
      const after: RawConfig = structuredClone(b);
      const names = Object.keys(after.clusters as object);
      const chosen = names[pick % names.length]!;
      if (kind === 1) {
        // A control-plane bump of one cluster (its unpinned node groups follow).
        after.clusters[chosen].version = `1.${Math.min(minorOf(after.clusters[chosen].version) + 1, 35)}`;
      } else {
        // Take another fleet's clusters and weights where names match: shifts, adds and removals.
        for (const [name, cluster] of Object.entries(other.clusters)) if (name !== chosen) after.clusters[name] = structuredClone(cluster);
        after.services = structuredClone(other.services);
      }
      return [b, after as FleetInput] as const;
    }),
  );

describe("plan properties", () => {
  it("an allowed plan keeps every service served, deletes no weighted cluster and moves control planes by at most one minor", () => {
    let allowed = 0;
    fc.assert(
      fc.property(transitionArb, ([beforeInput, afterInput]) => {
        const result = plan(beforeInput, afterInput, { today: TODAY });
        if (!result.allowed) return;
        allowed++;
        const before = validateFleet(beforeInput, { today: TODAY });
        const after = validateFleet(afterInput, { today: TODAY });
        if (!before.ok || !after.ok) throw new Error("an allowed plan must have two valid specs");

        for (const [name, service] of Object.entries(after.fleet.services)) {
          const serving = Object.entries(service.weights).filter(
            ([cluster, weight]) => weight > 0 && Object.values(after.fleet.clusters[cluster]?.nodeGroups ?? {}).some(isSchedulable),
          );
          expect(serving.length, `service ${name} has no serving cluster`).toBeGreaterThan(0);
        }
        for (const service of Object.values(before.fleet.services)) {
          for (const [cluster, weight] of Object.entries(service.weights)) {
            if (weight > 0) expect(after.fleet.clusters, `weighted cluster ${cluster} deleted`).toHaveProperty(cluster);
          }
        }
        for (const [name, cluster] of Object.entries(after.fleet.clusters)) {
          const previous = before.fleet.clusters[name];
          if (!previous) continue;
          const step = minorOf(cluster.version) - minorOf(previous.version);
          expect(step, `cluster ${name} moved ${previous.version} → ${cluster.version}`).toBeGreaterThanOrEqual(0);
          expect(step).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 1500, seed: 20261123 },
    );
    // The property is only meaningful if many generated transitions are allowed.
    expect(allowed).toBeGreaterThan(100);
  });

  it("an allowed plan's undo sets each key once, and applied to the proposed spec leaves only the steps nothing undoes", () => {
    /** A config edit applied to a raw fleet, as a user would apply it to the stack file. */
    const apply = (fleet: unknown, edit: ConfigEdit): unknown => {
      const copy = structuredClone(fleet) as Record<string, unknown>;
      const keys = edit.path.replace(/^baton:fleet\./, "").split(".");
      let at = copy;
      for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
      if (edit.remove) delete at[keys[keys.length - 1]!];
      else at[keys[keys.length - 1]!] = structuredClone(edit.value);
      return copy;
    };
    let undone = 0;
    fc.assert(
      fc.property(transitionArb, ([before, after]) => {
        const planned = plan(before, after, { today: TODAY });
        if (!planned.allowed) return;
        const { undo, escapes } = planRollbackSteps(planned);
        const paths = undo.map((e) => e.path);
        expect(new Set(paths).size, `a key set twice: ${paths.join(", ")}`).toBe(paths.length);
        for (const p of paths) expect(paths.filter((q) => q.startsWith(`${p}.`)), `an edit under ${p}`).toEqual([]);
        for (const escape of escapes) expect(new Set(escape.edits.map((e) => e.path)).size).toBe(escape.edits.length);
        const reverted = undo.reduce<unknown>(apply, after);
        const left = plan(before, reverted, { today: TODAY });
        // What stays: irreversible steps, and desired-only edits, which change nothing in AWS and so have nothing to undo.
        const changesNothing = (c: (typeof left.changes)[number]) => c.fields.length === 1 && c.fields[0] === "scaling.desired" && c.rollback.edits.length === 0;
        expect(left.changes.filter((c) => !c.irreversible && !changesNothing(c)).map((c) => c.summary)).toEqual([]);
        if (undo.length > 0) undone++;
      }),
      { numRuns: 800, seed: 20261129 },
    );
    expect(undone).toBeGreaterThan(30);
  });

  it("refuses every transition that deletes a cluster with traffic", () => {
    fc.assert(
      fc.property(fleetArb().filter((f) => validateFleet(f, { today: TODAY }).ok), (before) => {
        const weighted = Object.entries(before.services?.web?.weights ?? {}).filter(([, w]) => w > 0).map(([c]) => c);
        const victim = weighted[0]!;
        const after: RawConfig = structuredClone(before);
        delete after.clusters[victim];
        const result = plan(before, after, { today: TODAY });
        expect(result.allowed).toBe(false);
        expect(result.refusedRules).toContain("decommission-weighted-cluster");
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
