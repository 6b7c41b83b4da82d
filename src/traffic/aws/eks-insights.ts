/**
 * EKS upgrade insights: the checks EKS runs on a cluster for the Kubernetes versions it can move to
 * (category UPGRADE_READINESS), read with ListInsights, and DescribeInsight for each one that is not
 * PASSING (its recommendation, the deprecated API it found and the clients still calling it).
 * StartInsightsRefresh, when asked, makes EKS run its checks again before they are read.
 *
 * Bounded: at most MAX_INSIGHT_PAGES pages are listed and MAX_DESCRIBED insights described per
 * cluster, and the whole read stops at its deadline (each call in flight is aborted then). Throttling
 * is retried by the client's retry strategy; what still fails propagates for the caller to word
 * (errors.ts names the IAM action: eks:ListInsights, eks:DescribeInsight, eks:StartInsightsRefresh).
 */
import {
  DescribeInsightCommand,
  DescribeInsightsRefreshCommand,
  ListInsightsCommand,
  StartInsightsRefreshCommand,
  type EKSClient,
  type Insight,
  type InsightSummary,
} from "@aws-sdk/client-eks";
import { compareVersions, minorOf, VERSION_PATTERN, versionFromMinor } from "../../fleet/versions.js";
import { awsProblem, describeAwsError } from "./errors.js";

/** Pages of ListInsights read at most (100 insights a page). */
export const MAX_INSIGHT_PAGES = 5;
/** Insights described at most per cluster; past that the rest are listed without their details. */
export const MAX_DESCRIBED = 20;
/** Clients listed at most per deprecated API (the busiest first). */
export const MAX_CLIENTS = 10;
/** How long one cluster's insights read may take, refresh wait included. */
export const DEFAULT_INSIGHTS_DEADLINE_MS = 60_000;
/** How long, at most, a requested refresh is waited for before the insights are read as they are. */
export const DEFAULT_REFRESH_WAIT_MS = 30_000;
const REFRESH_POLL_MS = 5_000;

export type InsightStatusValue = "ERROR" | "WARNING" | "UNKNOWN" | "PASSING";

export interface InsightClient {
  readonly userAgent: string;
  readonly requestsLast30Days?: number;
  /** ISO timestamp of the client's last request EKS saw. */
  readonly lastRequestTime?: string;
}

export interface DeprecatedApi {
  /** The deprecated resource version, e.g. `/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas`. */
  readonly usage: string;
  readonly replacedWith?: string;
  readonly stopServingVersion?: string;
  readonly startServingReplacementVersion?: string;
  readonly clients: readonly InsightClient[];
  /** Clients EKS listed beyond the MAX_CLIENTS shown. */
  readonly moreClients: number;
}

export interface UpgradeInsight {
  readonly id: string;
  readonly name: string;
  readonly kubernetesVersion?: string;
  readonly status: InsightStatusValue;
  readonly reason?: string;
  readonly recommendation?: string;
  /** ISO timestamp of EKS's last completed check. */
  readonly lastRefreshTime?: string;
  readonly deprecatedApis: readonly DeprecatedApi[];
  /** Add-ons whose installed version does not run on the next version, with the versions that do. */
  readonly addons: readonly { readonly name: string; readonly compatibleVersions: readonly string[] }[];
  /** The Kubernetes resources or ARNs the check names. */
  readonly resources: readonly string[];
  /** False when the insight was listed but not described (past MAX_DESCRIBED). */
  readonly described: boolean;
}

export interface UpgradeInsights {
  readonly cluster: string;
  /** The versions asked about, oldest first (every minor from the cluster's next one to the target). */
  readonly versions: readonly string[];
  /** Every insight that is not PASSING, ERROR first. */
  readonly insights: readonly UpgradeInsight[];
  readonly passing: number;
  /** What the requested refresh came to. */
  readonly refresh?: { readonly status: string; readonly message?: string };
  /** Why the read is not complete (a bound reached), when it is not. */
  readonly incomplete?: string;
}

