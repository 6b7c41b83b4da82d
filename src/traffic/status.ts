/**
 * `baton status`: a read-only live view of a fleet. Each read that fails is reported where it
 * belongs (throttled, missing, denied) and the rest of the view still renders.
 */
import { eksClusterName, nodeGroupNamePrefix } from "../fleet/names.js";
import { effectiveNodeGroupVersion } from "../fleet/nodegroups.js";
import type { FleetSpec } from "../fleet/types.js";
import { targetHealth, type TargetCounts } from "./aws/alb.js";
import type { AwsClients } from "./aws/clients.js";
import { awsProblem, STACK_REGION_FIX } from "./aws/errors.js";
import { isAutoNamed, listNodeGroupNames, readCluster, readNodeGroup, type LiveCluster, type LiveNodeGroup } from "./aws/eks.js";
import { blockingInsights, nextVersion, readUpgradeInsights, versionsBetween, type InsightsReadOptions, type UpgradeInsights } from "./aws/eks-insights.js";
import { clusterTargetGroups, readServiceWeights } from "./aws/service-traffic.js";
import { sameWeights } from "./weights.js";

/**
 * A value read from AWS, or why it could not be: `error` for where the read is shown, `fix` the one
 * line that names the fix when there is one (shared by every read that failed the same way), and
 * `throttled` when AWS rate-limited it past the SDK's retries.
 */
export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly fix?: string; readonly throttled?: true };

/**
 * Reads for one status: each failure worded by errors.ts. Once a failure every call would share
 * (no credentials, an expired session, no region) is seen, the remaining reads report it without
 * asking AWS again.
 */
function reader() {
  let everyCall: Read<never> | undefined;
  return async function read<T>(what: string, fn: () => Promise<T>): Promise<Read<T>> {
    if (everyCall) return everyCall;
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      const problem = awsProblem(error, { regionFix: STACK_REGION_FIX });
      const failed: Read<never> = {
        ok: false, error: problem.everyCall ? problem.short : `${what}: ${problem.short}`,
        ...(problem.fix !== undefined ? { fix: problem.fix } : {}), ...(problem.kind === "throttled" ? { throttled: true as const } : {}),
      };
      if (problem.everyCall) everyCall = failed;
      return failed;
    }
  };
}

type Reader = ReturnType<typeof reader>;

export interface NodeGroupStatus {
  readonly name: string;
  readonly configVersion: string;
  /** Every AWS node group carrying this group's name prefix (two during a replacement). */
  readonly live: Read<readonly LiveNodeGroup[]>;
}

export interface ClusterStatus {
  readonly name: string;
  readonly eksName: string;
  readonly configVersion: string;
  readonly live: Read<LiveCluster>;
  readonly nodeGroups: readonly NodeGroupStatus[];
  /**
   * EKS's upgrade insights for the versions ahead (the next minor, or every minor up to `--to`);
   * absent when not asked for, or when the cluster already runs the target.
   */
  readonly insights?: Read<UpgradeInsights>;
}

/** Which upgrade insights a status reads. */
export interface StatusInsightsOptions {
  /** The version to judge the road to; default each cluster's next minor. */
  readonly to?: string;
  /** Ask EKS to run its checks again first (StartInsightsRefresh). */
  readonly refresh?: boolean;
  /**
   * Reads kept from an earlier status (a watch reads insights once: EKS refreshes them daily),
   * keyed by cluster and versions. Only successful reads are kept.
   */
  readonly cache?: Map<string, Read<UpgradeInsights>>;
  readonly read?: Omit<InsightsReadOptions, "refresh">;
}

export interface StatusOptions {
  readonly region?: string;
  readonly now?: Date;
  /** false: no upgrade insights are read. Default: each cluster's next minor. */
  readonly insights?: StatusInsightsOptions | false;
}

