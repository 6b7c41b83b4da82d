/** Policy on `aws.ec2.LaunchTemplate`: instances must require IMDSv2 session tokens. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import type { Problem } from "../fleet/problems.js";
import { reportProblems, resourceLabel } from "./violations.js";

/** The launch template's metadata options as a policy reads them (inputs or outputs). */
export interface MetadataOptions {
  readonly httpEndpoint?: string;
  readonly httpTokens?: string;
  readonly httpPutResponseHopLimit?: number;
}

/**
 * Rule `launch-template-imdsv2`: with the metadata service on, session tokens must be required
 * (EC2's default is "optional", i.e. IMDSv1, which SSRF bugs in pods can reach).
 */
export function launchTemplateImdsProblems(options: MetadataOptions | undefined, template: string): Problem[] {
  if (options?.httpEndpoint === "disabled" || options?.httpTokens === "required") return [];
  return [{
    severity: "error", rule: "launch-template-imdsv2", path: "metadataOptions.httpTokens", value: options?.httpTokens,
    message: `Launch template "${template}" leaves IMDSv1 on (httpTokens ${options?.httpTokens === undefined ? "unset, and EC2 defaults it to \"optional\"" : `"${options.httpTokens}"`}): anything that can make the node send a GET can read its role's credentials.`,
    fix: 'Set metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }.',
  }];
}

export const launchTemplateImdsv2: ResourceValidationPolicy = {
  name: "launch-template-imdsv2",
  description: "EC2 launch templates must require IMDSv2 (httpTokens: required).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, report) => {
    reportProblems(launchTemplateImdsProblems(template.metadataOptions, args.name), resourceLabel("aws:ec2/launchTemplate:LaunchTemplate", args.name), report);
  }),
};
