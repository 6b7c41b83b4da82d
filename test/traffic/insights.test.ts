/**
 * EKS upgrade insights on mocked SDK responses (aws-sdk-client-mock), in the shapes the EKS API
 * reference gives for ListInsights and DescribeInsight: an ERROR blocks, a WARNING is shown with
 * the deprecated API's clients, PASSING ones are counted, pages are followed within a bound, and a
 * denied read names the IAM action.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import {
  AccessDeniedException, ThrottlingException, DescribeInsightCommand, DescribeInsightsRefreshCommand, EKSClient, ListInsightsCommand, StartInsightsRefreshCommand,
  type Insight, type InsightStatusValue, type InsightSummary,
} from "@aws-sdk/client-eks";
import { stringify } from "yaml";
import { createAwsClients, IAM_ACTION_STEP, iamActionMiddleware } from "../../src/traffic/aws/clients.js";
import { MAX_DESCRIBED, MAX_INSIGHT_PAGES, readUpgradeInsights, versionsBetween } from "../../src/traffic/aws/eks-insights.js";
import { awsProblem } from "../../src/traffic/aws/errors.js";
import { gatherStatus, statusFindings, type FleetStatus, type StatusInsightsOptions } from "../../src/traffic/status.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { migrationFleet, TODAY } from "../support/fleets.js";
import { runBaton as run } from "../support/cli.js";
import { mocks, wireFleet } from "./aws-fixtures.js";

const validation = validateFleet(migrationFleet(), { today: TODAY });
if (!validation.ok) throw new Error("fixture fleet is invalid");
const fleet = validation.fleet;
const clients = createAwsClients("us-east-1");
const status = (insights: StatusInsightsOptions = {}) =>
  gatherStatus(clients, fleet, { region: "us-east-1", now: new Date("2026-12-02T10:00:00Z"), insights });

const dir = mkdtempSync(path.join(tmpdir(), "baton-insights-"));
const file = path.join(dir, "Pulumi.prod.yaml");
writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": migrationFleet() } }));

const ID = { flowSchemas: "a6f1c2d3-1111-4e5f-9a8b-000000000001", kubelet: "a6f1c2d3-2222-4e5f-9a8b-000000000002", addons: "a6f1c2d3-3333-4e5f-9a8b-000000000003" };

function summary(id: string, name: string, status: InsightStatusValue, version = "1.34"): InsightSummary {
  return {
    id, name, category: "UPGRADE_READINESS", kubernetesVersion: version,
    lastRefreshTime: new Date("2026-12-02T06:00:00Z"), lastTransitionTime: new Date("2026-11-20T06:00:00Z"),
    description: `${name}: checked before an upgrade to ${version}.`,
    insightStatus: { status, reason: status === "PASSING" ? "No issue detected." : `${name}: found a problem.` },
  };
}

/** The deprecated-API insight as DescribeInsight gives it, with the clients still calling the API. */
const flowSchemas = (status: InsightStatusValue): Insight => ({
  ...summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", status),
  insightStatus: { status, reason: "Deprecated API usage detected within last 30 days." },
  recommendation: "Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading to Kubernetes v1.34.",
  additionalInfo: { "Kubernetes API deprecation guide": "https://kubernetes.io/docs/reference/using-api/deprecation-guide/" },
  resources: [],
  categorySpecificSummary: {
    deprecationDetails: [{
      usage: "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas",
      replacedWith: "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
      stopServingVersion: "1.34", startServingReplacementVersion: "1.29",
      clientStats: [
        { userAgent: "kube-controller-manager/v1.33.4", numberOfRequestsLast30Days: 40, lastRequestTime: new Date("2026-11-30T12:00:00Z") },
        { userAgent: "helm/v3.14.2", numberOfRequestsLast30Days: 3, lastRequestTime: new Date("2026-12-01T09:15:00Z") },
      ],
    }],
    addonCompatibilityDetails: [],
  },
});

