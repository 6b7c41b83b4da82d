import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EKSServiceException, ResourceNotFoundException } from "@aws-sdk/client-eks";
import { ListenerNotFoundException } from "@aws-sdk/client-elastic-load-balancing-v2";
import { NoSuchHostedZone } from "@aws-sdk/client-route-53";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { createAwsClients } from "../../src/traffic/aws/clients.js";
import { awsLiveTraffic } from "../../src/traffic/aws/live-traffic.js";
import { gatherStatus, statusFindings, type FleetStatus } from "../../src/traffic/status.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { captureIo } from "../support/io.js";
import {
  DescribeAlarmsCommand, DescribeClusterCommand, DescribeRulesCommand, DescribeUpdateCommand, GetMetricDataCommand,
  ListResourceRecordSetsCommand, ListUpdatesCommand, LISTENER, mocks, TG, throttling, wireFleet,
} from "./aws-fixtures.js";

const input = edit(migrationFleet(), (f) => { f.services.web.gates = { alarms: ["web-p99"], minHealthyTargets: 2, max5xxRatio: 0.01 }; });
const validation = validateFleet(input, { today: TODAY });
if (!validation.ok) throw new Error("fixture fleet is invalid");
const fleet = validation.fleet;
const clients = createAwsClients("us-east-1");
const status = () => gatherStatus(clients, fleet, { region: "us-east-1", now: new Date("2026-11-23T10:00:00Z") });
const service = (s: FleetStatus, name: string) => s.services.find((x) => x.name === name)!;

beforeEach(() => wireFleet());

