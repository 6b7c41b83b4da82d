/**
 * For generated fleets and targets, every method's sequence of stack files passes the spec's
 * `plan` step by step — original → 01 → 02 → … — and ends with every serving cluster (and every
 * node group of it) at the target.
 */
import fc from "fast-check";
import { parseDocument, stringify } from "yaml";
import { effectiveNodeGroupVersion } from "../../src/fleet/nodegroups.js";
import { plan } from "../../src/fleet/plan.js";
import { Fleet, type FleetInput } from "../../src/fleet/schema.js";
import { servingClusters } from "../../src/fleet/traffic.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { compareVersions, minorOf } from "../../src/fleet/versions.js";
import { StackDocument } from "../../src/upgrade/stack-document.js";
import { planUpgrade, UPGRADE_METHODS } from "../../src/upgrade/upgrade-plan.js";
import { TODAY } from "../support/fleets.js";
import { fillPlaceholders } from "../support/placeholders.js";

const CLUSTERS = ["blue", "green", "teal"] as const;
const MINORS = [32, 33, 34, 35] as const;

const groupArb = fc.record({
  desired: fc.integer({ min: 1, max: 12 }),
  /** Minors behind the cluster a pin holds the group at; undefined: it follows the cluster. */
  pinBehind: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  update: fc.oneof(fc.constant(undefined), fc.record({ maxUnavailable: fc.integer({ min: 1, max: 3 }) }), fc.record({ maxUnavailablePercentage: fc.integer({ min: 1, max: 100 }) })),
  retiring: fc.boolean(),
});

const clusterArb = fc.record({
  minor: fc.constantFrom(...MINORS),
  groups: fc.dictionary(fc.constantFrom("general", "batch", "general-1-33"), groupArb, { minKeys: 1, maxKeys: 3 }),
});

const fleetArb = fc.record({
  clusters: fc.dictionary(fc.constantFrom(...CLUSTERS), clusterArb, { minKeys: 1, maxKeys: 3 }),
  web: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
  api: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
  withApi: fc.boolean(),
  /** How pulumi up reaches the clusters' API: the fleet's apiAccess, or each cluster's public endpoint. */
  publicEndpoints: fc.boolean(),
}).map(({ clusters, web, api, withApi, publicEndpoints }): FleetInput => {
  const names = Object.keys(clusters);
  const weights = (w: number[]) => Object.fromEntries(names.map((c, i) => [c, (w[i] ?? 0) * 25]));
  return {
    name: "shop",
    network: {
      vpcId: "vpc-0a1b2c3d4e5f67890", subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890", "subnet-0c1d2e3f4a5b67890"],
      ...(publicEndpoints ? {} : { apiAccess: { securityGroupIds: ["sg-0c1d2e3f4a5b67890"] } }),
    },
    clusters: Object.fromEntries(Object.entries(clusters).map(([name, c]) => [name, {
      version: `1.${c.minor}`,
      ...(publicEndpoints ? { publicAccessCidrs: ["203.0.113.0/24"] } : {}),
      nodeGroups: Object.fromEntries(Object.entries(c.groups).map(([g, s]) => [g, {
        instanceTypes: ["m7i.large"],
        scaling: { min: 0, desired: s.desired, max: 20 },
        ...(s.update ? { updateConfig: s.update } : {}),
        ...(s.pinBehind !== undefined ? { version: `1.${c.minor - s.pinBehind}` } : {}),
        ...(s.retiring ? { retiring: true } : {}),
      }])),
    }])),
    services: {
      web: {
        namespace: "shop", port: 8080, routing: "alb",
        alb: { listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2", securityGroupId: "sg-0a1b2c3d4e5f67890", priority: 10 },
        weights: weights(web),
      },
      ...(withApi ? {
        api: {
          namespace: "shop", port: 8080, routing: "route53" as const,
          route53: {
            zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com",
            targets: Object.fromEntries(names.map((c) => [c, { dnsName: `${c}-api.us-east-1.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" }])),
          },
          weights: weights(api),
        },
      } : {}),
    },
  };
});

const caseArb = fleetArb
  .filter((fleet) => validateFleet(fleet, { today: TODAY }).ok)
  .chain((fleet) => {
    const newest = Math.max(...Object.values(fleet.clusters).map((c) => minorOf(c.version)));
    return fc.tuple(fc.constant(fleet), fc.integer({ min: newest, max: 35 }).map((m) => `1.${m}`));
  });

const fleetOf = (text: string) => (parseDocument(text).toJS() as { config: Record<string, unknown> }).config["baton:fleet"];

describe("upgrade-plan over generated fleets", () => {
  it("every method's steps pass plan one by one and end with every serving cluster at the target", () => {
    fc.assert(
      fc.property(caseArb, ([fleet, to]) => {
        const text = stringify({ config: { "baton:fleet": fleet } });
        for (const method of UPGRADE_METHODS) {
          const planned = planUpgrade(StackDocument.parse(text, "gen.yaml"), method, { to, today: TODAY });
          expect(planned.ruledOut, method).toBeUndefined();
          let previous = fleetOf(text);
          planned.files.forEach((file, i) => {
            // A placeholder the plan lists is refused until the user fills it in; then the step is allowed.
            const next = fleetOf(fillPlaceholders(file.text, planned.steps[i]!.inputs));
            expect(plan(previous, next, { today: TODAY }).refusedRules, `${method} ${file.name}`).toEqual([]);
            previous = next;
          });
          const last = Fleet.parse(previous);
          for (const name of servingClusters(last)) {
            const cluster = last.clusters[name]!;
            expect(compareVersions(cluster.version, to), `${method}: ${name}`).toBeGreaterThanOrEqual(0);
            for (const group of Object.values(cluster.nodeGroups)) {
              if (!group.retiring) expect(effectiveNodeGroupVersion(cluster, group), `${method}: ${name}'s groups`).toBe(cluster.version);
            }
          }
        }
      }),
      { numRuns: Number(process.env["PROPERTY_RUNS"] ?? 40) },
    );
  }, 600_000);
});