const kubeletSkew: Insight = {
  ...summary(ID.kubelet, "Kubelet version skew", "WARNING"),
  insightStatus: { status: "WARNING", reason: "Node kubelet versions are more than one minor behind the control plane." },
  recommendation: "Upgrade your worker nodes to match the Kubernetes version of your cluster control plane.",
  resources: [
    { insightStatus: { status: "WARNING", reason: "kubelet v1.31" }, kubernetesResourceUri: "/api/v1/nodes/ip-10-0-1-17.ec2.internal" },
    { insightStatus: { status: "PASSING" }, kubernetesResourceUri: "/api/v1/nodes/ip-10-0-2-33.ec2.internal" },
  ],
  categorySpecificSummary: { deprecationDetails: [], addonCompatibilityDetails: [] },
};

const passing = (n: number, version = "1.34") => Array.from({ length: n }, (_, i) => summary(`b7e2d4f5-0000-4a1b-8c2d-00000000000${i}`, `Check ${i + 1}`, "PASSING", version));

beforeEach(() => wireFleet());

describe("upgrade insights in the live status (mocked EKS responses)", () => {
  it("asks for the UPGRADE_READINESS insights of each cluster's next minor, and describes only the ones not passing", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.kubelet, "Kubelet version skew", "WARNING"), ...passing(3)] });
    mocks.eks.on(DescribeInsightCommand, { id: ID.kubelet }).resolves({ insight: kubeletSkew });
    const s = await status();
    const listed = mocks.eks.commandCalls(ListInsightsCommand).map((c) => c.args[0].input);
    expect(listed).toEqual(expect.arrayContaining([
      { clusterName: "shop-blue", filter: { categories: ["UPGRADE_READINESS"], kubernetesVersions: ["1.34"] }, maxResults: 100 },
      { clusterName: "shop-green", filter: { categories: ["UPGRADE_READINESS"], kubernetesVersions: ["1.36"] }, maxResults: 100 },
    ]));
    expect(mocks.eks.commandCalls(DescribeInsightCommand).map((c) => c.args[0].input)).toEqual([{ clusterName: "shop-blue", id: ID.kubelet }]);
    const blue = s.clusters[0]!.insights;
    expect(blue).toMatchObject({ ok: true, value: { versions: ["1.34"], passing: 3, insights: [{ name: "Kubelet version skew", status: "WARNING", resources: ["/api/v1/nodes/ip-10-0-1-17.ec2.internal"] }] } });
    // A WARNING is shown, not a finding: the status still exits 0.
    expect(statusFindings(s)).toEqual([]);
  });

  it("an ERROR insight blocks: a finding naming the insight and its recommendation", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", "ERROR"), ...passing(2)] });
    mocks.eks.on(DescribeInsightCommand, { id: ID.flowSchemas }).resolves({ insight: flowSchemas("ERROR") });
    const s = await status();
    expect(statusFindings(s)).toEqual([
      'cluster blue: upgrade to 1.34 blocked by EKS upgrade insight "Deprecated APIs removed in Kubernetes v1.34" (ERROR): Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading to Kubernetes v1.34',
    ]);
    const insight = s.clusters[0]!.insights!.ok ? s.clusters[0]!.insights!.value.insights[0]! : undefined;
    // The busiest recent client first, dates as ISO text (what --json prints).
    expect(insight?.deprecatedApis).toEqual([{
      usage: "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas", replacedWith: "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
      stopServingVersion: "1.34", startServingReplacementVersion: "1.29", moreClients: 0,
      clients: [
        { userAgent: "helm/v3.14.2", requestsLast30Days: 3, lastRequestTime: "2026-12-01T09:15:00.000Z" },
        { userAgent: "kube-controller-manager/v1.33.4", requestsLast30Days: 40, lastRequestTime: "2026-11-30T12:00:00.000Z" },
      ],
    }]);
  });

  it("--to reads every minor on the way; a cluster already at the target is not asked", async () => {
    await status({ to: "1.35" });
    expect(mocks.eks.commandCalls(ListInsightsCommand).map((c) => c.args[0].input)).toEqual([
      { clusterName: "shop-blue", filter: { categories: ["UPGRADE_READINESS"], kubernetesVersions: ["1.34", "1.35"] }, maxResults: 100 },
    ]);
    expect(versionsBetween("1.35", "1.35")).toEqual([]);
  });

  it("follows nextToken across pages, and stops at the page bound saying the read is incomplete", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: passing(2), nextToken: "page-2" });
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue", nextToken: "page-2" }).resolves({ insights: [summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", "ERROR")] });
    mocks.eks.on(DescribeInsightCommand).resolves({ insight: flowSchemas("ERROR") });
    const read = await readUpgradeInsights(clients.eks, "shop-blue", ["1.34"]);
    expect(read).toMatchObject({ passing: 2, insights: [{ status: "ERROR", described: true }] });
    expect(read.incomplete).toBeUndefined();
    expect(mocks.eks.commandCalls(ListInsightsCommand, { clusterName: "shop-blue" }).map((c) => c.args[0].input.nextToken)).toEqual([undefined, "page-2"]);

    // A list that never ends is read MAX_INSIGHT_PAGES pages deep, no further.
    mocks.eks.reset();
    mocks.eks.on(ListInsightsCommand).resolves({ insights: passing(1), nextToken: "again" });
    const endless = await readUpgradeInsights(clients.eks, "shop-blue", ["1.34"]);
    expect(mocks.eks.commandCalls(ListInsightsCommand)).toHaveLength(MAX_INSIGHT_PAGES);
    expect(endless.incomplete).toBe(`EKS listed more than ${MAX_INSIGHT_PAGES * 100} insights; only the first ${MAX_INSIGHT_PAGES} pages were read`);
  });

  it("describes at most MAX_DESCRIBED insights, ERROR first, and lists the rest without details", async () => {
    const many = Array.from({ length: MAX_DESCRIBED + 3 }, (_, i) => summary(`c0ffee00-0000-4000-8000-${String(i).padStart(12, "0")}`, `Warning ${String(i).padStart(2, "0")}`, "WARNING"));
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [...many, summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", "ERROR")] });
    mocks.eks.on(DescribeInsightCommand).callsFake((input: { id: string }) => Promise.resolve({ insight: input.id === ID.flowSchemas ? flowSchemas("ERROR") : { ...many.find((m) => m.id === input.id)!, recommendation: "Look." } }));
    const read = await readUpgradeInsights(clients.eks, "shop-blue", ["1.34"]);
    expect(mocks.eks.commandCalls(DescribeInsightCommand)).toHaveLength(MAX_DESCRIBED);
    expect(read.insights[0]).toMatchObject({ status: "ERROR", described: true });
    expect(read.insights.filter((i) => !i.described)).toHaveLength(4);
    expect(read.incomplete).toBe(`4 insight(s) past the first ${MAX_DESCRIBED} are listed without their details`);
  });

  it("--refresh-insights starts a refresh, polls it until COMPLETED, then reads", async () => {
    mocks.eks.on(StartInsightsRefreshCommand).resolves({ status: "IN_PROGRESS", message: "Initiated cluster insights refresh." });
    mocks.eks.on(DescribeInsightsRefreshCommand).resolvesOnce({ status: "IN_PROGRESS" }).resolves({ status: "COMPLETED", message: "Cluster insights refresh completed." });
    const waits: number[] = [];
    let clock = 0;
    const read = await readUpgradeInsights(clients.eks, "shop-blue", ["1.34"], { refresh: true, now: () => clock, sleep: async (ms) => { waits.push(ms); clock += ms; } });
    expect(read.refresh).toEqual({ status: "COMPLETED", message: "Cluster insights refresh completed." });
    expect(waits).toEqual([5_000, 5_000]);
    expect(read.passing).toBe(4);
    // A refresh still running after the wait: the insights are read as EKS last checked them, and it says so.
    mocks.eks.on(DescribeInsightsRefreshCommand).resolves({ status: "IN_PROGRESS" });
    clock = 0;
    const slow = await readUpgradeInsights(clients.eks, "shop-blue", ["1.34"], { refresh: true, refreshWaitMs: 10_000, now: () => clock, sleep: async (ms) => { clock += ms; } });
    expect(slow.refresh).toEqual({ status: "IN_PROGRESS" });
  });
});

