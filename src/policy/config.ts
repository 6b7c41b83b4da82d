import type { PolicyConfigSchema } from "@pulumi/policy";
import { isoDate } from "../fleet/versions.js";

/** Config of the version policies: the date support is judged on (reproducible CI runs, tests). */
export interface VersionPolicyConfig {
  /** ISO date (YYYY-MM-DD, UTC). @default today */
  readonly today?: string;
}

export const VERSION_POLICY_CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    today: {
      type: "string",
      pattern: "^\\d{4}-\\d{2}-\\d{2}$",
      description: "Judge EKS version support as of this ISO date (UTC). Default: today.",
    },
  },
};

/** The date the version rules use: the policy's `today` config, or today. */
export function policyToday(config: VersionPolicyConfig, now: Date = new Date()): string {
  return config.today ?? isoDate(now);
}
