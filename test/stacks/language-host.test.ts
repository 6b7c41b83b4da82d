/**
 * The example stacks as `pulumi preview` runs them: Pulumi.yaml's loader and entry point, the stack
 * file as PULUMI_CONFIG, through `@pulumi/pulumi/cmd/run`, against a gRPC double of the resource
 * monitor and engine. What the program registers, invokes and logs is what the engine would get.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { EKS_ADDONS } from "../../src/components/addons.js";
import { engineOrder } from "../../src/preview/engine-order.js";
import type { Capture } from "../../src/preview/model.js";
import { eksClusterName } from "../../src/fleet/names.js";
import { FleetSpecError, formatProblem, warningsOf } from "../../src/fleet/problems.js";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { isoDate } from "../../src/fleet/versions.js";
import { edit, migrationFleet } from "../support/fleets.js";
import {
  DEFAULT_INVOKE_ANSWERS, readPulumiProject, runStackThroughLanguageHost, UNKNOWN,
  type LanguageHostResult, type Registration,
} from "../support/pulumi-host/index.js";

const ROOT = path.resolve(__dirname, "../..");
const project = readPulumiProject(ROOT);
const AWS_VERSION = (JSON.parse(readFileSync(path.join(ROOT, "node_modules/@pulumi/aws/package.json"), "utf8")) as { version: string }).version;
const RUN_TIMEOUT = 120_000;

const stackFile = (stack: string) => readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
const stackFleet = (stack: string) => parseStackConfig(stackFile(stack), stack).fleet as ReturnType<typeof migrationFleet>;
/** The spec's warnings for a fleet on the day the program runs (it judges versions on today's date). */
const specWarnings = (fleet: unknown) => warningsOf(validateFleet(fleet, { today: isoDate(new Date()) }).problems).map(formatProblem);

/** Everything registered below `ancestor` (children, grandchildren, ...). */
function descendants(run: LanguageHostResult, ancestor: string): Registration[] {
  const byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
  const isBelow = (r: Registration): boolean => r.parent === ancestor || (r.parent !== "" && isBelow(byUrn.get(r.parent)!));
  return run.registrations.filter(isBelow);
}
const ofType = (registrations: readonly Registration[], type: string) => registrations.filter((r) => r.type === type);
const only = (registrations: readonly Registration[], type: string, name: string) => {
  const found = registrations.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0]!;
};
const providerUrn = (reference: string) => reference.slice(0, reference.lastIndexOf("::"));

/** What every run the CLI would call a success shares. */
function expectCleanPreview(run: LanguageHostResult, stack: string) {
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.refusals).toEqual([]);
  // The program was started as Pulumi.yaml says: its node arguments, then the SDK's run script.
  expect(run.command.slice(1, 1 + project.options.nodeargs.length)).toEqual(project.options.nodeargs);
  expect(run.command.at(-1)).toBe(project.entryPoint);
  // ...and ran the stack program itself, loaded from its TypeScript source.
  expect(run.logs.some((l) => l.severity === 0 && l.message.startsWith(`Running program '${path.join(ROOT, "stacks", "index.ts")}'`))).toBe(true);
  const stackUrn = `urn:pulumi:${stack}::${project.name}::pulumi:pulumi:Stack::${project.name}-${stack}`;
  expect(run.registrations[0]).toMatchObject({ urn: stackUrn, type: "pulumi:pulumi:Stack", parent: "" });
  expect(run.rootResource).toBe(stackUrn);
  expect(run.shutdownSignalled).toBe(true);
  expect(run.logs.filter((l) => l.severity === 3)).toEqual([]);
  return stackUrn;
}