describe("bounds and throttling", () => {
  it("stops a read that runs past its deadline, and says so where the insights are shown", async () => {
    let clock = 0;
    mocks.eks.on(ListInsightsCommand).callsFake(() => {
      clock += 40_000;
      return Promise.resolve({ insights: passing(1), nextToken: "more" });
    });
    const error = await readUpgradeInsights(clients.eks, "shop-blue", ["1.34"], { now: () => clock, deadlineMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InsightsDeadlineError", message: expect.stringContaining("stopped after 60 s, the bound of one cluster's read") });
    expect(mocks.eks.commandCalls(ListInsightsCommand)).toHaveLength(2);
  });

  it("throttling past the SDK's retries is the existing one line, and the view still renders", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.kubelet, "Kubelet version skew", "WARNING")] });
    mocks.eks.on(DescribeInsightCommand).rejects(new ThrottlingException({ $metadata: { httpStatusCode: 429 }, message: "Rate exceeded" }));
    const s = await status();
    expect(s.clusters[0]!.insights).toMatchObject({ ok: false, error: "upgrade insights of shop-blue for 1.34: throttled by AWS (ThrottlingException)", throttled: true });
    expect(s.awsProblems).toEqual(["AWS throttled reads past the SDK's retries: try again shortly, or raise AWS_MAX_ATTEMPTS (e.g. AWS_MAX_ATTEMPTS=10)"]);
    expect(s.clusters[1]!.insights).toMatchObject({ ok: true });
  });
});

