/**
 * Policies on Route53 weighted records: each record (set identifier, weight 0–255) and each
 * record set (not all weights 0, one TTL), through the spec's weight rules.
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import type { Problem } from "../fleet/problems.js";
import { checkWeightRange, checkWeightsNotAllZero } from "../fleet/rules/service.js";
import { reportProblems, resourceLabel } from "./violations.js";

const RECORD_TYPE = "aws:route53/record:Record";
const label = (name: string) => resourceLabel(RECORD_TYPE, name);

/** The part of a record this policy reads (inputs and outputs have the same shape). */
export interface WeightedRecord {
  readonly zoneId: string;
  readonly name: string;
  readonly type: string;
  readonly setIdentifier?: string;
  readonly ttl?: number;
  readonly weightedRoutingPolicies?: ReadonlyArray<{ readonly weight: number }>;
  readonly aliases?: readonly unknown[];
}

/** Route53 set identifiers: 1–128 characters. */
const SET_IDENTIFIER_MAX = 128;

/** A weighted record needs a set identifier (1–128 characters) and a weight from 0 to 255. */
export function weightedRecordProblems(record: WeightedRecord): Problem[] {
  const policy = record.weightedRoutingPolicies?.[0];
  if (policy === undefined) return [];
  const problems: Problem[] = [];
  const id = record.setIdentifier;
  if (id === undefined || id.length === 0 || id.length > SET_IDENTIFIER_MAX) {
    problems.push({
      severity: "error", rule: "route53-set-identifier", path: "setIdentifier", value: id,
      message: `A weighted record needs a set identifier of 1–${SET_IDENTIFIER_MAX} characters to tell it apart from the other records of ${record.name}.`,
      fix: "Set setIdentifier to a stable name for the target, e.g. the cluster's name.",
    });
  }
  problems.push(...checkWeightRange("route53", policy.weight, "weightedRoutingPolicies[0].weight"));
  return problems;
}

/** Records answer for the same name when zone, name (case and trailing dot aside) and type match. */
export function recordSetKey(record: WeightedRecord): string {
  return `${record.zoneId}|${record.name.toLowerCase().replace(/\.$/, "")}|${record.type}`;
}

/** Rules on a whole weighted record set: some weight above 0, and one TTL across the set. */
export function weightedRecordSetProblems(records: ReadonlyArray<{ readonly name: string; readonly record: WeightedRecord }>): Problem[] {
  const first = records[0]?.record;
  if (first === undefined) return [];
  const setName = `${first.name} ${first.type}`;
  const weights: Record<string, number> = {};
  for (const { name, record } of records) weights[record.setIdentifier ?? name] = record.weightedRoutingPolicies?.[0]?.weight ?? 0;
  const problems = checkWeightsNotAllZero(weights, "weightedRoutingPolicies[0].weight", {
    subject: `Record set ${setName}`, lists: "this set lists", target: "record", field: "weightedRoutingPolicies",
  });
  // Alias records take the target's TTL; only records with their own TTL must agree.
  const ttls = new Map<number, string[]>();
  for (const { name, record } of records) {
    if (record.ttl === undefined || (record.aliases?.length ?? 0) > 0) continue;
    ttls.set(record.ttl, [...(ttls.get(record.ttl) ?? []), name]);
  }
  if (ttls.size > 1) {
    problems.push({
      severity: "error", rule: "route53-weighted-ttl", path: "ttl", value: Object.fromEntries([...ttls].map(([ttl, names]) => [names.join(", "), ttl])),
      message: `The weighted records of ${setName} have different TTLs, so resolvers cache each record for a different time: a weight change, and its rollback, reaches clients at different speeds per record.`,
      fix: "Give every record of the set the same ttl (60 s keeps rollback fast).",
    });
  }
  return problems;
}

export const route53WeightedRecord: ResourceValidationPolicy = {
  name: "route53-weighted-record",
  description: "Route53 weighted records must carry a set identifier and a weight from 0 to 255.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.route53.Record, (record, args, report) => {
    reportProblems(weightedRecordProblems(record), label(args.name), report);
  }),
};

function weightedRecords(resources: readonly PolicyResource[]): Map<string, Array<{ name: string; urn: string; record: WeightedRecord }>> {
  const sets = new Map<string, Array<{ name: string; urn: string; record: WeightedRecord }>>();
  for (const resource of resources) {
    const record = resource.asType(aws.route53.Record);
    if (!record || (record.weightedRoutingPolicies?.length ?? 0) === 0) continue;
    const key = recordSetKey(record);
    sets.set(key, [...(sets.get(key) ?? []), { name: resource.name, urn: resource.urn, record }]);
  }
  return sets;
}

export const route53WeightedSet: StackValidationPolicy = {
  name: "route53-weighted-set",
  description: "A Route53 weighted record set must send traffic somewhere (not every weight 0) and use one TTL.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    for (const records of weightedRecords(args.resources).values()) {
      const names = records.map((r) => r.name).join(", ");
      // The set is at fault as a whole; report it on its first record so the CLI can point at one.
      reportProblems(weightedRecordSetProblems(records), `${RECORD_TYPE} set (${names})`, report, records[0]?.urn);
    }
  },
};