/** Per cluster: the EKS control plane, its node groups, its add-ons at the looked-up versions, one Kubernetes provider. */
function expectClusters(run: LanguageHostResult, fleet: ReturnType<typeof migrationFleet>) {
  for (const [clusterName, cluster] of Object.entries(fleet.clusters)) {
    const name = eksClusterName(fleet.name, clusterName);
    const component = only(run.registrations, "baton:components:EksCluster", name);
    const below = descendants(run, component.urn);
    const controlPlane = only(below, "aws:eks/cluster:Cluster", name);
    expect(controlPlane.inputs).toMatchObject({ name, version: cluster.version, vpcConfig: { subnetIds: fleet.network.subnetIds } });
    expect(ofType(below, "aws:eks/nodeGroup:NodeGroup").map((r) => r.name).sort())
      .toEqual(Object.keys(cluster.nodeGroups).map((group) => `${name}-${group}`).sort());
    for (const addon of EKS_ADDONS) {
      const registered = only(below, "aws:eks/addon:Addon", `${name}-${addon.addonName}`);
      const answer = DEFAULT_INVOKE_ANSWERS["aws:eks/getAddonVersion:getAddonVersion"]!({ addonName: addon.addonName, kubernetesVersion: cluster.version });
      // The data source's answer reached the add-on's inputs: the looked-up version, not a placeholder.
      expect(registered.inputs).toMatchObject({ addonName: addon.addonName, addonVersion: answer["version"] });
      expect(run.invokes).toContainEqual({
        token: "aws:eks/getAddonVersion:getAddonVersion", provider: "", version: AWS_VERSION,
        args: { addonName: addon.addonName, kubernetesVersion: cluster.version, mostRecent: false },
      });
    }
    // The cluster's provider, and (where baton creates a namespace) the one namespaces go through, which adopts a kept namespace.
    const providers = ofType(below, "pulumi:providers:kubernetes");
    const kubernetes = providers.find((p) => !p.name.endsWith("-namespaces"));
    expect(providers.filter((p) => p !== kubernetes).map((p) => [p.name, p.inputs["upsertExistingObjects"]])).toEqual(
      providers.length > 1 ? [[`${kubernetes!.name}-namespaces`, "true"]] : []);
    expect(kubernetes!.inputs).not.toHaveProperty("upsertExistingObjects");
    // Its kubeconfig is built from the cluster's endpoint and CA: unknown until the cluster exists.
    expect(kubernetes!.inputs["kubeconfig"]).toEqual(UNKNOWN);
    expect(kubernetes!.dependencies).toContain(controlPlane.urn);
  }
  // AWS resources use the engine's default provider of the installed @pulumi/aws; Kubernetes
  // resources always name their own cluster's provider, never the ambient kubeconfig's.
  for (const r of run.registrations.filter((r) => r.custom && r.type.startsWith("aws:"))) {
    expect({ type: r.type, name: r.name, provider: r.provider, version: r.version }).toEqual({ type: r.type, name: r.name, provider: "", version: AWS_VERSION });
  }
  const kubernetesResources = run.registrations.filter((r) => r.type.startsWith("kubernetes:"));
  expect(kubernetesResources.length).toBeGreaterThan(0);
  for (const r of kubernetesResources) {
    const provider = run.registrations.find((p) => p.urn === providerUrn(r.provider));
    expect(provider?.type, `${r.type} ${r.name} provider`).toBe("pulumi:providers:kubernetes");
  }
}

it("names a program file and a loader the stack installs at run time", () => {
  // A directory as main would make the CLI run package.json's main (the library) instead.
  expect(project.entryPoint).toBe("index.ts");
  expect(project.options.typescript).toBe(false);
  const loader = project.options.nodeargs[project.options.nodeargs.indexOf("--import") + 1];
  const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  expect(Object.keys(manifest.dependencies)).toContain(loader);
});

describe("the dev stack, run as the Pulumi CLI runs it", () => {
  let run: LanguageHostResult;
  const fleet = stackFleet("dev");
  beforeAll(async () => { run = await runStackThroughLanguageHost({ stack: "dev" }); }, RUN_TIMEOUT);

  it("loads stacks/index.ts through Pulumi.yaml's loader and completes the preview", () => {
    const stackUrn = expectCleanPreview(run, "dev");
    // Only the spec's own warnings (if any, on today's date) reach the engine as warnings.
    expect(run.logs.filter((l) => l.severity === 2).map((l) => l.message)).toEqual(specWarnings(fleet));
    expect(run.outputs.get(stackUrn)).toMatchObject({ fleet: "dev", clusters: { main: { name: "dev-main", version: "1.34", endpoint: UNKNOWN } } });
  });

  it("receives the stack file as the CLI passes it: namespaced keys, objects as JSON strings", () => {
    const config = JSON.parse(run.env["PULUMI_CONFIG"]!) as Record<string, unknown>;
    expect(config["aws:config:region"]).toBe("eu-west-1");
    expect(typeof config["baton:config:fleet"]).toBe("string");
    expect(JSON.parse(config["baton:config:fleet"] as string)).toEqual(fleet);
  });

  it("registers each cluster's control plane, node groups and add-ons, with its own Kubernetes provider", () => {
    expectClusters(run, fleet);
  });

  it("binds the ALB service in the cluster through that cluster's provider", () => {
    const binding = only(run.registrations, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "dev-web-main");
    expect(binding.provider).toMatch(/\$pulumi:providers:kubernetes::dev-main::/);
    expect(binding.inputs["metadata"]).toMatchObject({ namespace: "web" });
    // The spec carries the target group's ARN, which exists only once the target group is created.
    const targetGroup = only(run.registrations, "aws:lb/targetGroup:TargetGroup", "dev-web-main");
    expect(binding.inputs["spec"]).toEqual(UNKNOWN);
    expect(binding.propertyDependencies["spec"]).toContain(targetGroup.urn);
  });
});

