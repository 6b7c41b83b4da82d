/**
 * EKS's own Kubernetes version calendar, read with DescribeClusterVersions (the API behind the
 * release calendar): each version's release date and the ends of standard and extended support.
 */
import { paginateDescribeClusterVersions, type ClusterVersionInformation, type EKSClient } from "@aws-sdk/client-eks";
import type { EksVersionSupport } from "../../fleet/versions.js";
import { VERSION_PATTERN, isoDate } from "../../fleet/versions.js";

/** Pages read at most: EKS lists a few dozen versions, so more than this means something is wrong. */
export const MAX_VERSION_PAGES = 20;

export interface EksVersionCalendar {
  readonly versions: readonly EksVersionSupport[];
  /** Versions EKS listed without all three dates (they are left out, not guessed). */
  readonly incomplete: readonly string[];
}

export class VersionCalendarError extends Error {
  override name = "VersionCalendarError";
}

function row(info: ClusterVersionInformation): EksVersionSupport | undefined {
  const { clusterVersion, releaseDate, endOfStandardSupportDate, endOfExtendedSupportDate } = info;
  if (clusterVersion === undefined || !VERSION_PATTERN.test(clusterVersion)) return undefined;
  if (!releaseDate || !endOfStandardSupportDate || !endOfExtendedSupportDate) return undefined;
  return {
    version: clusterVersion,
    eksRelease: isoDate(releaseDate),
    endOfStandardSupport: isoDate(endOfStandardSupportDate),
    endOfExtendedSupport: isoDate(endOfExtendedSupportDate),
  };
}

/**
 * Every EKS cluster version with its dates, all pages, including versions past support
 * (`includeAll`). Throttling is retried by the client's own retry strategy; what still fails
 * propagates for the caller to report.
 */
export async function readEksVersionCalendar(eks: EKSClient): Promise<EksVersionCalendar> {
  const versions = new Map<string, EksVersionSupport>();
  const incomplete: string[] = [];
  let pages = 0;
  const paginator = paginateDescribeClusterVersions({ client: eks, pageSize: 100 }, { clusterType: "eks", includeAll: true });
  for await (const page of paginator) {
    if (++pages > MAX_VERSION_PAGES) throw new VersionCalendarError(`DescribeClusterVersions returned more than ${MAX_VERSION_PAGES} pages; refusing to read further`);
    for (const info of page.clusterVersions ?? []) {
      const parsed = row(info);
      if (parsed) versions.set(parsed.version, parsed);
      else if (info.clusterVersion) incomplete.push(info.clusterVersion);
    }
  }
  if (versions.size === 0) throw new VersionCalendarError("DescribeClusterVersions listed no version with its support dates");
  return { versions: [...versions.values()], incomplete };
}
