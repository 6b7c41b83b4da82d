/**
 * An EKS managed node group with its launch template: IMDSv2 required (hop limit 1 unless opted
 * out), an encrypted gp3 root volume, `updateConfig` from the spec, the version following the
 * cluster unless pinned, the AMI release when pinned (`releaseVersion`, rolled with
 * `forceUpdateVersion` when opted in), and a `NoSchedule` taint on a retiring group.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { derivedNodeGroupNames, nodeGroupNamePrefix } from "../fleet/names.js";
import { effectiveNodeGroupVersion, effectiveUpdateConfig, scalingBoundsMove } from "../fleet/nodegroups.js";
import { configPath, FleetSpecError } from "../fleet/problems.js";
import { tooLong } from "../fleet/rules/names.js";
import { checkNodeGroup } from "../fleet/rules/nodegroup.js";
import { NodeGroup } from "../fleet/schema.js";
import type { ClusterSpec, NodeGroupInput, NodeGroupSpec, TaintSpec } from "../fleet/types.js";
import { judgeAgainstDeployed } from "../fleet/deployed.js";
import { parsePart } from "../fleet/parse-part.js";
import { isoDate } from "../fleet/versions.js";
import { desiredSizeOutput } from "./node-group-size.js";
import { batonTags } from "./tags.js";
import { throwIfInvalid } from "./validation.js";

/** The component's part of the fleet spec, as a user writes it (see fleet/types.ts). */
export type { NodeGroupInput };

/** What a node group needs from its cluster; `EksCluster` provides it. */
export interface NodeGroupHost {
  readonly fleetName: string;
  readonly clusterName: string;
  readonly spec: ClusterSpec;
  readonly subnetIds: readonly string[];
  readonly cluster: aws.eks.Cluster;
  readonly nodeRole: aws.iam.Role;
  readonly nodePrerequisites: readonly pulumi.Resource[];
}

export interface ManagedNodeGroupArgs {
  readonly cluster: NodeGroupHost;
  /** The group's name in the cluster (its key under `nodeGroups:`). @default the component's name */
  readonly nodeGroupName?: string;
  /** The group's settings, exactly as in the fleet spec; checked with the spec's rules. */
  readonly spec: NodeGroupInput;
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
  /** The group as deployed, when known: problems it already has that `spec` does not make worse are warnings. */
  readonly deployed?: NodeGroupInput;
  /**
   * The group as last deployed, for what pulumi up sends: while its `min` and `max` stay, no
   * desired size. `false`: not known, so the live size (clamped) is always sent. @default deployed
   */
  readonly lastDeployed?: NodeGroupInput | false;
}

/** Node group inputs pulumi up leaves at their deployed value while the scaling bounds stay (see `node-group-size.ts`). */
export const NODE_GROUP_IGNORED_CHANGES = ["scalingConfig.desiredSize"] as const;

/** The taint a retiring group carries, so that nothing new lands on it while it drains. */
export const RETIRING_TAINT = { key: "baton/retiring", value: "true", effect: "NO_SCHEDULE" } as const;

/** The hop limit that keeps pods (one hop further than the node) away from the instance metadata service. */
export const NODE_ONLY_HOP_LIMIT = 1;
/** The opt-out's hop limit: pods reach the metadata service, and so the node role's credentials. */
export const POD_REACHABLE_HOP_LIMIT = 2;

const TAINT_EFFECTS: Record<TaintSpec["effect"], string> = {
  NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE",
};

/** Bottlerocket keeps the OS on /dev/xvda and containers on /dev/xvdb; Amazon Linux has one root volume. */
const BOTTLEROCKET_OS_DEVICE = "/dev/xvda";
const isBottlerocket = (amiType: NodeGroupSpec["amiType"]) => amiType.startsWith("BOTTLEROCKET");
function dataVolumeDevice(amiType: NodeGroupSpec["amiType"]): string {
  return isBottlerocket(amiType) ? "/dev/xvdb" : "/dev/xvda";
}

export class ManagedNodeGroup extends pulumi.ComponentResource {
  readonly nodeGroupKey: string;
  readonly spec: NodeGroupSpec;
  /** The Kubernetes version the group runs: its pin, or its cluster's. */
  readonly version: string;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly nodeGroup: aws.eks.NodeGroup;
  /** The EKS node group name (the logical name plus Pulumi's suffix). */
  readonly nodeGroupName: pulumi.Output<string>;