describe("live status (mocked AWS SDK responses)", () => {
  it("reads versions, node groups, live weights per cluster and target health", async () => {
    const s = await status();
    expect(s.clusters.map((c) => [c.name, c.live.ok && c.live.value.version, c.live.ok && c.live.value.status])).toEqual([["blue", "1.33", "ACTIVE"], ["green", "1.35", "ACTIVE"]]);
    // Only the group carrying exactly the prefix plus Pulumi's suffix belongs to "general".
    const blueGeneral = s.clusters[0]!.nodeGroups[0]!;
    expect(blueGeneral.live.ok && blueGeneral.live.value.map((n) => n.name)).toEqual(["shop-blue-general-4f2a9c1"]);
    expect(service(s, "web").live).toEqual({ ok: true, value: { weights: { blue: 90, green: 10 }, unmapped: [] } });
    expect(service(s, "api").live).toEqual({ ok: true, value: { weights: { blue: 100, green: 0 }, unmapped: [] } });
    expect(service(s, "web").targets["green"]).toEqual({ ok: true, value: { healthy: 2, unhealthy: 1, other: 1 } });
    expect(service(s, "api").targets["blue"]).toEqual({ ok: true, value: { healthy: 2, unhealthy: 0, other: 0 } });
    expect(s.services.every((x) => !x.drift)).toBe(true);
    expect(statusFindings(s)).toEqual([]);
    // Only the service's rule was asked for, on the listener the spec names.
    expect(mocks.elbv2.commandCalls(DescribeRulesCommand)[0]!.args[0].input).toEqual({ ListenerArn: LISTENER });
    expect(mocks.route53.commandCalls(ListResourceRecordSetsCommand)[0]!.args[0].input).toEqual({ HostedZoneId: "Z0123456789ABCDEFGHIJ", StartRecordName: "api.example.com." });
  });

  it("shows an update in progress and a version behind the config", async () => {
    mocks.eks.on(DescribeClusterCommand, { name: "shop-green" }).resolves({ cluster: { name: "shop-green", version: "1.34", status: "UPDATING", platformVersion: "eks.14" } });
    mocks.eks.on(ListUpdatesCommand, { name: "shop-green" }).resolves({ updateIds: ["b5f0ba18-9a87-4450-b5a0-825e6e84496f", "0c5d4a1e-1111-4c1c-9e5e-3c4b5d6e7f80"] });
    mocks.eks.on(DescribeUpdateCommand, { updateId: "b5f0ba18-9a87-4450-b5a0-825e6e84496f" }).resolves({ update: { id: "b5f0ba18-9a87-4450-b5a0-825e6e84496f", status: "InProgress", type: "VersionUpdate", params: [{ type: "Version", value: "1.35" }], createdAt: new Date(), errors: [] } });
    mocks.eks.on(DescribeUpdateCommand, { updateId: "0c5d4a1e-1111-4c1c-9e5e-3c4b5d6e7f80" }).resolves({ update: { id: "0c5d4a1e-1111-4c1c-9e5e-3c4b5d6e7f80", status: "Successful", type: "LoggingUpdate", createdAt: new Date(), errors: [] } });
    const s = await status();
    const green = s.clusters[1]!;
    expect(green.live).toMatchObject({ ok: true, value: { version: "1.34", status: "UPDATING", updates: [{ type: "VersionUpdate", status: "InProgress" }] } });
    expect(statusFindings(s)).toEqual(["cluster green runs 1.34, config says 1.35"]);
  });

  it("names a pinned AMI release the group does not run yet: the next pulumi up rolls it", async () => {
    const pinned = validateFleet(edit(input, (f) => {
      f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.6-20261126";
      f.clusters.green.nodeGroups.general.releaseVersion = "1.35.0-20261101";
    }), { today: TODAY });
    if (!pinned.ok) throw new Error("pinned fixture fleet is invalid");
    const s = await gatherStatus(clients, pinned.fleet, { region: "us-east-1", now: new Date("2026-11-23T10:00:00Z") });
    // The fixture's groups run <version>.0-20261101: green's pin is what it runs, blue's is not yet applied.
    expect(statusFindings(s)).toEqual(["node group shop-blue-general-4f2a9c1 runs AMI release 1.33.0-20261101, config pins 1.33.6-20261126 (the next pulumi up rolls it)"]);
    const { formatStatus } = await import("../../src/traffic/format-status.js");
    const plain = { red: String, green: String, yellow: String, bold: String, dim: String };
    const text = formatStatus(s, plain);
    expect(text).toContain("general (shop-blue-general-4f2a9c1): 1.33 [1.33.0-20261101] (config pins 1.33.6-20261126), ACTIVE");
    expect(text).toContain("general (shop-green-general-0c9d8e7): 1.35 [1.35.0-20261101], ACTIVE");
  });

  it("flags drift when the listener rule or records hold other weights, and weight on something unmapped", async () => {
    wireFleet({ blue: 50, green: 50 });
    mocks.route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: "api.example.com.", Type: "A", SetIdentifier: "shop-blue", Weight: 100, AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: "b.", EvaluateTargetHealth: true } },
        { Name: "api.example.com.", Type: "A", SetIdentifier: "manual-canary", Weight: 5, AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: "c.", EvaluateTargetHealth: true } },
      ],
      IsTruncated: false, MaxItems: 100,
    });
    const s = await status();
    expect(service(s, "web")).toMatchObject({ drift: true, live: { ok: true, value: { weights: { blue: 50, green: 50 } } } });
    expect(service(s, "api")).toMatchObject({ drift: true, live: { ok: true, value: { unmapped: [{ id: "manual-canary", weight: 5 }] } } });
  });

  it("reports throttling that outlasted the SDK's retries where it happened, and renders the rest", async () => {
    mocks.elbv2.on(DescribeRulesCommand).rejects(throttling());
    mocks.eks.on(DescribeClusterCommand, { name: "shop-blue" }).rejects(new EKSServiceException({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 429 }, message: "Rate exceeded" }));
    const s = await status();
    const web = service(s, "web");
    expect(web.live.ok).toBe(false);
    expect(!web.live.ok && web.live.error).toMatch(/^listener rule 10 on arn:.*: throttled by AWS \(Throttling\)$/);
    expect(web.drift).toBe(false);
    expect(!s.clusters[0]!.live.ok && s.clusters[0]!.live.error).toBe("EKS cluster shop-blue: throttled by AWS (ThrottlingException)");
    expect(s.clusters[1]!.live.ok).toBe(true);
    expect(service(s, "api").live.ok).toBe(true);
    // The fix is said once, for every read AWS throttled.
    expect(s.awsProblems).toEqual(["AWS throttled reads past the SDK's retries: try again shortly, or raise AWS_MAX_ATTEMPTS (e.g. AWS_MAX_ATTEMPTS=10)"]);
    expect(statusFindings(s)).toEqual(s.awsProblems);
  });

  it("reports a missing cluster, listener and hosted zone as not found", async () => {
    mocks.eks.on(DescribeClusterCommand, { name: "shop-green" }).rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 404 }, message: "No cluster found for name: shop-green." }));
    mocks.elbv2.on(DescribeRulesCommand).rejects(new ListenerNotFoundException({ $metadata: { httpStatusCode: 400 }, message: "One or more listeners not found" }));
    mocks.route53.on(ListResourceRecordSetsCommand).rejects(new NoSuchHostedZone({ $metadata: { httpStatusCode: 404 }, message: "No hosted zone found with ID: Z0123456789ABCDEFGHIJ" }));
    const s = await status();
    expect(!s.clusters[1]!.live.ok && s.clusters[1]!.live.error).toBe("EKS cluster shop-green: not found (ResourceNotFoundException: No cluster found for name: shop-green.)");
    expect(!service(s, "web").live.ok && service(s, "web").live).toMatchObject({ error: expect.stringContaining("not found (ListenerNotFoundException") });
    expect(!service(s, "api").live.ok && service(s, "api").live).toMatchObject({ error: expect.stringContaining("not found (NoSuchHostedZone") });
  });

  it("reports a rule priority that is not on the listener as not found", async () => {
    mocks.elbv2.on(DescribeRulesCommand).resolves({ Rules: [] });
    const web = service(await status(), "web");
    expect(!web.live.ok && web.live.error).toMatch(/not found \(NotFoundException: no rule with priority 10 on listener/);
  });
});

