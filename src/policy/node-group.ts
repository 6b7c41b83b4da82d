/**
 * Policies on EKS managed node groups: a valid `updateConfig`, IMDSv2 on the launch template, and
 * the version skew against the cluster. The last two need a second resource, so they are stack
 * policies; `updateConfig` needs only the group.
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { Problem } from "../fleet/problems.js";
import { checkReleaseVersionFormat, checkReleaseVersionMinor, checkUpdateConfig, checkVersionSkew, MAX_NODE_SKEW } from "../fleet/rules/nodegroup.js";
import { UpdateConfig } from "../fleet/schema.js";
import { DEFAULT_UPDATE_CONFIG, type AmiType } from "../fleet/types.js";
import { VERSION_PATTERN } from "../fleet/versions.js";
import { policyToday, VERSION_POLICY_CONFIG_SCHEMA, type VersionPolicyConfig } from "./config.js";
import { launchTemplateImdsProblems } from "./launch-template.js";
import { findReferenced } from "./references.js";
import { reportProblems, resourceLabel } from "./violations.js";

export type NodeGroupArgs = Unwrap<aws.eks.NodeGroupArgs>;

const NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup";
const label = (name: string) => resourceLabel(NODE_GROUP_TYPE, name);
const DEFAULT_FIX = `Set updateConfig: { maxUnavailablePercentage: ${DEFAULT_UPDATE_CONFIG.maxUnavailablePercentage} } (baton's default) or a maxUnavailable node count.`;

/** The schema's 1–100 ranges and the updateConfig rules, on the provider's arguments. */
export function nodeGroupUpdateConfigProblems(group: NodeGroupArgs): Problem[] {
  const update = group.updateConfig;
  if (update === undefined) return [];
  const fields = { maxUnavailable: update.maxUnavailable, maxUnavailablePercentage: update.maxUnavailablePercentage };
  const parsed = UpdateConfig.safeParse(fields);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? "");
      return {
        severity: "error" as const, rule: "nodegroup-update-config-range", path: `updateConfig.${field}`, value: fields[field as keyof typeof fields],
        message: `EKS takes ${field} as a whole number from 1 to 100 (${issue.message}).`,
        fix: DEFAULT_FIX,
      };
    });
  }
  return checkUpdateConfig(parsed.data, group.scalingConfig.maxSize, "updateConfig");
}

/** Advice: without updateConfig, EKS rolls one node at a time, so upgrades slow down as the group grows. */
export function nodeGroupUpdateConfigAdvice(group: NodeGroupArgs): Problem[] {
  if (group.updateConfig !== undefined) return [];
  return [{
    severity: "warning", rule: "nodegroup-update-config-missing", path: "updateConfig",
    message: `Without updateConfig EKS replaces one node at a time: a ${group.scalingConfig.maxSize}-node group rolls in up to ${group.scalingConfig.maxSize} sequential drains.`,
    fix: DEFAULT_FIX,
  }];
}

export const nodeGroupUpdateConfig: ResourceValidationPolicy = {
  name: "nodegroup-update-config",
  description: "EKS managed node groups must have a valid updateConfig (exactly one of maxUnavailable 1–100 or maxUnavailablePercentage 1–100, within maxSize).",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.eks.NodeGroup, (group, args, report) => {
    reportProblems(nodeGroupUpdateConfigProblems(group), label(args.name), report);
  }),
};

/**
 * The spec's AMI release rules on the provider's arguments: a `releaseVersion` of the group's AMI
 * family (AL2023 or Bottlerocket; other families are not judged), and an AL2023 release of the
 * group's own `version` when it sets one (its cluster's otherwise, which the spec checks).
 */
export function nodeGroupReleaseProblems(group: NodeGroupArgs): Problem[] {
  const release = group.releaseVersion;
  const amiType = group.amiType ?? "";
  if (release === undefined || !/^(AL2023|BOTTLEROCKET)_/.test(amiType)) return [];
  const spec = { releaseVersion: release, amiType: amiType as AmiType, version: group.version };
  const at = (problems: Problem[]) => problems.map((p) => ({ ...p, path: p.path.replace(/^\./, "") }));
  const format = at(checkReleaseVersionFormat(spec, ""));
  if (format.length > 0 || group.version === undefined || !VERSION_PATTERN.test(group.version)) return format;
  return at(checkReleaseVersionMinor(group.version, spec, ""));
}

export const nodeGroupReleaseVersion: ResourceValidationPolicy = {
  name: "nodegroup-release-version",
  description: "An EKS managed node group's releaseVersion must be a release of its AMI family (AL2023, Bottlerocket) and, for AL2023, of its Kubernetes version.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.eks.NodeGroup, (group, args, report) => {
    reportProblems(nodeGroupReleaseProblems(group), label(args.name), report);
  }),
};

