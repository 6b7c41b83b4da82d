/**
 * The Pulumi mock runtime's answers when the fleet program runs offline (the offline preview and
 * the component tests): every resource gets a deterministic id and the outputs its provider would
 * report (ARNs, the cluster endpoint and CA, auto-generated names), and every function the
 * components invoke gets a plausible answer. No randomness and no clock: one config, one graph.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { REPLACEMENT_TABLE } from "../fleet/replacements.js";

/** A resource as the program registered it, with the state the mocks answered. */
export interface MockedResource {
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  readonly custom: boolean;
  /** The provider reference (`urn::id`) when the resource names one. */
  readonly provider?: string;
  readonly inputs: Record<string, unknown>;
  readonly id: string | undefined;
  readonly state: Record<string, unknown>;
}

/** An invoke the program made. */
export interface MockedCall {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

export interface OfflineMocksOptions {
  /** @default "123456789012" (the account id AWS documentation uses) */
  readonly accountId?: string;
  /** @default "us-east-1" */
  readonly region?: string;
  /** What a StackReference reads as the stack's outputs. @default none */
  readonly stackOutputs?: Readonly<Record<string, unknown>>;
  /** The default add-on version EKS names (aws:eks/getAddonVersion). @default mockAddonVersion */
  readonly addonVersion?: (addonName: string, kubernetesVersion: string) => string;
  /**
   * CloudWatch log groups that exist in the account (aws:cloudwatch/getLogGroups), e.g. the
   * control-plane group a decommission left behind. @default none: offline, nothing is known to exist
   */
  readonly logGroups?: readonly string[];
  /**
   * Managed node groups that run, per EKS cluster name and node group name, with their live
   * scaling (aws:eks/getNodeGroups, aws:eks/getNodeGroup). @default none: offline, no live size is known
   */
  readonly nodeGroups?: Readonly<Record<string, Readonly<Record<string, LiveScaling>>>>;
}

/** A node group's scaling as EKS reports it. */
export interface LiveScaling {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
}

/** Hex digest of the parts, cut to `length`: the source of every "random" id. */
function digest(length: number, ...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}

/** What Pulumi autonaming would produce: the logical name, a hyphen and seven characters. */
function autonameOf(logicalName: string, ...seed: string[]): string {
  return `${logicalName}-${digest(7, logicalName, ...seed)}`;
}

/** A plausible add-on version per add-on and Kubernetes minor; kube-proxy tracks the Kubernetes version itself. */
export function mockAddonVersion(addonName: string, kubernetesVersion: string): string {
  const minor = Number(kubernetesVersion.split(".")[1] ?? 0);
  switch (addonName) {
    case "kube-proxy": return `v${kubernetesVersion}.0-eksbuild.1`;
    case "vpc-cni": return `v1.${minor - 14}.0-eksbuild.1`;
    case "coredns": return `v1.${Math.floor(minor / 3)}.${minor % 3}-eksbuild.1`;
    case "eks-pod-identity-agent": return `v1.3.${minor - 25}-eksbuild.1`;
    default: return `v1.0.${minor}-eksbuild.1`;
  }
}

/** The value at a dotted input path (`encryptionConfig.provider`), or undefined. */
function valueAtPath(inputs: Record<string, unknown>, path: string): unknown {
  let node: unknown = inputs;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The inputs whose change replaces a resource of `type` (the replacement table's, and for a
 * binding the fields baton replaces it on): a replacement is a new physical resource, so its
 * generated name, id and ARN must change with them, and so must every input that refers to it.
 * Without this, a replaced target group would keep its ARN and its binding would look unchanged.
 */
function replacementSeed(type: string, inputs: Record<string, unknown>): string {
  const rule = REPLACEMENT_TABLE[type];
  if (rule === undefined) return "";
  const paths = [...rule.replaces, ...(rule.refusedUpdates ?? [])];
  const values = paths.map((p) => valueAtPath(inputs, p));
  return values.every((v) => v === undefined) ? "" : JSON.stringify(values);
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};

const stringOr = (value: unknown, fallback: string): string => (typeof value === "string" ? value : fallback);

/**
 * Deterministic mocks for `pulumi.runtime.setMocks`. Records what the program registered and
 * invoked, so a caller can read the resource graph after the program ran.
 */
export class OfflineMocks implements pulumi.runtime.Mocks {
  readonly resources: MockedResource[] = [];
  readonly calls: MockedCall[] = [];
  readonly accountId: string;
  readonly region: string;
  private readonly stackOutputs: Readonly<Record<string, unknown>>;
  private readonly addonVersion: (addonName: string, kubernetesVersion: string) => string;
  private readonly logGroups: readonly string[];
  private readonly nodeGroups: Readonly<Record<string, Readonly<Record<string, LiveScaling>>>>;

  constructor(options: OfflineMocksOptions = {}) {
    this.nodeGroups = options.nodeGroups ?? {};
    this.logGroups = options.logGroups ?? [];
    this.accountId = options.accountId ?? "123456789012";
    this.region = options.region ?? "us-east-1";
    this.stackOutputs = options.stackOutputs ?? {};
    this.addonVersion = options.addonVersion ?? mockAddonVersion;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = asRecord(args.inputs);
    const custom = args.custom !== false;
    const { id, outputs } = custom ? this.providerOutputs(args.type, args.name, inputs) : { id: undefined, outputs: {} };
    const state = { ...inputs, ...outputs };
    this.resources.push({ type: args.type, name: args.name, custom, ...(args.provider ? { provider: args.provider } : {}), inputs, id, state });
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = asRecord(args.inputs);
    this.calls.push({ token: args.token, inputs });
    switch (args.token) {
      case "aws:eks/getAddonVersion:getAddonVersion": {
        const addonName = stringOr(inputs["addonName"], "");
        const kubernetesVersion = stringOr(inputs["kubernetesVersion"], "");
        return { ...inputs, id: addonName, region: this.region, version: this.addonVersion(addonName, kubernetesVersion) };
      }
      case "aws:cloudwatch/getLogGroups:getLogGroups": {
        const prefix = stringOr(inputs["logGroupNamePrefix"], "");
        const names = this.logGroups.filter((n) => n.startsWith(prefix));
        return { ...inputs, id: this.region, region: this.region, logGroupNames: names, arns: names.map((n) => `arn:aws:logs:${this.region}:${this.accountId}:log-group:${n}`) };
      }
      case "aws:eks/getNodeGroups:getNodeGroups": {
        const clusterName = stringOr(inputs["clusterName"], "");
        return { clusterName, id: clusterName, region: this.region, names: Object.keys(this.nodeGroups[clusterName] ?? {}) };
      }
      case "aws:eks/getNodeGroup:getNodeGroup": {
        const clusterName = stringOr(inputs["clusterName"], "");
        const nodeGroupName = stringOr(inputs["nodeGroupName"], "");
        const scaling = this.nodeGroups[clusterName]?.[nodeGroupName];
        if (scaling === undefined) throw new Error(`ResourceNotFoundException: No node group found for name: ${nodeGroupName}.`);
        return { clusterName, nodeGroupName, id: `${clusterName}:${nodeGroupName}`, status: "ACTIVE", scalingConfigs: [{ ...scaling }] };
      }
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: this.accountId, arn: `arn:aws:iam::${this.accountId}:user/offline`, userId: "AIDAOFFLINE", id: this.accountId };
      case "aws:index/getRegion:getRegion":
        return { name: this.region, region: this.region, id: this.region, endpoint: `ec2.${this.region}.amazonaws.com`, description: this.region };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      default:
        throw new Error(`The offline mocks have no answer for the function ${args.token}; add one in src/preview/offline-mocks.ts.`);
    }
  }

  /** The id and outputs the resource's provider would report after creating it. */
  private providerOutputs(type: string, name: string, inputs: Record<string, unknown>): { id: string; outputs: Record<string, unknown> } {
    const { accountId: account, region } = this;
    const seed = replacementSeed(type, inputs);
    const hex = (length: number) => (seed === "" ? digest(length, type, name) : digest(length, type, name, seed));
    const autoname = (logicalName: string) => (seed === "" ? autonameOf(logicalName) : autonameOf(logicalName, seed));
    switch (type) {
      case "aws:eks/cluster:Cluster": {
        const clusterName = stringOr(inputs["name"], autoname(name));
        const vpcConfig = asRecord(inputs["vpcConfig"]);
        return {
          id: clusterName,
          outputs: {
            name: clusterName,
            arn: `arn:aws:eks:${region}:${account}:cluster/${clusterName}`,
            endpoint: `https://${hex(32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
            certificateAuthority: { data: Buffer.from(`offline certificate authority of ${clusterName}`).toString("base64") },
            identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${hex(32).toUpperCase()}` }] }],
            vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-${hex(17)}`, vpcId: stringOr(vpcConfig["vpcId"], `vpc-${hex(17)}`) },
            platformVersion: "eks.1",
            status: "ACTIVE",
          },
        };
      }
      case "aws:eks/nodeGroup:NodeGroup": {
        const nodeGroupName = stringOr(inputs["nodeGroupName"], autoname(name));
        const clusterName = stringOr(inputs["clusterName"], "cluster");
        return {
          id: `${clusterName}:${nodeGroupName}`,
          outputs: {
            nodeGroupName,
            arn: `arn:aws:eks:${region}:${account}:nodegroup/${clusterName}/${nodeGroupName}/${hex(8)}-${hex(4)}`,
            status: "ACTIVE",
            resources: [{ autoscalingGroups: [{ name: `eks-${nodeGroupName}-${hex(8)}` }], remoteAccessSecurityGroupId: "" }],
          },
        };
      }
      case "aws:eks/addon:Addon": {
        const clusterName = stringOr(inputs["clusterName"], "cluster");
        const addonName = stringOr(inputs["addonName"], name);
        return { id: `${clusterName}:${addonName}`, outputs: { arn: `arn:aws:eks:${region}:${account}:addon/${clusterName}/${addonName}/${hex(8)}` } };
      }
      case "aws:eks/accessEntry:AccessEntry":
      case "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
        const clusterName = stringOr(inputs["clusterName"], "cluster");
        const principal = stringOr(inputs["principalArn"], name);
        return { id: `${clusterName}#${principal}`, outputs: { accessEntryArn: `arn:aws:eks:${region}:${account}:access-entry/${clusterName}/${hex(8)}` } };
      }
      case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
        return { id: `a-${hex(17)}`, outputs: { associationId: `a-${hex(17)}`, associationArn: `arn:aws:eks:${region}:${account}:podidentityassociation/${hex(17)}` } };
      case "aws:iam/role:Role": {
        const roleName = stringOr(inputs["name"], autoname(name));
        return { id: roleName, outputs: { name: roleName, arn: `arn:aws:iam::${account}:role/${roleName}`, uniqueId: `AROA${hex(17).toUpperCase()}` } };
      }
      case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        return { id: `${stringOr(inputs["role"], name)}-${hex(8)}`, outputs: {} };
      case "aws:kms/key:Key": {
        const keyId = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
        return { id: keyId, outputs: { keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}` } };
      }
      case "aws:ec2/launchTemplate:LaunchTemplate": {
        const templateName = stringOr(inputs["name"], autoname(name));
        const id = `lt-${hex(17)}`;
        return { id, outputs: { name: templateName, arn: `arn:aws:ec2:${region}:${account}:launch-template/${id}`, latestVersion: 1, defaultVersion: 1 } };
      }
      case "aws:lb/targetGroup:TargetGroup": {
        const groupName = stringOr(inputs["name"], autoname(name));
        const arnSuffix = `targetgroup/${groupName}/${hex(16)}`;
        const arn = `arn:aws:elasticloadbalancing:${region}:${account}:${arnSuffix}`;
        return { id: arn, outputs: { name: groupName, arn, arnSuffix, loadBalancerArns: [] } };
      }
      case "aws:lb/listenerRule:ListenerRule": {
        const listener = stringOr(inputs["listenerArn"], `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/offline/${hex(16)}/${hex(16)}`);
        const arn = `${listener.replace(":listener/", ":listener-rule/")}/${hex(16)}`;
        return { id: arn, outputs: { arn } };
      }
      case "aws:route53/record:Record": {
        const recordName = stringOr(inputs["name"], name);
        const id = [stringOr(inputs["zoneId"], "Z0"), recordName, stringOr(inputs["type"], "A"), stringOr(inputs["setIdentifier"], "")].filter(Boolean).join("_");
        return { id, outputs: { fqdn: recordName } };
      }
      case "pulumi:pulumi:StackReference":
        // A stack's own last outputs: the offline run has no deployment behind it.
        return { id: stringOr(inputs["name"], name), outputs: { outputs: { ...this.stackOutputs }, secretOutputNames: [] } };
      case "pulumi:providers:kubernetes":
      case "pulumi:providers:aws":
        return { id: `${name}-${hex(8)}`, outputs: {} };
      default:
        if (type.startsWith("kubernetes:")) return this.kubernetesOutputs(name, inputs, seed);
        return { id: `${name}-${hex(8)}`, outputs: {} };
    }
  }

  /** Kubernetes objects: an autonamed metadata.name when none was given, and a uid. */
  private kubernetesOutputs(name: string, inputs: Record<string, unknown>, seed: string): { id: string; outputs: Record<string, unknown> } {
    const metadata = asRecord(inputs["metadata"]);
    const objectName = stringOr(metadata["name"], seed === "" ? autonameOf(name) : autonameOf(name, seed));
    const namespace = stringOr(metadata["namespace"], "default");
    const uid = `${digest(8, name)}-${digest(4, name, "a")}-${digest(4, name, "b")}-${digest(4, name, "c")}-${digest(12, name, "d")}`;
    return { id: `${namespace}/${objectName}`, outputs: { metadata: { ...metadata, name: objectName, namespace, uid } } };
  }
}
