/**
 * Every step of the README walkthrough, run through the offline capture, in the order a real
 * engine would follow from the recorded dependencies, against the preconditions table.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenFleet } from "../../src/components/blue-green-fleet.js";
import { captureProgram } from "../../src/preview/capture.js";
import { engineOrder, type EngineOrder } from "../../src/preview/engine-order.js";
import type { Capture } from "../../src/preview/model.js";
import { TYPES } from "../../src/preview/preconditions.js";
import type { FleetInput } from "../../src/fleet/schema.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, migrationFleet, migrationWithoutGreen, TODAY } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const capture = (fleet: FleetInput) => captureProgram(() => runFleetProgram(fleet, { today: TODAY }));

/**
 * The fleet program with the controller's release dropped from every binding's dependsOn (the
 * component's and the custom resource's: the engine orders a child after its parent too).
 */
const BINDING_TYPES = new Set<string>([TYPES.targetGroupBinding, "baton:components:TargetGroupBinding"]);
const withoutControllerDependency = (fleet: FleetInput) => captureProgram(() => new BlueGreenFleet(fleet.name!, { fleet, today: TODAY }, {
  transformations: [(args) => {
    if (!BINDING_TYPES.has(args.type)) return undefined;
    // baton passes dependsOn as a plain array of resources.
    const given = (args.opts.dependsOn ?? []) as pulumi.Resource[];
    const dependsOn = given.filter((d) => !(d instanceof k8s.helm.v3.Release));
    return { props: args.props, opts: { ...args.opts, dependsOn } };
  }],
}));

const EMPTY: Capture = { resources: [] };

// The walkthrough, one config per step (README "A blue/green migration, step by step").
const blueOnly = migrationWithoutGreen();
const addGreen = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 100, green: 0 }; f.services.api.weights = { blue: 100, green: 0 }; });
const bumpBlue = edit(addGreen, (f) => { f.clusters.blue.version = "1.34"; });
const shift10 = edit(bumpBlue, (f) => { f.services.web.weights = { blue: 90, green: 10 }; });
const shift100 = edit(bumpBlue, (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.services.api.weights = { blue: 0, green: 100 }; });
const nodeGroupNext = edit(shift100, (f) => {
  f.clusters.green.nodeGroups.general.retiring = true;
  f.clusters.green.nodeGroups.next = { instanceTypes: ["m7g.large"], amiType: "AL2023_ARM_64_STANDARD", scaling: { min: 3, desired: 6, max: 12 } };
});
const nodeGroupDone = edit(nodeGroupNext, (f) => { delete f.clusters.green.nodeGroups.general; });
const decommission = edit(nodeGroupDone, (f) => {
  delete f.clusters.blue;
  f.services.web.weights = { green: 100 };
  f.services.api.weights = { green: 100 };
  delete f.services.api.route53.targets.blue;
});

// Step 6: green upgraded in place, then rolled back in two changes (node group first).
const bumpGreen = edit(decommission, (f) => { f.clusters.green.version = "1.36"; });
const rollbackNodes = edit(bumpGreen, (f) => { f.clusters.green.nodeGroups.next.version = "1.35"; });

const STEPS: ReadonlyArray<readonly [string, FleetInput]> = [
  ["first up: blue at 100", blueOnly],
  ["add green at weight 0", addGreen],
  ["in-place control-plane bump of blue", bumpBlue],
  ["shift 10 %", shift10],
  ["shift 100 %", shift100],
  ["node group blue/green: add next, retire general", nodeGroupNext],
  ["node group blue/green: remove general", nodeGroupDone],
  ["decommission blue", decommission],
  ["in-place control-plane bump of green", bumpGreen],
  ["rollback, 1 of 2: green's node group back", rollbackNodes],
  ["rollback, 2 of 2: green's control plane back", decommission],
];

const index = (order: EngineOrder, op: string, type: string, name: RegExp) =>
  order.steps.findIndex((s) => s.op === op && s.type === type && name.test(s.name));

describe("the order a real pulumi up follows, on every walkthrough step", () => {
  const captures = new Map<string, Capture>();
  beforeAll(async () => {
    for (const [title, fleet] of STEPS) captures.set(title, await capture(fleet));
  }, 240_000);

  const transitions = STEPS.map(([title], i) => [title, i === 0 ? undefined : STEPS[i - 1]![0]] as const);
  it.each(transitions)("%s: every precondition follows from the dependencies", (title, previous) => {
    const order = engineOrder(previous === undefined ? EMPTY : captures.get(previous)!, captures.get(title)!);
    expect(order.violations).toEqual([]);
    expect(order.steps.length).toBeGreaterThan(0);
  });

  it("first up: the API rule, the provider, the controller, the namespace, then the binding", () => {
    const order = engineOrder(EMPTY, captures.get("first up: blue at 100")!);
    const rule = index(order, "create", TYPES.apiAccessRule, /^shop-blue-api-/);
    const provider = index(order, "create", TYPES.kubernetesProvider, /^shop-blue$/);
    const release = index(order, "create", TYPES.helmRelease, /^shop-blue-lbc$/);
    const namespace = index(order, "create", TYPES.namespace, /^shop-blue-ns-shop$/);
    const binding = index(order, "create", TYPES.targetGroupBinding, /^shop-web-blue$/);
    expect([rule, provider, release, namespace, binding].every((i) => i >= 0)).toBe(true);
    expect(rule).toBeLessThan(provider);
    expect(provider).toBeLessThan(release);
    expect(Math.max(release, namespace)).toBeLessThan(binding);
  });

  it("decommission: blue's binding goes before its controller, and the controller before blue's nodes", () => {
    const order = engineOrder(captures.get("node group blue/green: remove general")!, captures.get("decommission blue")!);
    const binding = index(order, "delete", TYPES.targetGroupBinding, /^shop-web-blue$/);
    const release = index(order, "delete", TYPES.helmRelease, /^shop-blue-lbc$/);
    const nodes = index(order, "delete", TYPES.nodeGroup, /^shop-blue-general$/);
    expect([binding, release, nodes].every((i) => i >= 0)).toBe(true);
    expect(binding).toBeLessThan(release);
    expect(release).toBeLessThan(nodes);
  });
});