describe("the migration stack, run as the Pulumi CLI runs it", () => {
  let run: LanguageHostResult;
  const fleet = stackFleet("migration");
  beforeAll(async () => { run = await runStackThroughLanguageHost({ stack: "migration" }); }, RUN_TIMEOUT);

  it("completes the preview and shows the spec's warnings on the engine log at severity 2", () => {
    const stackUrn = expectCleanPreview(run, "migration");
    const expected = specWarnings(fleet);
    // blue stays on a version in EKS extended support while traffic moves: the preview must say so.
    expect(expected.length).toBeGreaterThan(0);
    expect(run.logs.filter((l) => l.severity === 2).map((l) => l.message)).toEqual(expected);
    expect(run.outputs.get(stackUrn)).toMatchObject({
      fleet: "shop",
      services: { web: { weights: { blue: 90, green: 10 } }, api: { weights: { blue: 100, green: 0 } } },
    });
  });

  it("registers both clusters with their node groups, add-ons and providers", () => {
    expectClusters(run, fleet);
  });

  it("weights the ALB listener rule across both target groups, whose ARNs are unknown until created", () => {
    const rule = only(run.registrations, "aws:lb/listenerRule:ListenerRule", "shop-web");
    const blue = only(run.registrations, "aws:lb/targetGroup:TargetGroup", "shop-web-blue");
    const green = only(run.registrations, "aws:lb/targetGroup:TargetGroup", "shop-web-green");
    expect(rule.inputs["actions"]).toEqual([{ type: "forward", forward: { targetGroups: [{ arn: UNKNOWN, weight: 90 }, { arn: UNKNOWN, weight: 10 }] } }]);
    expect([...rule.propertyDependencies["actions"]!].sort()).toEqual([blue.urn, green.urn].sort());
    for (const cluster of ["blue", "green"]) {
      const binding = only(run.registrations, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", `shop-web-${cluster}`);
      expect(binding.provider).toMatch(new RegExp(`\\$pulumi:providers:kubernetes::shop-${cluster}::`));
    }
  });

  it("sends the engine dependencies that order the first up as the preconditions require", () => {
    // The registrations as the real SDK sent them, read as a capture: the same check the walkthrough test runs.
    const capture: Capture = {
      resources: run.registrations.map((r) => ({
        urn: r.urn, type: r.type, name: r.name, custom: r.custom, inputs: r.inputs as Record<string, unknown>,
        ...(r.parent ? { parent: r.parent } : {}), ...(r.provider ? { provider: r.provider } : {}), dependencies: r.dependencies,
      })),
    };
    const order = engineOrder({ resources: [] }, capture);
    expect(order.violations).toEqual([]);
    const at = (type: string, name: string) => order.steps.findIndex((step) => step.type === type && step.name === name);
    for (const cluster of ["blue", "green"]) {
      expect(at("kubernetes:helm.sh/v3:Release", `shop-${cluster}-lbc`)).toBeGreaterThanOrEqual(0);
      expect(at("kubernetes:helm.sh/v3:Release", `shop-${cluster}-lbc`)).toBeLessThan(at("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", `shop-web-${cluster}`));
    }
  });

  it("weights the Route53 records of the DNS service per cluster", () => {
    expect(only(run.registrations, "aws:route53/record:Record", "shop-api-blue").inputs).toMatchObject({ name: "api.example.com", setIdentifier: expect.any(String), weightedRoutingPolicies: [{ weight: 100 }] });
    expect(only(run.registrations, "aws:route53/record:Record", "shop-api-green").inputs).toMatchObject({ weightedRoutingPolicies: [{ weight: 0 }] });
  });
});

describe("an invalid fleet, run as the Pulumi CLI runs it", () => {
  it("ends with the spec's message on the engine log at severity 3, exit 32 and nothing registered but the stack", async () => {
    const broken = edit(migrationFleet(), (f) => {
      f.clusters.green.publicAccessCidrs = ["0.0.0.0/0"];
      f.services.web.weights.green = 1000;
    });
    const validation = validateFleet(broken, { today: isoDate(new Date()) });
    expect(validation.ok).toBe(false);
    const message = new FleetSpecError(validation.problems).message;

    const run = await runStackThroughLanguageHost({ stack: "migration", configOverride: { "baton:fleet": broken } });
    expect(run.exitCode, run.stderr).toBe(32);
    expect(run.registrations.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
    expect(run.logs.filter((l) => l.severity === 3).map((l) => l.message)).toEqual([message]);
    expect(message).toContain("baton:fleet.clusters.green.publicAccessCidrs[0] = \"0.0.0.0/0\"");
    // The user reads the problems and their fixes, not a stack trace from inside the SDK.
    expect(run.logs.some((l) => /\n\s+at /.test(l.message))).toBe(false);
    expect(run.shutdownSignalled).toBe(false);
  }, RUN_TIMEOUT);
});