export interface InsightsReadOptions {
  /** Call StartInsightsRefresh first and wait (up to `refreshWaitMs`) for it to complete. */
  readonly refresh?: boolean;
  readonly deadlineMs?: number;
  readonly refreshWaitMs?: number;
  /** For tests: how to wait between refresh polls. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * The minors an upgrade from `from` to `to` passes through, each one EKS may have insights for
 * (`1.33` to `1.35`: 1.34, 1.35). Empty when `from` is already at or past `to`.
 */
export function versionsBetween(from: string, to: string): string[] {
  if (!VERSION_PATTERN.test(from) || !VERSION_PATTERN.test(to) || compareVersions(from, to) >= 0) return [];
  const out: string[] = [];
  for (let minor = minorOf(from) + 1; minor <= minorOf(to); minor++) out.push(versionFromMinor(minor));
  return out;
}

/** The minor after `version` (`1.33` → `1.34`). */
export function nextVersion(version: string): string | undefined {
  return VERSION_PATTERN.test(version) ? versionFromMinor(minorOf(version) + 1) : undefined;
}

const STATUS_ORDER: Readonly<Record<InsightStatusValue, number>> = { ERROR: 0, WARNING: 1, UNKNOWN: 2, PASSING: 3 };

function statusOf(value: string | undefined): InsightStatusValue {
  return value === "ERROR" || value === "WARNING" || value === "PASSING" ? value : "UNKNOWN";
}

const iso = (d: Date | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);

export class InsightsDeadlineError extends Error {
  override name = "InsightsDeadlineError";
}

function fromSummary(s: InsightSummary): UpgradeInsight {
  const status = statusOf(s.insightStatus?.status);
  return {
    id: s.id ?? "", name: s.name ?? s.id ?? "unnamed insight",
    ...(s.kubernetesVersion ? { kubernetesVersion: s.kubernetesVersion } : {}),
    status,
    ...(s.insightStatus?.reason ? { reason: s.insightStatus.reason } : {}),
    ...(iso(s.lastRefreshTime) ? { lastRefreshTime: iso(s.lastRefreshTime)! } : {}),
    deprecatedApis: [], addons: [], resources: [], described: false,
  };
}

function withDetail(summary: UpgradeInsight, insight: Insight): UpgradeInsight {
  const details = insight.categorySpecificSummary;
  const deprecatedApis: DeprecatedApi[] = (details?.deprecationDetails ?? []).map((d) => {
    const clients = [...(d.clientStats ?? [])]
      .sort((a, b) => (b.lastRequestTime?.getTime() ?? 0) - (a.lastRequestTime?.getTime() ?? 0) || (b.numberOfRequestsLast30Days ?? 0) - (a.numberOfRequestsLast30Days ?? 0))
      .map((c): InsightClient => ({
        userAgent: c.userAgent ?? "unknown client",
        ...(c.numberOfRequestsLast30Days !== undefined ? { requestsLast30Days: c.numberOfRequestsLast30Days } : {}),
        ...(iso(c.lastRequestTime) ? { lastRequestTime: iso(c.lastRequestTime)! } : {}),
      }));
    return {
      usage: d.usage ?? "unknown API",
      ...(d.replacedWith ? { replacedWith: d.replacedWith } : {}),
      ...(d.stopServingVersion ? { stopServingVersion: d.stopServingVersion } : {}),
      ...(d.startServingReplacementVersion ? { startServingReplacementVersion: d.startServingReplacementVersion } : {}),
      clients: clients.slice(0, MAX_CLIENTS),
      moreClients: Math.max(0, clients.length - MAX_CLIENTS),
    };
  });
  const status = insight.insightStatus?.status ? statusOf(insight.insightStatus.status) : summary.status;
  const reason = insight.insightStatus?.reason ?? summary.reason;
  return {
    ...summary,
    name: insight.name ?? summary.name,
    status,
    ...(reason ? { reason } : {}),
    ...(insight.recommendation ? { recommendation: insight.recommendation } : {}),
    deprecatedApis,
    addons: (details?.addonCompatibilityDetails ?? []).map((a) => ({ name: a.name ?? "unnamed add-on", compatibleVersions: a.compatibleVersions ?? [] })),
    resources: (insight.resources ?? [])
      .filter((r) => statusOf(r.insightStatus?.status) !== "PASSING")
      .map((r) => r.kubernetesResourceUri ?? r.arn ?? "")
      .filter((r) => r !== ""),
    described: true,
  };
}

/**
 * The upgrade insights of `cluster` for every minor in `versions`: ERROR, WARNING and UNKNOWN ones
 * described, PASSING ones counted. Never changes the cluster; `refresh` asks EKS to run its checks again.
 */
export async function readUpgradeInsights(eks: EKSClient, cluster: string, versions: readonly string[], options: InsightsReadOptions = {}): Promise<UpgradeInsights> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadlineMs = options.deadlineMs ?? DEFAULT_INSIGHTS_DEADLINE_MS;
  const deadline = now() + deadlineMs;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), deadlineMs);
  timer.unref?.();
  const late = () => `stopped after ${Math.round(deadlineMs / 1000)} s, the bound of one cluster's read; try again, or read them with aws eks list-insights --cluster-name ${cluster}`;
  const inTime = () => {
    if (now() > deadline) throw new InsightsDeadlineError(late());
  };
  const send = { abortSignal: abort.signal };
  try {
    let refresh: UpgradeInsights["refresh"];
    if (options.refresh) {
      const started = await eks.send(new StartInsightsRefreshCommand({ clusterName: cluster }), send);
      refresh = { status: started?.status ?? "IN_PROGRESS", ...(started?.message ? { message: started.message } : {}) };
      const waitUntil = Math.min(deadline, now() + (options.refreshWaitMs ?? DEFAULT_REFRESH_WAIT_MS));
      while (refresh.status === "IN_PROGRESS" && now() + REFRESH_POLL_MS <= waitUntil) {
        await sleep(REFRESH_POLL_MS);
        const polled = await eks.send(new DescribeInsightsRefreshCommand({ clusterName: cluster }), send);
        refresh = { status: polled?.status ?? refresh.status, ...(polled?.message ? { message: polled.message } : {}) };
      }
    }

    const listed: UpgradeInsight[] = [];
    let passing = 0;
    let nextToken: string | undefined;
    let pages = 0;
    let incomplete: string | undefined;
    do {
      inTime();
      if (pages === MAX_INSIGHT_PAGES) {
        incomplete = `EKS listed more than ${MAX_INSIGHT_PAGES * 100} insights; only the first ${MAX_INSIGHT_PAGES} pages were read`;
        break;
      }
      const page = await eks.send(new ListInsightsCommand({
        clusterName: cluster,
        filter: { categories: ["UPGRADE_READINESS"], kubernetesVersions: [...versions] },
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      }), send);
      pages++;
      for (const summary of page?.insights ?? []) {
        // The filter asked EKS for these; a summary for another version or category is not ours to judge.
        if (summary.category !== undefined && summary.category !== "UPGRADE_READINESS") continue;
        if (summary.kubernetesVersion !== undefined && !versions.includes(summary.kubernetesVersion)) continue;
        if (statusOf(summary.insightStatus?.status) === "PASSING") passing++;
        else listed.push(fromSummary(summary));
      }
      nextToken = page?.nextToken ?? undefined;
    } while (nextToken);

    listed.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || compareVersions(a.kubernetesVersion ?? "1.0", b.kubernetesVersion ?? "1.0") || a.name.localeCompare(b.name));
    const insights: UpgradeInsight[] = [];
    for (const [i, summary] of listed.entries()) {
      if (i >= MAX_DESCRIBED || summary.id === "") {
        insights.push(summary);
        continue;
      }
      inTime();
      const described = (await eks.send(new DescribeInsightCommand({ clusterName: cluster, id: summary.id }), send))?.insight;
      insights.push(described ? withDetail(summary, described) : summary);
    }
    if (listed.length > MAX_DESCRIBED) {
      const more = `${listed.length - MAX_DESCRIBED} insight(s) past the first ${MAX_DESCRIBED} are listed without their details`;
      incomplete = incomplete ? `${incomplete}; ${more}` : more;
    }
    // A description may say another status than the list did (EKS refreshed between the two calls).
    insights.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
    return {
      cluster, versions: [...versions],
      insights: insights.filter((x) => x.status !== "PASSING"),
      passing: passing + insights.filter((x) => x.status === "PASSING").length,
      ...(refresh ? { refresh } : {}),
      ...(incomplete ? { incomplete } : {}),
    };
  } catch (error) {
    if (abort.signal.aborted && !(error instanceof InsightsDeadlineError)) {
      throw new InsightsDeadlineError(late(), { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The ERROR insights: what blocks an upgrade to one of the versions read. */
export function blockingInsights(read: UpgradeInsights): UpgradeInsight[] {
  return read.insights.filter((i) => i.status === "ERROR");
}

/** One cluster's insights for a plan: what EKS said, or why it could not be read (one line naming the fix). */
export interface ClusterInsights {
  /** The cluster's name in the fleet. */
  readonly cluster: string;
  readonly eksName: string;
  readonly versions: readonly string[];
  readonly read?: UpgradeInsights;
  readonly error?: string;
}

/**
 * The insights of every cluster below `to`, read one cluster after another. A failure every call
 * shares (no credentials, an expired session, no region) is said for the remaining clusters
 * without asking AWS again.
 */
export async function readClustersInsights(
  eks: EKSClient,
  clusters: readonly { readonly cluster: string; readonly eksName: string; readonly version: string }[],
  to: string,
  options: InsightsReadOptions & { readonly regionFix?: string } = {},
): Promise<ClusterInsights[]> {
  const out: ClusterInsights[] = [];
  let shared: string | undefined;
  for (const c of clusters) {
    const versions = versionsBetween(c.version, to);
    if (versions.length === 0) continue;
    const base = { cluster: c.cluster, eksName: c.eksName, versions };
    if (shared !== undefined) {
      out.push({ ...base, error: shared });
      continue;
    }
    try {
      out.push({ ...base, read: await readUpgradeInsights(eks, c.eksName, versions, options) });
    } catch (error) {
      const context = options.regionFix ? { regionFix: options.regionFix } : {};
      const problem = awsProblem(error, context);
      // A problem of every call is said the same way for each cluster (once, where it is printed).
      if (problem.everyCall) shared = problem.fix ?? problem.short;
      out.push({ ...base, error: shared ?? describeAwsError(`upgrade insights of ${c.eksName} for ${versions.join(", ")}`, error, context) });
    }
  }
  return out;
}
