import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { recordOf } from "../../src/fleet/deployment-record.js";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { FleetSpecError } from "../../src/fleet/problems.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { OfflineMocks } from "../../src/preview/offline-mocks.js";
import { DEPLOYED_CONFIG_VARIABLE, deployedFleetFromEnv, runFleetProgram } from "../../stacks/program.js";
import { diffRuns, runMocked, valueOf } from "../components/harness.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const stackFleet = (stack: string) =>
  parseStackConfig(readFileSync(path.resolve(__dirname, `../../stacks/Pulumi.${stack}.yaml`), "utf8"), stack).fleet;
const run = (fleet: unknown) => runMocked(() => runFleetProgram(fleet, { today: TODAY }));

describe("the example stacks under the mock runtime", () => {
  it("runs the migration stack: shares per service, version, endpoint and node groups per cluster", async () => {
    const { result, mocks } = await run(stackFleet("migration"));
    expect(result.services["web"]).toMatchObject({ routing: "alb", weights: { blue: 90, green: 10 }, shares: { blue: 0.9, green: 0.1 } });
    expect(result.services["api"]).toMatchObject({ routing: "route53", shares: { blue: 1, green: 0 } });
    expect(result.services["api"]!.weightChangeTakesEffect).toMatch(/DNS caches/);
    expect(result.clusters["green"]!.version).toBe("1.35");
    expect(await valueOf(result.clusters["green"]!.endpoint)).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.us-east-1\.eks\.amazonaws\.com$/);
    expect(await valueOf(result.clusters["blue"]!.name)).toBe("shop-blue");
    expect(await valueOf(result.clusters["blue"]!.nodeGroups["general"]!.name)).toMatch(/^shop-blue-general-[0-9a-f]{7}$/);
    expect(mocks.resources.filter((r) => r.type === "aws:eks/cluster:Cluster")).toHaveLength(2);
  });

  it("runs the dev stack: one cluster, two node groups, one ALB service", async () => {
    const { result, mocks } = await run(stackFleet("dev"));
    expect(Object.keys(result.clusters)).toEqual(["main"]);
    expect(Object.keys(result.clusters["main"]!.nodeGroups).sort()).toEqual(["apps", "system"]);
    expect(result.services["web"]!.shares).toEqual({ main: 1 });
    expect(mocks.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")).toHaveLength(2);
  });
});

describe("a bad config", () => {
  it("stops before any resource is registered, with every problem's path, value, rule and fix", async () => {
    const broken = edit(migrationFleet(), (f) => {
      f.clusters.green.publicAccessCidrs = ["0.0.0.0/0"];
      f.services.web.weights.green = 1000;
      f.clusters.blue.nodeGroups.general.updateConfig = { maxUnavailable: 2, maxUnavailablePercentage: 10 };
    });
    let thrown: unknown;
    const { mocks } = await runMocked(() => { try { runFleetProgram(broken, { today: TODAY }); } catch (error) { thrown = error; } });
    expect(thrown).toBeInstanceOf(FleetSpecError);
    const error = thrown as FleetSpecError;
    expect(error.problems.filter((p) => p.severity === "error").map((p) => p.rule).sort()).toEqual(["cluster-public-endpoint-open", "nodegroup-update-config-one-field", "weights-range"]);
    expect(error.message).toContain("baton:fleet.clusters.green.publicAccessCidrs[0] = \"0.0.0.0/0\"");
    expect(error.message).toContain("fix: ");
    expect(mocks.resources).toEqual([]);
  });

  it("refuses a placeholder left in the file (pulumi up of an unfilled upgrade-plan step), even judged against a deployed config that has it", async () => {
    const placeholder = edit(migrationFleet(), (f) => { f.services.api.route53.targets.green.dnsName = "replace-with-green-load-balancer.invalid"; });
    let thrown: unknown;
    const { mocks } = await runMocked(() => { try { runFleetProgram(placeholder, { today: TODAY, deployed: placeholder }); } catch (error) { thrown = error; } });
    expect(thrown).toBeInstanceOf(FleetSpecError);
    expect((thrown as Error).message).toContain("baton:fleet.services.api.route53.targets.green.dnsName = \"replace-with-green-load-balancer.invalid\"");
    expect((thrown as Error).message).toContain("[placeholder-value]");
    expect(mocks.resources).toEqual([]);
  });

  it("reports a missing baton:fleet key with its fix", () => {
    expect(() => runFleetProgram(undefined, { today: TODAY })).toThrow(/no baton:fleet key[\s\S]*fix: Add a baton:fleet block/);
  });
});