describe("the order check catches a missing dependency", () => {
  it("fails the first up and the decommission when the bindings do not depend on the controller", async () => {
    const first = engineOrder(EMPTY, await withoutControllerDependency(blueOnly));
    expect(first.violations.map((v) => [v.op, v.type, v.name, v.needs])).toEqual([
      ["create", TYPES.targetGroupBinding, "shop-web-blue", TYPES.helmRelease],
    ]);
    expect(first.violations[0]!.message).toContain("webhooks fail closed");

    const last = engineOrder(await withoutControllerDependency(nodeGroupDone), await withoutControllerDependency(decommission));
    expect(last.violations.map((v) => [v.op, v.type, v.name, v.needs])).toEqual([
      ["delete", TYPES.targetGroupBinding, "shop-web-blue", TYPES.helmRelease],
    ]);
  }, 120_000);
});

describe("what a delete leaves in the cloud, and adding it back", () => {
  const LOG_GROUP = TYPES.logGroup;
  // Blue comes back under the same name, at weight 0, after its decommission.
  const readdBlue = edit(decommission, (f) => {
    f.clusters.blue = structuredClone(nodeGroupDone.clusters!["blue"]!) as typeof f.clusters.blue;
    f.services.web.weights = { blue: 0, green: 100 };
  });
  const captureIn = (fleet: FleetInput, logGroups: readonly string[]) => captureProgram(() => runFleetProgram(fleet, { today: TODAY }), { logGroups });
  let before: Capture;
  let gone: Capture;
  beforeAll(async () => {
    before = await capture(nodeGroupDone);
    gone = await capture(decommission);
  }, 120_000);

  it("decommission then re-add blue: its log group and namespace were kept, and the re-add adopts both", async () => {
    const removal = engineOrder(before, gone);
    expect(removal.violations).toEqual([]);
    expect(removal.leftBehind).toEqual([
      { type: LOG_GROUP, identity: "/aws/eks/shop-blue/cluster", name: "shop-blue-control-plane" },
      { type: TYPES.namespace, identity: expect.stringMatching(/EksCluster::shop-blue\/shop$/), name: "shop-blue-ns-shop" },
    ]);
    // Under pulumi up the program finds the kept group in the account (the mocks answer what the delete left).
    const back = await captureIn(readdBlue, ["/aws/eks/shop-blue/cluster", "/aws/eks/shop-green/cluster"]);
    const group = back.resources.find((r) => r.type === LOG_GROUP && r.name === "shop-blue-control-plane")!;
    expect(group).toMatchObject({ importId: "/aws/eks/shop-blue/cluster", retainOnDelete: true, inputs: { retentionInDays: 90 } });
    // green's group is in the stack already: the import option is a no-op for it (same id), and nothing changes.
    const readd = engineOrder(gone, back, { leftBehind: removal.leftBehind });
    expect(readd.violations).toEqual([]);
    expect(readd.leftBehind).toEqual([]);
  }, 120_000);

  it("refuses a re-add that would create the kept log group again, or the kept namespace through a provider that does not upsert", async () => {
    const removal = engineOrder(before, gone);
    // A program that does not look the group up (or an account where the lookup saw nothing) creates it.
    const back = await captureIn(readdBlue, []);
    const strict = { resources: back.resources.map((r) => (r.type === "pulumi:providers:kubernetes" ? { ...r, inputs: { kubeconfig: r.inputs["kubeconfig"] } } : r)) };
    const readd = engineOrder(gone, strict, { leftBehind: removal.leftBehind });
    expect(readd.violations.map((v) => [v.op, v.type, v.name])).toEqual([
      ["create", LOG_GROUP, "shop-blue-control-plane"],
      ["create", TYPES.namespace, "shop-blue-ns-shop"],
    ]);
    expect(readd.violations[0]!.message).toContain("ResourceAlreadyExistsException");
    expect(readd.violations[1]!.message).toContain("upsertExistingObjects");
  }, 120_000);

  it("unbind then rebind a namespace: the kept namespace is created again through the upserting provider", async () => {
    const bound = await capture(shift100);
    const unbound = await capture(edit(shift100, (f) => { f.services.web.weights = { green: 100 }; }));
    const unbind = engineOrder(bound, unbound);
    expect(unbind.violations).toEqual([]);
    expect(unbind.leftBehind.map((l) => l.name)).toEqual(["shop-blue-ns-shop"]);
    const rebind = engineOrder(unbound, bound, { leftBehind: unbind.leftBehind });
    expect(rebind.violations).toEqual([]);
    expect(rebind.steps.filter((s) => s.type === TYPES.namespace).map((s) => [s.op, s.name])).toEqual([["create", "shop-blue-ns-shop"]]);
  }, 120_000);
});
