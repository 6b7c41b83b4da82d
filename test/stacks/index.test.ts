/**
 * The stack entry point as `pulumi up` runs it: `baton:fleet` from the stack's config, the outputs
 * returned to the runtime, and a bad config ending the program with the spec's message instead of
 * a stack trace. The module exports the program as one async function, which the runtime awaits.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockAddonVersion } from "../../src/preview/offline-mocks.js";
import { runMocked, valueOf } from "../components/harness.js";
import { edit, migrationFleet } from "../support/fleets.js";

Error.stackTraceLimit = 0;

beforeEach(() => { vi.resetModules(); });

/** The stack's program, as the runtime calls it: the module's one export. */
const stackProgram = async () => (await import("../../stacks/index.js")).default;
const runStack = async () => (await stackProgram())();

const loadStack = (fleet: unknown) => runMocked(runStack, { "baton:fleet": JSON.stringify(fleet) });

it("builds the fleet from baton:fleet and exports clusters and services", async () => {
  const { result: stack, mocks } = await loadStack(migrationFleet());
  expect(stack.fleet).toBe("shop");
  expect(stack.services["web"]!.shares).toEqual({ blue: 0.9, green: 0.1 });
  expect(await valueOf(stack.clusters["green"]!.name)).toBe("shop-green");
  expect(mocks.resources.some((r) => r.type === "aws:eks/cluster:Cluster")).toBe(true);
});

it("ends a bad config with the spec's problems as a RunError, registering nothing", async () => {
  const broken = edit(migrationFleet(), (f) => { f.clusters.blue.logging = ["api"]; });
  let thrown: unknown;
  const { mocks } = await runMocked(async () => {
    try { await runStack(); } catch (error) { thrown = error; }
  }, { "baton:fleet": JSON.stringify(broken) });
  expect(pulumi.RunError.isInstance(thrown)).toBe(true);
  expect((thrown as Error).message).toMatch(/baton:fleet\.clusters\.blue\.logging = \["api"\]\n  Control-plane logs audit, authenticator are off[\s\S]*\[cluster-audit-logging\]\n  fix: /);
  // Only the read of its own last deployment, which the mocks answer like a resource: nothing registered.
  expect(mocks.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:StackReference"]);
});

it("keeps unpinned add-ons at the versions its last deployment recorded, read back through its own stack reference", async () => {
  const moved = (addon: string, version: string) => mockAddonVersion(addon, version).replace("eksbuild.1", "eksbuild.2");
  const record = { "shop-blue": { kubernetesVersion: "1.33", versions: { "vpc-cni": "v1.19.0-eksbuild.1" } } };
  const { result: stack, mocks } = await runMocked(runStack,
    { "baton:fleet": JSON.stringify(migrationFleet()) }, { stackOutputs: { addonVersions: record }, addonVersion: moved });
  // A self-managed backend (organization "organization") knows the stack by its bare name.
  expect(mocks.resources.find((r) => r.type === "pulumi:pulumi:StackReference")?.inputs["name"]).toBe("test");
  const addon = (name: string) => mocks.resources.find((r) => r.type === "aws:eks/addon:Addon" && r.name === name)!.inputs["addonVersion"];
  expect(addon("shop-blue-vpc-cni")).toBe("v1.19.0-eksbuild.1");
  // Not recorded: the looked-up default.
  expect(addon("shop-blue-coredns")).toBe(moved("coredns", "1.33"));
  expect(addon("shop-green-vpc-cni")).toBe(moved("vpc-cni", "1.35"));
  expect((await valueOf(stack.addonVersions))["shop-blue"]).toEqual({
    kubernetesVersion: "1.33",
    versions: { "eks-pod-identity-agent": moved("eks-pod-identity-agent", "1.33"), "kube-proxy": moved("kube-proxy", "1.33"), "vpc-cni": "v1.19.0-eksbuild.1", coredns: moved("coredns", "1.33") },
  });
});

it("ends on a bad baton:wave as baton validate does, with the fleet's problems, registering nothing", async () => {
  const broken = edit(migrationFleet(), (f) => { f.clusters.blue.logging = ["api"]; });
  let thrown: unknown;
  const { mocks } = await runMocked(async () => {
    try { await runStack(); } catch (error) { thrown = error; }
  }, { "baton:fleet": JSON.stringify(broken), "baton:wave": "-1" });
  expect(pulumi.RunError.isInstance(thrown)).toBe(true);
  expect((thrown as Error).message).toContain('error baton:wave = "-1"');
  expect((thrown as Error).message).toContain("[cluster-audit-logging]");
  expect(mocks.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:StackReference"]);
});

it("builds the same fleet with a good baton:wave", async () => {
  const { result } = await runMocked(runStack, { "baton:fleet": JSON.stringify(migrationFleet()), "baton:wave": "2" });
  expect(result.fleet).toBe("shop");
});
