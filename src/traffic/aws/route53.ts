/** The weights a Route53 service's weighted records hold live. */
import { ListResourceRecordSetsCommand, type ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";

/** Route53 returns names fully qualified, lowercase, with some characters escaped as \\NNN octal. */
export function canonicalRecordName(name: string): string {
  const unescaped = name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return (unescaped.endsWith(".") ? unescaped : `${unescaped}.`).toLowerCase();
}

/** Every record set named exactly `name` in the zone (all types and set identifiers). */
export async function recordSetsAt(route53: Route53Client, zoneId: string, name: string): Promise<ResourceRecordSet[]> {
  const wanted = canonicalRecordName(name);
  const sets: ResourceRecordSet[] = [];
  let start: { StartRecordName: string; StartRecordType?: ResourceRecordSet["Type"]; StartRecordIdentifier?: string } = { StartRecordName: wanted };
  for (;;) {
    const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...start }));
    // Records come sorted by name from the start name on: stop at the first other name.
    for (const set of page.ResourceRecordSets ?? []) {
      if (canonicalRecordName(set.Name ?? "") !== wanted) return sets;
      sets.push(set);
    }
    if (!page.IsTruncated || !page.NextRecordName) return sets;
    start = {
      StartRecordName: page.NextRecordName,
      ...(page.NextRecordType ? { StartRecordType: page.NextRecordType } : {}),
      ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
    };
  }
}

/**
 * The live weight per set identifier among weighted alias records at `name` (A records; AAAA when a
 * name has only those — dual-stack services carry both with the same weights).
 */
export function weightsBySetIdentifier(sets: readonly ResourceRecordSet[]): Map<string, number> {
  const weighted = sets.filter((s) => s.SetIdentifier !== undefined && s.Weight !== undefined);
  const type = weighted.some((s) => s.Type === "A") ? "A" : "AAAA";
  return new Map(weighted.filter((s) => s.Type === type).map((s) => [s.SetIdentifier!, s.Weight!]));
}