describe("a denied insights read", () => {
  const deniedList = () => new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: eks:ListInsights on resource: arn:aws:eks:us-east-1:123456789012:cluster/shop-blue" });

  it("says which IAM action to allow, once, and the rest of the status still renders (exit 1, as any failed read)", async () => {
    mocks.eks.on(ListInsightsCommand).rejects(deniedList());
    const r = await run("status", file);
    expect(r.code).toBe(1);
    expect(r.out).toContain("blue (shop-blue): Kubernetes 1.33, ACTIVE");
    expect(r.out).toContain("upgrade insights: unavailable: upgrade insights of shop-blue for 1.34: access denied (eks:ListInsights)");
    expect(r.out.split("AWS: access denied: the AWS identity in use may not call eks:ListInsights;")).toHaveLength(2);
    // --no-insights leaves them out for an identity without the permission.
    const without = await run("status", file, "--no-insights");
    expect(without.code).toBe(0);
    expect(without.out).not.toContain("upgrade insights");
  });

  it("names eks:DescribeInsight when the list is allowed and the description is not (a real SDK client, its HTTP answer a 403)", async () => {
    mocks.eks.restore();
    try {
      const eks = new EKSClient({
        region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, maxAttempts: 1,
        requestHandler: {
          handle: async (request: { path: string }) => {
            const listing = request.path.endsWith("/insights");
            const body = listing
              ? { insights: [{ id: ID.kubelet, name: "Kubelet version skew", category: "UPGRADE_READINESS", kubernetesVersion: "1.34", insightStatus: { status: "WARNING" } }] }
              : { message: "Access denied" };
            return {
              response: {
                statusCode: listing ? 200 : 403, reason: listing ? "OK" : "Forbidden",
                headers: { "content-type": "application/json", ...(listing ? {} : { "x-amzn-errortype": "AccessDeniedException" }) },
                body: Readable.from([Buffer.from(JSON.stringify(body))]),
              },
            };
          },
        },
      });
      eks.middlewareStack.add(iamActionMiddleware("eks"), IAM_ACTION_STEP);
      const error = await readUpgradeInsights(eks, "shop-blue", ["1.34"]).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "AccessDeniedException" });
      expect(awsProblem(error).fix).toMatch(/^access denied: the AWS identity in use may not call eks:DescribeInsight;/);
    } finally {
      mocks.eks = (await import("aws-sdk-client-mock")).mockClient(EKSClient);
    }
  });
});