describe("what a change touches", () => {
  it("a weight change alters only the listener rule and the Route53 records, and renames nothing", async () => {
    const before = await run(migrationFleet());
    const after = await run(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; f.services.api.weights = { blue: 90, green: 10 }; }));
    expect(diffRuns(before.mocks, after.mocks)).toEqual({
      added: [], removed: [],
      changed: ["aws:lb/listenerRule:ListenerRule::shop-web", "aws:route53/record:Record::shop-api-blue", "aws:route53/record:Record::shop-api-green"],
    });
  });

  it("a version bump alters only the cluster, its add-ons and its node groups", async () => {
    const before = await run(migrationFleet());
    const after = await run(edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.34"; }));
    expect(diffRuns(before.mocks, after.mocks)).toEqual({
      added: [], removed: [],
      changed: [
        "aws:eks/addon:Addon::shop-blue-coredns", "aws:eks/addon:Addon::shop-blue-eks-pod-identity-agent",
        "aws:eks/addon:Addon::shop-blue-kube-proxy", "aws:eks/addon:Addon::shop-blue-vpc-cni",
        "aws:eks/cluster:Cluster::shop-blue", "aws:eks/nodeGroup:NodeGroup::shop-blue-general",
      ],
    });
  });

  it("reordering clusters and services in the YAML changes nothing", async () => {
    const before = await run(migrationFleet());
    const reordered = edit(migrationFleet(), (f) => {
      f.clusters = { green: f.clusters.green, blue: f.clusters.blue };
      f.services = { api: f.services.api, web: { ...f.services.web, weights: { green: 10, blue: 90 } } };
    });
    const after = await run(reordered);
    expect(diffRuns(before.mocks, after.mocks)).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe("the record the stack leaves for its next deployment", () => {
  it("is the validated fleet, as the offline preview shows it", async () => {
    const { result } = await run(migrationFleet());
    expect(await valueOf(result.deploymentRecord)).toEqual(recordOf(validateFleet(migrationFleet(), { today: TODAY }).fleet!));
  });

  it("resolves only once every resource of the fleet has been applied: a run that fails on one never writes it", async () => {
    // The engine answers a registration once the resource's step is done; here the node groups' answers wait.
    let release!: () => void;
    const applied = new Promise<void>((resolve) => { release = resolve; });
    const mocks = new OfflineMocks();
    const slowNodeGroups: pulumi.runtime.Mocks = {
      newResource: async (args) => {
        if (args.type === "aws:eks/nodeGroup:NodeGroup") await applied;
        return mocks.newResource(args);
      },
      call: (args) => mocks.call(args),
    };
    await pulumi.runtime.setMocks(slowNodeGroups, "baton", "test", false, "organization");
    const outputs = runFleetProgram(migrationFleet(), { today: TODAY });
    const events: string[] = [];
    outputs.deploymentRecord.apply(() => { events.push("record"); });
    pulumi.output(outputs.services).apply(() => { events.push("services"); });
    await new Promise((resolve) => setTimeout(resolve, 500));
    events.push("node groups applied");
    release();
    await pulumi.runtime.disconnect();
    expect(events).toEqual(["services", "node groups applied", "record"]);
  });
});

describe("judged against the last deployment (pulumi up)", () => {
  // Blue runs 1.33, past EKS extended support on this day.
  const PAST_EXTENDED = "2027-08-01";
  const last = { fleet: recordOf(validateFleet(migrationFleet(), { today: TODAY }).fleet!).fleet, source: "the last deployment" };

  it("runs the shift away from the cluster past support: its version is the deployed state's", async () => {
    const away = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.services.api.weights = { blue: 0, green: 100 }; });
    const { result } = await runMocked(() => runFleetProgram(away, { today: PAST_EXTENDED, lastDeployment: last }));
    expect(result.services["web"]!.shares).toEqual({ blue: 0, green: 1 });
  });

  it("refuses a skipped minor with the rule, the path, the fix and how to override, before registering anything", async () => {
    const skip = edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.35"; });
    let thrown: unknown;
    const { mocks } = await runMocked(() => { try { runFleetProgram(skip, { today: TODAY, lastDeployment: last }); } catch (error) { thrown = error; } });
    expect(thrown).toBeInstanceOf(FleetSpecError);
    expect((thrown as Error).message).toMatch(/^pulumi up refuses this change, judged against the last deployment: 1 problem\n\nerror baton:fleet\.clusters\.blue\.version = "1\.35"\n.*\[control-plane-skip-minor\]\n  fix: /);
    expect((thrown as Error).message).toMatch(/baton:override/);
    expect(mocks.resources).toEqual([]);
  });

  it("judges the config alone when the stack has no record, and says so", async () => {
    const logged: string[] = [];
    const info = vi.spyOn(pulumi.log, "info").mockImplementation(async (message: string) => { logged.push(message); });
    try {
      await runMocked(() => runFleetProgram(migrationFleet(), { today: TODAY, lastDeployment: null }));
    } finally {
      info.mockRestore();
    }
    expect(logged).toEqual([expect.stringMatching(/the config is judged alone/)]);
  });
});

describe("a version rollback under pulumi up", () => {
  it("logs how it reaches EKS, and records the rollback, so the next run cannot roll the cluster back again", async () => {
    const step1 = edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.34"; });
    const step2 = edit(migrationFleet(), (f) => { f.clusters.green.version = "1.34"; });
    const last = {
      fleet: recordOf(validateFleet(step1, { today: TODAY }).fleet!).fleet, source: "the last deployment",
      versions: { green: { version: "1.35", how: "upgraded" as const, from: "1.34", at: "2026-11-20" } },
    };
    const logged: string[] = [];
    const info = vi.spyOn(pulumi.log, "info").mockImplementation(async (message: string) => { logged.push(message); });
    let record: unknown;
    try {
      const { result } = await runMocked(() => runFleetProgram(step2, { today: TODAY, lastDeployment: last }));
      record = await valueOf(result.deploymentRecord);
    } finally {
      info.mockRestore();
    }
    expect(logged).toContainEqual(expect.stringMatching(/^roll control plane green back from Kubernetes 1\.35 to 1\.34 .*allowed only until 2026-11-27.*Through Pulumi, this edit reaches EKS as an in-place UpdateClusterVersion to 1\.34/));
    expect(record).toMatchObject({ versions: { green: { version: "1.34", how: "rolled-back", from: "1.35", at: TODAY } } });
  });
});

describe("a stack with no record yet, and the deployed config named by BATON_DEPLOYED_CONFIG", () => {
  // Blue runs 1.33, past EKS extended support on this day.
  const PAST_EXTENDED = "2027-08-01";
  const away = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.services.api.weights = { blue: 0, green: 100 }; });
  const deployedFile = (fleet: unknown) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "baton-deployed-")), "Pulumi.shop.yaml");
    writeFileSync(file, stringify({ config: { "baton:fleet": fleet } }));
    return file;
  };

  it("judges the config alone without it: the 1.33 cluster stops the program", async () => {
    expect(deployedFleetFromEnv({})).toEqual({});
    await expect(runMocked(() => runFleetProgram(away, { today: PAST_EXTENDED }))).rejects.toThrow(/eks-version-supported/);
  });

  it("runs the shift away when the deployed config is named: the old version is the current state's", async () => {
    const env = { [DEPLOYED_CONFIG_VARIABLE]: deployedFile(migrationFleet()) };
    const { result } = await runMocked(() => runFleetProgram(away, { today: PAST_EXTENDED, ...deployedFleetFromEnv(env) }));
    expect(result.services["web"]!.shares).toEqual({ blue: 0, green: 1 });
  });

  it("still refuses a new cluster at the unsupported version", async () => {
    const env = { [DEPLOYED_CONFIG_VARIABLE]: deployedFile(migrationFleet()) };
    const added = edit(migrationFleet(), (f) => { f.clusters.red = structuredClone(f.clusters.blue); });
    await expect(runMocked(() => runFleetProgram(added, { today: PAST_EXTENDED, ...deployedFleetFromEnv(env) }))).rejects.toThrow(/clusters\.red\.version/);
  });

  it("names an unreadable deployed config with the variable and the fix", () => {
    expect(() => deployedFleetFromEnv({ [DEPLOYED_CONFIG_VARIABLE]: "/nonexistent/Pulumi.shop.yaml" })).toThrow(/BATON_DEPLOYED_CONFIG=\/nonexistent\/Pulumi.shop.yaml[\s\S]*Cannot read it/);
  });
});