describe("baton status", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-status-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": input } }));
  async function run(...args: string[]) {
    const io = captureIo();
    const code = await main(["node", "baton", ...args], io);
    return { code, out: io.stdout(), err: io.stderr() };
  }

  it("prints clusters, node groups, weights and targets; exits 0 when AWS matches the config", async () => {
    const r = await run("status", file);
    expect(r.code).toBe(0);
    expect(r.out).toContain("blue (shop-blue): Kubernetes 1.33, ACTIVE");
    expect(r.out).toContain("general (shop-green-general-0c9d8e7): 1.35 [1.35.0-20261101], ACTIVE");
    expect(r.out).toContain("live:   { blue: 90, green: 10 }");
    expect(r.out).toContain("targets on green: 2 healthy, 1 unhealthy, 1 other");
  });

  it("marks drift and exits 1; --json gives the same data", async () => {
    wireFleet({ blue: 0, green: 100 });
    const r = await run("status", file);
    expect(r.code).toBe(1);
    expect(r.out).toContain("live:   { blue: 0, green: 100 }  DRIFT: AWS differs from the config");
    const json = JSON.parse((await run("status", file, "--json")).out) as FleetStatus;
    expect(json.services.find((s) => s.name === "web")!.drift).toBe(true);
  });
});

describe("rollout gate reads (mocked AWS SDK responses)", () => {
  const live = () => awsLiveTraffic(clients, fleet, "web", "green", () => new Date("2026-11-23T10:00:00Z"));

  it("observes alarms, the receiving cluster's healthy targets and its 5xx ratio", async () => {
    expect(await live().observeGates()).toEqual({
      alarms: [{ name: "web-p99", state: "OK", reason: expect.stringContaining("Threshold Crossed") }],
      healthyTargets: 2,
      http: { requests: 1000, errors5xx: 3 },
    });
    const query = mocks.cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(query.StartTime).toEqual(new Date("2026-11-23T09:55:00Z"));
    expect(query.MetricDataQueries?.[1]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: "TargetGroup", Value: "targetgroup/shop-web-green/2453ed029918f21f" },
      { Name: "LoadBalancer", Value: "app/shop/50dc6c495c0c9188" },
    ]);
    expect(mocks.cloudwatch.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input).toMatchObject({ AlarmNames: ["web-p99"] });
    expect(await live().appliedWeights()).toEqual({ blue: 90, green: 10 });
  });

  it("reports an alarm CloudWatch does not know as MISSING and no datapoints as no http counts", async () => {
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    mocks.cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "requests0", Values: [], Timestamps: [], StatusCode: "Complete" }] });
    const o = await live().observeGates();
    expect(o.alarms).toEqual([{ name: "web-p99", state: "MISSING" }]);
    expect(o.http).toBeUndefined();
  });

  it("lets throttling surface to the rollout, which treats it as missing data", async () => {
    mocks.elbv2.on(DescribeRulesCommand).rejects(throttling());
    await expect(live().observeGates()).rejects.toMatchObject({
      message: "reading web's health gates: AWS throttled reads past the SDK's retries: try again shortly, or raise AWS_MAX_ATTEMPTS (e.g. AWS_MAX_ATTEMPTS=10)",
      cause: expect.objectContaining({ name: "Throttling" }),
    });
    expect(TG.green).toContain("shop-web-green");
  });
});