  constructor(name: string, args: ManagedNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    const host = args.cluster;
    const key = args.nodeGroupName ?? name;
    const spec = validateNodeGroup(host, key, args.spec, args.today ?? isoDate(new Date()), args.deployed);
    const lastDeployed = args.lastDeployed === false ? undefined : args.lastDeployed ?? args.deployed;
    const deployed = lastDeployed === undefined ? undefined : parsePart(NodeGroup, lastDeployed, []);
    super("baton:components:ManagedNodeGroup", name, {}, opts);

    this.nodeGroupKey = key;
    this.spec = spec;
    this.version = effectiveNodeGroupVersion(host.spec, spec);
    const logicalName = nodeGroupNamePrefix(host.fleetName, host.clusterName, key);
    const tags = batonTags({ fleet: host.fleetName, cluster: host.clusterName, nodeGroup: key });

    // Bottlerocket boots from /dev/xvda and keeps containers on /dev/xvdb; the OS volume is mapped too so
    // that it is encrypted like the data volume (its size stays the AMI's).
    const osVolume: aws.types.input.ec2.LaunchTemplateBlockDeviceMapping[] = isBottlerocket(spec.amiType)
      ? [{ deviceName: BOTTLEROCKET_OS_DEVICE, ebs: { volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]
      : [];
    this.launchTemplate = new aws.ec2.LaunchTemplate(logicalName, {
      description: `Nodes of ${logicalName} (baton)`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: spec.allowPodsToReachInstanceMetadata ? POD_REACHABLE_HOP_LIMIT : NODE_ONLY_HOP_LIMIT,
      },
      blockDeviceMappings: [...osVolume, {
        deviceName: dataVolumeDevice(spec.amiType),
        ebs: { volumeSize: spec.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      }],
      tagSpecifications: [{ resourceType: "instance", tags }, { resourceType: "volume", tags }],
      tags,
    }, { parent: this });

    const update = effectiveUpdateConfig(spec);
    const taints = spec.taints.map((t) => ({ key: t.key, effect: TAINT_EFFECTS[t.effect], ...(t.value !== undefined ? { value: t.value } : {}) }));
    if (spec.retiring) taints.push({ ...RETIRING_TAINT });

    // desired sets the size at creation; after that it is the cluster autoscaler's (or an operator's),
    // and pulumi up must not scale the group back to the number in the stack file. While the bounds
    // stay, nothing is sent for it. When min or max move (or the deployed group is not known), EKS
    // gets the scaling config whole: the live size clamped into the new bounds goes with it.
    const boundsStay = deployed?.ok === true && !scalingBoundsMove(deployed.value.scaling, spec.scaling);
    const desiredSize = boundsStay
      ? spec.scaling.desired
      : host.cluster.name.apply((eksName) => desiredSizeOutput(eksName, logicalName, spec.scaling, deployed?.ok !== true, { parent: this }));

    // Autonamed (logical name + suffix): a change EKS cannot make in place creates the new group before deleting the old.
    this.nodeGroup = new aws.eks.NodeGroup(logicalName, {
      clusterName: host.cluster.name,
      nodeRoleArn: host.nodeRole.arn,
      subnetIds: [...host.subnetIds],
      version: this.version,
      // A pinned release rolls the nodes onto it in place (UpdateNodegroupVersion); absent, EKS picks
      // the latest at creation and at each version bump. Forcing is sent only when opted in.
      ...(spec.releaseVersion !== undefined ? { releaseVersion: spec.releaseVersion } : {}),
      ...(spec.forceUpdateVersion === true ? { forceUpdateVersion: true } : {}),
      amiType: spec.amiType,
      capacityType: spec.capacityType,
      instanceTypes: [...spec.instanceTypes],
      scalingConfig: { minSize: spec.scaling.min, desiredSize, maxSize: spec.scaling.max },
      updateConfig: update.maxUnavailable !== undefined
        ? { maxUnavailable: update.maxUnavailable }
        : { maxUnavailablePercentage: update.maxUnavailablePercentage },
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(String) },
      labels: { ...spec.labels },
      taints,
      tags,
    }, {
      parent: this, dependsOn: [...host.nodePrerequisites],
      ...(boundsStay ? { ignoreChanges: [...NODE_GROUP_IGNORED_CHANGES] } : {}),
    });
    this.nodeGroupName = this.nodeGroup.nodeGroupName;

    this.registerOutputs({ nodeGroupName: this.nodeGroupName, version: this.version });
  }
}

function validateNodeGroup(host: NodeGroupHost, key: string, input: NodeGroupInput, today: string, deployed?: NodeGroupInput): NodeGroupSpec {
  const at = ["clusters", host.clusterName, "nodeGroups", key];
  const parsed = parsePart(NodeGroup, input, at);
  if (!parsed.ok) throw new FleetSpecError(parsed.problems, `ManagedNodeGroup ${key}: the spec is invalid`);
  const path = configPath(at);
  const problemsOf = (spec: NodeGroupSpec) => [
    ...checkNodeGroup(host.spec, spec, path, today),
    ...tooLong(derivedNodeGroupNames(host.fleetName, host.clusterName, key), path, key),
  ];
  const was = deployed === undefined ? undefined : parsePart(NodeGroup, deployed, at);
  const problems = problemsOf(parsed.value);
  throwIfInvalid(was?.ok ? judgeAgainstDeployed(problems, problemsOf(was.value)) : problems, `ManagedNodeGroup ${key}`);
  return parsed.value;
}