describe("baton status with upgrade insights", () => {
  it("marks the cluster BLOCKED on an ERROR, lists the deprecated API's clients, counts the passing ones, exits 1", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", "ERROR"), summary(ID.kubelet, "Kubelet version skew", "WARNING"), ...passing(5)] });
    mocks.eks.on(DescribeInsightCommand, { id: ID.flowSchemas }).resolves({ insight: flowSchemas("ERROR") });
    mocks.eks.on(DescribeInsightCommand, { id: ID.kubelet }).resolves({ insight: kubeletSkew });
    const r = await run("status", file);
    expect(r.code).toBe(1);
    const lines = r.out.split("\n");
    const start = lines.findIndex((l) => l.includes("upgrade insights for 1.34"));
    expect(lines.slice(start, start + 13)).toEqual([
      "    upgrade insights for 1.34: BLOCKED: 1 ERROR, 1 WARNING, 5 passing",
      "      ERROR Deprecated APIs removed in Kubernetes v1.34 (1.34), checked 2026-12-02T06:00:00.000Z",
      "        Deprecated API usage detected within last 30 days.",
      "        recommendation: Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading to Kubernetes v1.34.",
      "        deprecated API /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas → /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas (no longer served in 1.34)",
      "          client helm/v3.14.2, 3 request(s) in 30 days, last 2026-12-01T09:15:00.000Z",
      "          client kube-controller-manager/v1.33.4, 40 request(s) in 30 days, last 2026-11-30T12:00:00.000Z",
      "      WARNING Kubelet version skew (1.34), checked 2026-12-02T06:00:00.000Z",
      "        Node kubelet versions are more than one minor behind the control plane.",
      "        recommendation: Upgrade your worker nodes to match the Kubernetes version of your cluster control plane.",
      "        resource /api/v1/nodes/ip-10-0-1-17.ec2.internal",
      "  green (shop-green): Kubernetes 1.35, ACTIVE",
      "    general (shop-green-general-0c9d8e7): 1.35 [1.35.0-20261101], ACTIVE",
    ]);
    const json = JSON.parse((await run("status", file, "--json")).out) as FleetStatus;
    expect(json.clusters[0]!.insights).toMatchObject({ ok: true, value: { passing: 5, insights: [{ status: "ERROR" }, { status: "WARNING" }] } });
  });

  it("a WARNING alone is shown and the status exits 0", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", "WARNING")] });
    mocks.eks.on(DescribeInsightCommand, { id: ID.flowSchemas }).resolves({ insight: flowSchemas("WARNING") });
    const r = await run("status", file);
    expect(r.code).toBe(0);
    expect(r.out).toContain("    upgrade insights for 1.34: 1 WARNING, 0 passing");
    expect(r.out).toContain("          client helm/v3.14.2, 3 request(s) in 30 days, last 2026-12-01T09:15:00.000Z");
  });

  it("refuses --to that is not a minor version, and --refresh-insights with --no-insights", async () => {
    expect(await run("status", file, "--to", "1.34.2")).toMatchObject({ code: 2, err: expect.stringContaining('--to "1.34.2" is not a Kubernetes minor version') });
    expect(await run("status", file, "--no-insights", "--refresh-insights")).toMatchObject({ code: 2 });
    expect(mocks.eks.calls()).toHaveLength(0);
  });
});