export interface ServiceStatus {
  readonly name: string;
  readonly routing: "alb" | "route53";
  readonly configWeights: Readonly<Record<string, number>>;
  readonly live: Read<{ readonly weights: Readonly<Record<string, number>>; readonly unmapped: readonly { id: string; weight: number }[] }>;
  /** True when the live weights differ from the config (false when they could not be read). */
  readonly drift: boolean;
  readonly targets: Readonly<Record<string, Read<TargetCounts>>>;
}

export interface FleetStatus {
  readonly fleet: string;
  readonly region?: string;
  readonly readAt: string;
  readonly clusters: readonly ClusterStatus[];
  readonly services: readonly ServiceStatus[];
  /** Each distinct fix the failed reads name, once (no credentials, access denied to an action, …). */
  readonly awsProblems: readonly string[];
}

async function insightsStatus(read: Reader, clients: AwsClients, eksName: string, live: LiveCluster, options: StatusInsightsOptions): Promise<Read<UpgradeInsights> | undefined> {
  const versions = options.to === undefined ? [nextVersion(live.version)].filter((v): v is string => v !== undefined) : versionsBetween(live.version, options.to);
  if (versions.length === 0) return undefined;
  const key = `${eksName} ${versions.join(",")}`;
  const cached = options.cache?.get(key);
  if (cached) return cached;
  const what = `upgrade insights of ${eksName} for ${versions.join(", ")}`;
  const result = await read(what, () => readUpgradeInsights(clients.eks, eksName, versions, { ...options.read, ...(options.refresh ? { refresh: true } : {}) }));
  if (result.ok) options.cache?.set(key, result);
  return result;
}

async function clusterStatus(read: Reader, clients: AwsClients, fleet: FleetSpec, name: string, insights: StatusInsightsOptions | false): Promise<ClusterStatus> {
  const spec = fleet.clusters[name]!;
  const eksName = eksClusterName(fleet.name, name);
  const live = await read(`EKS cluster ${eksName}`, () => readCluster(clients.eks, eksName));
  const names = live.ok ? await read(`node groups of ${eksName}`, () => listNodeGroupNames(clients.eks, eksName)) : live;
  const nodeGroups: NodeGroupStatus[] = [];
  for (const [groupName, group] of Object.entries(spec.nodeGroups)) {
    const prefix = nodeGroupNamePrefix(fleet.name, name, groupName);
    const groupLive: Read<LiveNodeGroup[]> = !names.ok
      ? names
      : await read(`node group ${prefix}-*`, async () => {
          const matches = names.value.filter((n) => isAutoNamed(n, prefix));
          const out: LiveNodeGroup[] = [];
          for (const awsName of matches) out.push(await readNodeGroup(clients.eks, eksName, awsName));
          return out;
        });
    nodeGroups.push({ name: groupName, configVersion: effectiveNodeGroupVersion(spec, group), live: groupLive });
  }
  const upgradeInsights = live.ok && insights !== false ? await insightsStatus(read, clients, eksName, live.value, insights) : undefined;
  return { name, eksName, configVersion: spec.version, live, nodeGroups, ...(upgradeInsights ? { insights: upgradeInsights } : {}) };
}

async function serviceStatus(read: Reader, clients: AwsClients, fleet: FleetSpec, name: string): Promise<ServiceStatus> {
  const spec = fleet.services[name]!;
  const where = spec.routing === "alb" ? `listener rule ${spec.alb.priority} on ${spec.alb.listenerArn}` : `Route53 records ${spec.route53.name} in ${spec.route53.zoneId}`;
  const live = await read(where, () => readServiceWeights(clients, fleet, spec));
  const clusters = new Set([...Object.keys(spec.weights), ...(live.ok ? Object.keys(live.value.weights) : [])]);
  const targets: Record<string, Read<TargetCounts>> = {};
  for (const cluster of clusters) {
    if (!live.ok) {
      targets[cluster] = live;
      continue;
    }
    targets[cluster] = await read(`targets of ${name} on cluster ${cluster}`, async () => {
      const groups = await clusterTargetGroups(clients.elbv2, fleet, name, cluster, live.value);
      if (groups.targetGroupArns.length === 0) throw Object.assign(new Error(`no target group of cluster ${cluster}`), { name: "NotFoundException" });
      return targetHealth(clients.elbv2, groups.targetGroupArns);
    });
  }
  const drift = live.ok && (!sameWeights(live.value.weights, spec.weights) || live.value.unmapped.some((u) => u.weight > 0));
  return {
    name, routing: spec.routing, configWeights: spec.weights, drift, targets,
    live: live.ok ? { ok: true, value: { weights: live.value.weights, unmapped: live.value.unmapped } } : live,
  };
}