export const nodeGroupUpdateConfigPresent: ResourceValidationPolicy = {
  name: "nodegroup-update-config-present",
  description: "EKS managed node groups should set updateConfig so that a roll takes a fixed number of batches.",
  enforcementLevel: "advisory",
  severity: "low",
  validateResource: validateResourceOfType(aws.eks.NodeGroup, (group, args, report) => {
    reportProblems(nodeGroupUpdateConfigAdvice(group), label(args.name), report);
  }),
};

/** A node group's reference to its launch template, as the stack's outputs carry it. */
interface LaunchTemplateRef { readonly id?: string; readonly name?: string }

/** IMDSv2 must be required on the launch template the group's nodes start from. */
export function nodeGroupImdsProblems(group: PolicyResource, launchTemplates: readonly PolicyResource[]): Problem[] {
  const ref: LaunchTemplateRef | undefined = group.asType(aws.eks.NodeGroup)?.launchTemplate;
  if (ref === undefined) {
    return [{
      severity: "error", rule: "nodegroup-imdsv2", path: "launchTemplate",
      message: "The node group has no launch template, so the stack does not require IMDSv2 on its nodes: pods could read the node role's credentials with IMDSv1.",
      fix: 'Give the group a launchTemplate whose metadataOptions set httpTokens: "required" and httpPutResponseHopLimit: 1.',
    }];
  }
  const template = findReferenced(group, "launchTemplate", launchTemplates, (candidate) => {
    const props = candidate.asType(aws.ec2.LaunchTemplate);
    return (ref.id !== undefined && props?.id === ref.id) || (ref.name !== undefined && props?.name === ref.name);
  });
  if (template === undefined) {
    return [{
      severity: "error", rule: "nodegroup-imdsv2", path: "launchTemplate", value: ref,
      message: "The node group's launch template is not part of this stack, so nothing here shows that it requires IMDSv2.",
      fix: 'Manage the launch template in this stack with metadataOptions.httpTokens: "required", or set this policy\'s enforcementLevel to advisory for stacks that share templates.',
    }];
  }
  const props = template.asType(aws.ec2.LaunchTemplate);
  return launchTemplateImdsProblems(props?.metadataOptions, template.name);
}

/** The cluster's version against a pinned node group version (unpinned groups follow the cluster). */
export function nodeGroupSkewProblems(group: PolicyResource, clusters: readonly PolicyResource[], today: string): Problem[] {
  const props = group.asType(aws.eks.NodeGroup);
  const version = props?.version;
  if (props === undefined || version === undefined || !VERSION_PATTERN.test(version)) return [];
  const cluster = findReferenced(group, "clusterName", clusters, (candidate) => candidate.asType(aws.eks.Cluster)?.name === props.clusterName);
  const clusterVersion = cluster?.asType(aws.eks.Cluster)?.version;
  if (clusterVersion === undefined || !VERSION_PATTERN.test(clusterVersion)) return [];
  return checkVersionSkew(clusterVersion, version, "version", today).map((p) => ({
    ...p,
    message: `Cluster ${JSON.stringify(cluster?.name)}: ${p.message}`,
    fix: p.rule === "nodegroup-version-newer-than-cluster"
      ? `Upgrade the cluster's version first, or set the node group's version to ${clusterVersion}.`
      : p.rule === "nodegroup-version-skew" ? `Raise the node group's version to within ${MAX_NODE_SKEW} minors of ${clusterVersion} (or to ${clusterVersion}).` : p.fix,
  }));
}

export const nodeGroupImdsv2: StackValidationPolicy = {
  name: "nodegroup-imdsv2",
  description: "EKS managed node groups must start from a launch template that requires IMDSv2.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    const templates = args.resources.filter((r) => r.isType(aws.ec2.LaunchTemplate));
    for (const group of args.resources.filter((r) => r.isType(aws.eks.NodeGroup))) {
      reportProblems(nodeGroupImdsProblems(group, templates), label(group.name), report, group.urn);
    }
  },
};

export const nodeGroupVersionSkew: StackValidationPolicy = {
  name: "nodegroup-version-skew",
  description: "An EKS managed node group's version must be no newer than its cluster's and at most three minors older.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: VERSION_POLICY_CONFIG_SCHEMA,
  validateStack: (args, report) => {
    const today = policyToday(args.getConfig<VersionPolicyConfig>());
    const clusters = args.resources.filter((r) => r.isType(aws.eks.Cluster));
    for (const group of args.resources.filter((r) => r.isType(aws.eks.NodeGroup))) {
      reportProblems(nodeGroupSkewProblems(group, clusters, today), label(group.name), report, group.urn);
    }
  },
};