describe("baton upgrade-plan --insights", () => {
  const stack = path.resolve(__dirname, "../../stacks/Pulumi.migration.yaml");
  const plan = (...extra: string[]) => run("upgrade-plan", stack, "--to", "1.35", "--today", TODAY, ...extra);

  it("stays offline without --insights", async () => {
    expect((await plan()).code).toBe(0);
    expect(mocks.eks.calls()).toHaveLength(0);
  });

  it("an ERROR insight for a version on the road makes the plan not ready, naming the insight and its recommendation (exit 1)", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", "ERROR"), ...passing(3)] });
    mocks.eks.on(DescribeInsightCommand, { id: ID.flowSchemas }).resolves({ insight: flowSchemas("ERROR") });
    const r = await plan("--insights");
    expect(r.code).toBe(1);
    // Only blue is below 1.35; its road passes 1.34 and 1.35.
    expect(mocks.eks.commandCalls(ListInsightsCommand).map((c) => c.args[0].input)).toEqual([
      { clusterName: "shop-blue", filter: { categories: ["UPGRADE_READINESS"], kubernetesVersions: ["1.34", "1.35"] }, maxResults: 100 },
    ]);
    expect(r.out.split("\n")[0]).toBe(
      'upgrade plan: in place to 1.35 (needs attention: blocked by EKS upgrade insight "Deprecated APIs removed in Kubernetes v1.34" on cluster blue (1.34): Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading to Kubernetes v1.34; starting 2026-11-23)',
    );
    expect(r.out).toContain([
      "EKS upgrade insights",
      "  blue (shop-blue):",
      "    upgrade insights for 1.34, 1.35: BLOCKED: 1 ERROR, 3 passing",
    ].join("\n"));
    expect(r.out).toContain("          client helm/v3.14.2, 3 request(s) in 30 days, last 2026-12-01T09:15:00.000Z");
    const json = JSON.parse((await plan("--insights", "--format", "json")).out) as { status: string; insights: { cluster: string; read: { insights: { name: string; status: string }[] } }[] };
    expect(json.status).toBe("needs-attention");
    expect(json.insights[0]).toMatchObject({ cluster: "blue", read: { insights: [{ name: "Deprecated APIs removed in Kubernetes v1.34", status: "ERROR" }] } });
    const markdown = (await plan("--insights", "--format", "markdown")).out;
    expect(markdown).toContain("- **blue** (1.34, 1.35): 1 ERROR, 3 passing");
    expect(markdown).toContain("`/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas` → `/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas`; clients: `helm/v3.14.2` (last 2026-12-01T09:15:00.000Z), `kube-controller-manager/v1.33.4`");
  });

  it("--method compare: every method's plan carries the insights, and none is ready while an ERROR stands", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.flowSchemas, "Deprecated APIs removed in Kubernetes v1.34", "ERROR")] });
    mocks.eks.on(DescribeInsightCommand, { id: ID.flowSchemas }).resolves({ insight: flowSchemas("ERROR") });
    const r = await plan("--insights", "--method", "compare");
    expect(r.code).toBe(1);
    expect(r.out).toContain('in place needs attention: blocked by EKS upgrade insight "Deprecated APIs removed in Kubernetes v1.34" on cluster blue (1.34)');
    expect(r.out).toContain('cluster blue/green needs attention: blocked by EKS upgrade insight');
    // Read once for the three methods.
    expect(mocks.eks.commandCalls(ListInsightsCommand)).toHaveLength(1);
  });

  it("WARNING and PASSING insights leave the plan ready (exit 0), shown", async () => {
    mocks.eks.on(ListInsightsCommand, { clusterName: "shop-blue" }).resolves({ insights: [summary(ID.kubelet, "Kubelet version skew", "WARNING"), ...passing(4)] });
    mocks.eks.on(DescribeInsightCommand, { id: ID.kubelet }).resolves({ insight: kubeletSkew });
    const r = await plan("--insights");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("upgrade plan: in place to 1.35 (ready; starting 2026-11-23)");
    expect(r.out).toContain("    upgrade insights for 1.34, 1.35: 1 WARNING, 4 passing\n      WARNING Kubelet version skew (1.34)");
  });

  it("insights that cannot be read make the plan not ready, in one line naming the IAM action", async () => {
    mocks.eks.on(ListInsightsCommand).rejects(new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: eks:ListInsights on resource: arn:aws:eks:us-east-1:123456789012:cluster/shop-blue" }));
    const r = await plan("--insights");
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toContain("needs attention: upgrade insights not read: upgrade insights of shop-blue for 1.34, 1.35: access denied: the AWS identity in use may not call eks:ListInsights; allow it in that identity's IAM policy");
  });

  it("refuses --refresh-insights without --insights, and --insights on a folder of stacks", async () => {
    expect(await plan("--refresh-insights")).toMatchObject({ code: 2, err: expect.stringContaining("--refresh-insights applies to --insights") });
    expect(await run("upgrade-plan", path.dirname(stack), "--to", "1.35", "--today", TODAY, "--insights")).toMatchObject({ code: 2, err: expect.stringContaining("--insights reads one stack's clusters") });
  });
});
