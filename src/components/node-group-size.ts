/**
 * The desired size a managed node group's scaling config sends when its bounds move. EKS takes
 * `scalingConfig` whole, and with `ignoreChanges` on `desiredSize` Pulumi would send the size of
 * the group's creation: a raised `min` above it is refused by EKS (min > desired), a lowered `max`
 * scales an autoscaled group down to it. So the live size is read at deploy time and clamped into
 * the new bounds (`desiredSizeToSend` in the fleet model).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { desiredSizeToSend, type ScalingSpec } from "../fleet/nodegroups.js";

/** Pulumi's autoname of a logical name: the name, a hyphen and 7 hex characters. */
const autonamed = (logicalName: string) => new RegExp(`^${logicalName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9a-f]{7}$`);

/**
 * The group's live desired size, or undefined when it does not run (yet): exactly one group of
 * the cluster must carry the autoname of `logicalName` (during a replacement two do, and the new
 * one starts from the spec). `mayNotExist`: the cluster itself may not exist yet, so a failed read
 * means "not running" instead of an error.
 */
export async function liveDesiredSize(eksClusterName: string, logicalName: string, mayNotExist: boolean, opts: pulumi.InvokeOptions): Promise<number | undefined> {
  const read = async () => {
    const { names } = await aws.eks.getNodeGroups({ clusterName: eksClusterName }, opts);
    const mine = names.filter((name) => autonamed(logicalName).test(name));
    if (mine.length !== 1) return undefined;
    const group = await aws.eks.getNodeGroup({ clusterName: eksClusterName, nodeGroupName: mine[0]! }, opts);
    return group.scalingConfigs[0]?.desiredSize;
  };
  return mayNotExist ? read().catch(() => undefined) : read();
}

/** The desired size to send: the live size clamped into the spec's bounds, or the spec's size before the group runs. */
export function desiredSizeOutput(eksClusterName: string, logicalName: string, scaling: ScalingSpec, mayNotExist: boolean, opts: pulumi.InvokeOptions): pulumi.Output<number> {
  return pulumi.output(liveDesiredSize(eksClusterName, logicalName, mayNotExist, opts)).apply((live) => desiredSizeToSend(scaling, live));
}
