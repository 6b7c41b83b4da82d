/** A cluster and its managed node groups as EKS reports them, with any update in progress. */
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  EKSClient,
  ListUpdatesCommand,
  paginateListNodegroups,
} from "@aws-sdk/client-eks";
import { AUTONAME_SUFFIX_LENGTH } from "../../fleet/names.js";

export interface LiveUpdate {
  readonly id: string;
  readonly type: string;
  readonly status: string;
}

export interface LiveCluster {
  readonly version: string;
  /** CREATING, ACTIVE, UPDATING, DELETING, FAILED. */
  readonly status: string;
  readonly platformVersion?: string;
  readonly updates: readonly LiveUpdate[];
}

export interface LiveNodeGroup {
  /** The node group's AWS name (prefix plus Pulumi's random suffix). */
  readonly name: string;
  readonly version: string;
  readonly releaseVersion?: string;
  /** CREATING, ACTIVE, UPDATING, DELETING, CREATE_FAILED, DELETE_FAILED, DEGRADED. */
  readonly status: string;
  readonly updates: readonly LiveUpdate[];
}

/** Updates still running; EKS is only asked when the resource says it is UPDATING. */
async function updatesInProgress(eks: EKSClient, clusterName: string, nodegroupName?: string): Promise<LiveUpdate[]> {
  const target = nodegroupName === undefined ? { name: clusterName } : { name: clusterName, nodegroupName };
  const ids = (await eks.send(new ListUpdatesCommand({ ...target, maxResults: 10 }))).updateIds ?? [];
  const updates: LiveUpdate[] = [];
  for (const updateId of ids) {
    const update = (await eks.send(new DescribeUpdateCommand({ ...target, updateId }))).update;
    if (update?.status === "InProgress") updates.push({ id: updateId, type: update.type ?? "unknown", status: update.status });
  }
  return updates;
}

export async function readCluster(eks: EKSClient, clusterName: string): Promise<LiveCluster> {
  const cluster = (await eks.send(new DescribeClusterCommand({ name: clusterName }))).cluster;
  const status = cluster?.status ?? "UNKNOWN";
  return {
    version: cluster?.version ?? "unknown",
    status,
    ...(cluster?.platformVersion ? { platformVersion: cluster.platformVersion } : {}),
    updates: status === "UPDATING" ? await updatesInProgress(eks, clusterName) : [],
  };
}

/** Whether `awsName` is `prefix` plus Pulumi's random suffix ("-" and seven characters). */
export function isAutoNamed(awsName: string, prefix: string): boolean {
  return awsName.startsWith(`${prefix}-`) && awsName.length === prefix.length + AUTONAME_SUFFIX_LENGTH;
}

export async function listNodeGroupNames(eks: EKSClient, clusterName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListNodegroups({ client: eks }, { clusterName })) names.push(...(page.nodegroups ?? []));
  return names;
}

export async function readNodeGroup(eks: EKSClient, clusterName: string, nodegroupName: string): Promise<LiveNodeGroup> {
  const group = (await eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }))).nodegroup;
  const status = group?.status ?? "UNKNOWN";
  return {
    name: nodegroupName,
    version: group?.version ?? "unknown",
    ...(group?.releaseVersion ? { releaseVersion: group.releaseVersion } : {}),
    status,
    updates: status === "UPDATING" ? await updatesInProgress(eks, clusterName, nodegroupName) : [],
  };
}