/** Reads every cluster, node group and service of the fleet. Never writes. */
export async function gatherStatus(clients: AwsClients, fleet: FleetSpec, options: StatusOptions = {}): Promise<FleetStatus> {
  const read = reader();
  const insights = options.insights ?? {};
  const [clusters, services] = await Promise.all([
    Promise.all(Object.keys(fleet.clusters).map((c) => clusterStatus(read, clients, fleet, c, insights))),
    Promise.all(Object.keys(fleet.services).map((s) => serviceStatus(read, clients, fleet, s))),
  ]);
  const fixes = failedReads(clusters, services).flatMap((r) => (r.ok || r.fix === undefined ? [] : [r.fix]));
  return {
    fleet: fleet.name,
    ...(options.region === undefined ? {} : { region: options.region }),
    readAt: (options.now ?? new Date()).toISOString(),
    clusters,
    services,
    awsProblems: [...new Set(fixes)],
  };
}

/** The reads of a status that failed, in the order the view shows them. */
export function failedReads(clusters: readonly ClusterStatus[], services: readonly ServiceStatus[]): Read<unknown>[] {
  const reads: Read<unknown>[] = [];
  for (const c of clusters) reads.push(c.live, ...c.nodeGroups.map((g) => g.live), ...(c.insights ? [c.insights] : []));
  for (const s of services) reads.push(s.live, ...Object.values(s.targets));
  return reads.filter((r) => !r.ok);
}

/** Whether the status shows something to act on: drift, a failed read, a version or status off the config. */
export function statusFindings(status: FleetStatus): string[] {
  // A failed read that names a fix is that fix, once; the others are where they failed.
  const findings: string[] = [...status.awsProblems];
  const push = (r: Read<unknown>) => {
    if (!r.ok && r.fix === undefined) findings.push(r.error);
  };
  for (const c of status.clusters) {
    if (!c.live.ok) push(c.live);
    else if (c.live.value.version !== c.configVersion) findings.push(`cluster ${c.name} runs ${c.live.value.version}, config says ${c.configVersion}`);
    for (const g of c.nodeGroups) {
      if (!g.live.ok) {
        if (c.live.ok) push(g.live);
      } else if (g.live.value.length === 0) findings.push(`node group ${c.name}/${g.name} not found on AWS`);
      else for (const n of g.live.value) if (n.version !== g.configVersion) findings.push(`node group ${n.name} runs ${n.version}, config says ${g.configVersion}`);
    }
    if (c.insights && !c.insights.ok) push(c.insights);
    else if (c.insights) {
      // An ERROR insight is EKS saying the upgrade would break something: the status is blocked.
      for (const i of blockingInsights(c.insights.value)) {
        findings.push(`cluster ${c.name}: upgrade to ${i.kubernetesVersion ?? c.insights.value.versions.at(-1)} blocked by EKS upgrade insight "${i.name}" (ERROR)${i.recommendation ? `: ${i.recommendation.replace(/\.$/, "")}` : ""}`);
      }
    }
  }
  for (const s of status.services) {
    if (!s.live.ok) push(s.live);
    if (s.drift) findings.push(`service ${s.name}: live weights differ from the config`);
  }
  return findings;
}
