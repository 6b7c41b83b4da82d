/**
 * `baton status`: a read-only live view of a fleet. Each read that fails is reported where it
 * belongs (throttled, missing, denied) and the rest of the view still renders.
 */
import { eksClusterName, nodeGroupNamePrefix } from "../fleet/names.js";
import { effectiveNodeGroupVersion } from "../fleet/nodegroups.js";
import type { FleetSpec } from "../fleet/types.js";
import { targetHealth, type TargetCounts } from "./aws/alb.js";
import type { AwsClients } from "./aws/clients.js";
import { awsErrorKind, describeAwsError } from "./aws/errors.js";
import { isAutoNamed, listNodeGroupNames, readCluster, readNodeGroup, type LiveCluster, type LiveNodeGroup } from "./aws/eks.js";
import { clusterTargetGroups, readServiceWeights } from "./aws/service-traffic.js";
import { sameWeights } from "./weights.js";

/** A value read from AWS, or why it could not be (`throttled` when AWS rate-limited it past the SDK's retries). */
export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly throttled?: true };

async function read<T>(what: string, fn: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: describeAwsError(what, error), ...(awsErrorKind(error) === "throttled" ? { throttled: true as const } : {}) };
  }
}

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
}

async function clusterStatus(clients: AwsClients, fleet: FleetSpec, name: string): Promise<ClusterStatus> {
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
  return { name, eksName, configVersion: spec.version, live, nodeGroups };
}

async function serviceStatus(clients: AwsClients, fleet: FleetSpec, name: string): Promise<ServiceStatus> {
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
export async function gatherStatus(clients: AwsClients, fleet: FleetSpec, options: { region?: string; now?: Date } = {}): Promise<FleetStatus> {
  const [clusters, services] = await Promise.all([
    Promise.all(Object.keys(fleet.clusters).map((c) => clusterStatus(clients, fleet, c))),
    Promise.all(Object.keys(fleet.services).map((s) => serviceStatus(clients, fleet, s))),
  ]);
  return {
    fleet: fleet.name,
    ...(options.region === undefined ? {} : { region: options.region }),
    readAt: (options.now ?? new Date()).toISOString(),
    clusters,
    services,
  };
}

/** Whether the status shows something to act on: drift, a failed read, a version or status off the config. */
export function statusFindings(status: FleetStatus): string[] {
  const findings: string[] = [];
  for (const c of status.clusters) {
    if (!c.live.ok) findings.push(c.live.error);
    else if (c.live.value.version !== c.configVersion) findings.push(`cluster ${c.name} runs ${c.live.value.version}, config says ${c.configVersion}`);
    for (const g of c.nodeGroups) {
      if (!g.live.ok) {
        if (c.live.ok) findings.push(g.live.error);
      } else if (g.live.value.length === 0) findings.push(`node group ${c.name}/${g.name} not found on AWS`);
      else for (const n of g.live.value) if (n.version !== g.configVersion) findings.push(`node group ${n.name} runs ${n.version}, config says ${g.configVersion}`);
    }
  }
  for (const s of status.services) {
    if (!s.live.ok) findings.push(s.live.error);
    if (s.drift) findings.push(`service ${s.name}: live weights differ from the config`);
  }
  return findings;
}
