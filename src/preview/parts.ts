/**
 * Captures fleets part by part (see `components/fleet-parts.ts`) and assembles each fleet's graph
 * from its parts: the same graph a whole-program capture gives. A part is keyed by a hash of its
 * projection (the only config it is built from), the code fingerprint and the capture settings; a
 * part whose key is in the cache is read from it, and a key shared by base and head is captured
 * once. So a preview costs what its change costs.
 */
import { createHash } from "node:crypto";
import { fleetParts, partId, partProjection, type FleetPart } from "../components/fleet-parts.js";
import type { FleetSpec } from "../fleet/types.js";
import { inTreeOrder } from "./tree-order.js";
import type { CodeFingerprint } from "./fingerprint.js";
import type { Capture, CapturedResource } from "./model.js";
import type { DiscardedEntry, PartCache } from "./part-cache.js";

/** One part to capture: build `part` from `projection`. */
export interface PartJob {
  readonly key: string;
  readonly part: FleetPart;
  readonly projection: FleetSpec;
  /** The same part's projection of the fleet as last deployed, when it had the part (node group sizes depend on it). */
  readonly lastDeployed?: FleetSpec;
}

/** Captures every job, calling `done` with each part's resources as it finishes. */
export type PartCapturer = (jobs: readonly PartJob[], done: (job: PartJob, resources: CapturedResource[]) => void) => Promise<void>;

export interface PartsOptions {
  readonly capturer: PartCapturer;
  readonly fingerprint: CodeFingerprint;
  /** Without a cache every part is captured (still once per key). */
  readonly cache?: PartCache;
  /** Anything else the capture depends on (mock account and region, project and stack names). */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface PartsStats {
  /** Parts across the fleets, counting a part base and head share once. */
  readonly parts: number;
  readonly fromCache: number;
  readonly captured: number;
  readonly discarded: readonly DiscardedEntry[];
  /** Entries that could not be written (a read-only folder): the preview still completes. */
  readonly writeErrors: readonly string[];
}

/** JSON with object keys sorted, so equal values hash equally whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

export function partKey(fingerprint: CodeFingerprint, settings: Readonly<Record<string, string>>, part: FleetPart, projection: FleetSpec, lastDeployed?: FleetSpec): string {
  return createHash("sha256").update(canonicalJson({ fingerprint, settings, part, projection, ...(lastDeployed ? { lastDeployed } : {}) })).digest("hex");
}

/** `part`'s projection of `deployed`, when the deployed fleet has that part. */
function deployedProjection(deployed: FleetSpec | undefined, part: FleetPart): FleetSpec | undefined {
  if (deployed === undefined || !fleetParts(deployed).some((p) => partId(p) === partId(part))) return undefined;
  return partProjection(deployed, part);
}

/**
 * Each fleet's graph, assembled from its parts. `fleets` are validated specs (the caller validated
 * the configs); the captures come back in the same order.
 */
export async function captureByParts(fleets: readonly FleetSpec[], options: PartsOptions, lastDeployed: readonly (FleetSpec | undefined)[] = []): Promise<{ captures: Capture[]; stats: PartsStats }> {
  const settings = options.settings ?? {};
  const plans = fleets.map((fleet, i) => fleetParts(fleet).map((part): PartJob => {
    const projection = partProjection(fleet, part);
    const last = deployedProjection(lastDeployed[i], part);
    return { key: partKey(options.fingerprint, settings, part, projection, last), part, projection, ...(last ? { lastDeployed: last } : {}) };
  }));
  const unique = new Map<string, PartJob>();
  for (const job of plans.flat()) if (!unique.has(job.key)) unique.set(job.key, job);

  const results = new Map<string, CapturedResource[]>();
  const discarded: DiscardedEntry[] = [];
  const misses: PartJob[] = [];
  for (const job of unique.values()) {
    const read = options.cache?.read(job.key);
    if (read?.hit) results.set(job.key, read.resources);
    else {
      if (read?.discarded) discarded.push(read.discarded);
      misses.push(job);
    }
  }
  const writeErrors: string[] = [];
  await options.capturer(misses, (job, resources) => {
    results.set(job.key, resources);
    try {
      options.cache?.write(job.key, partId(job.part), resources);
    } catch (error) {
      writeErrors.push(`${partId(job.part)}: ${(error as Error).message}`);
    }
  });

  const captures = plans.map((jobs) => assemble(jobs.map((job) => {
    const resources = results.get(job.key);
    if (resources === undefined) throw new Error(`the part ${partId(job.part)} was not captured`);
    return { job, resources };
  })));
  return { captures, stats: { parts: unique.size, fromCache: unique.size - misses.length, captured: misses.length, discarded, writeErrors } };
}

/** One graph from its parts; two parts registering the same URN is a fault in the part split, not something to paper over. */
function assemble(parts: readonly { job: PartJob; resources: readonly CapturedResource[] }[]): Capture {
  const seen = new Map<string, string>();
  const resources: CapturedResource[] = [];
  for (const { job, resources: own } of parts) {
    for (const resource of own) {
      const other = seen.get(resource.urn);
      if (other !== undefined) throw new Error(`${resource.urn} is registered by two parts (${other} and ${partId(job.part)})`);
      seen.set(resource.urn, partId(job.part));
      resources.push(resource);
    }
  }
  return { resources: inTreeOrder(resources) };
}
