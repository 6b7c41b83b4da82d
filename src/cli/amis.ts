/**
 * `baton amis <stack-config> [--refresh] [--write]`: per node group, the AMI release the spec pins
 * and the one AWS recommends (SSM public parameters, see fleet/ami-releases.ts), from a cache that
 * `--refresh` fills through the AWS SDK; `--write` pins the recommended releases in the stack file
 * the way `baton shift` writes weights (locked, atomic, comments kept), checked by the spec's plan.
 */
import type { Command } from "commander";
import type { NodeGroupRelease } from "../fleet/ami-releases.js";
import { FleetSpecError } from "../fleet/problems.js";
import type { CacheKey } from "../preview/cache-key.js";
import type { ReleasePin } from "../traffic/release-pins.js";
import { amiCachePath, cachedRelease, mergeAmiCache, readAmiCache, writeAmiCache, AmiCacheError, type AmiCache, type AmiCacheEntry } from "./ami-cache.js";
import { colors, EXIT, inputLimits, UsageError, type Io } from "./io.js";
import { loadFleetFile, readStackConfig } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { todayOf, todayOption } from "./today.js";

interface AmisOptions {
  readonly refresh?: boolean;
  readonly write?: boolean;
  readonly region?: string;
  readonly json?: boolean;
  readonly today?: string;
}

export type AmiStatus = "up-to-date" | "not-pinned" | "behind" | "other-minor" | "not-a-release" | "newer" | "unknown";

export interface AmiRow extends NodeGroupRelease {
  readonly recommended?: string;
  /** Where the recommended release was read: the region and when. */
  readonly readAt?: string;
  readonly region?: string;
  readonly status: AmiStatus;
  /** Why no recommended release is known, when it is not. */
  readonly note?: string;
}

const STATUS_WORDS: Record<AmiStatus, string> = {
  "up-to-date": "up to date",
  "not-pinned": "not pinned: the release EKS picked at creation or the last version bump",
  behind: "behind the recommended release",
  "other-minor": "pinned to another minor's release",
  "not-a-release": "pinned to no release of its AMI family",
  newer: "newer than the recommended release",
  unknown: "recommended release unknown",
};

/** The region the releases are read in (and cached for): --region, the stack's aws:region, or the SDK's environment. */
export function regionOf(options: { readonly region?: string }, stackRegion: string | undefined): string | undefined {
  return options.region ?? stackRegion ?? (process.env["AWS_REGION"] || process.env["AWS_DEFAULT_REGION"] || undefined);
}

const REGION_FIX = "pass --region (e.g. --region us-east-1), set aws:region in the stack config, or set AWS_REGION";

/** Reads the rows' parameters from SSM and returns them as cache entries; a failure is a UsageError in AWS's words, the cache untouched. */
async function refresh(rows: readonly NodeGroupRelease[], region: string | undefined, io: Io): Promise<AmiCacheEntry[]> {
  const [{ SSMClient }, { readPublishedReleases }, { describeAwsError }, { iamActionMiddleware, IAM_ACTION_STEP }, { checkPublishedRelease }] = await Promise.all([
    import("@aws-sdk/client-ssm"), import("../traffic/aws/ssm-releases.js"), import("../traffic/aws/errors.js"), import("../traffic/aws/clients.js"), import("../fleet/ami-releases.js"),
  ]);
  // Bounded in time: each request gives up after 10 s, and throttling is retried a few times.
  const ssm = new SSMClient({ ...(region ? { region } : {}), maxAttempts: 5, requestHandler: { requestTimeout: 10_000, connectionTimeout: 5_000 } });
  ssm.middlewareStack.add(iamActionMiddleware("ssm"), IAM_ACTION_STEP);
  try {
    const published = await readPublishedReleases(ssm, rows.map((r) => r.parameter));
    const resolved = region ?? (await ssm.config.region().catch(() => undefined));
    if (resolved === undefined) throw new UsageError(`no AWS region to cache the releases for: ${REGION_FIX}`);
    const readAt = new Date().toISOString();
    const entries: AmiCacheEntry[] = [];
    for (const [parameter, value] of Object.entries(published.values)) {
      const row = rows.find((r) => r.parameter === parameter)!;
      const wrong = checkPublishedRelease(row, value);
      if (wrong !== undefined) io.err(`baton: ignoring ${wrong}`);
      else entries.push({ region: resolved, parameter, value, readAt });
    }
    for (const name of published.missing) io.err(`baton: SSM in ${resolved} has no parameter ${name} (no AMI is published for that Kubernetes version and AMI type)`);
    return entries;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${describeAwsError("reading the recommended AMI releases from SSM (ssm:GetParameters)", error, { regionFix: REGION_FIX })}; the cache was left as it was`);
  } finally {
    ssm.destroy();
  }
}

export async function rowsWithRecommendations(rows: readonly NodeGroupRelease[], cache: AmiCache | undefined, region: string | undefined): Promise<AmiRow[]> {
  const { checkPublishedRelease } = await import("../fleet/ami-releases.js");
  const { compareReleases, isReleaseOf } = await import("../fleet/rules/nodegroup.js");
  return rows.map((row) => {
    const entry = cachedRelease(cache, row.parameter, region);
    if (entry === undefined || checkPublishedRelease(row, entry.value) !== undefined) {
      return { ...row, status: "unknown", note: `no recommended release cached${region ? ` for ${region}` : ""}: run baton amis --refresh` };
    }
    const recommended = entry.value;
    const seen = { recommended, readAt: entry.readAt, region: entry.region };
    if (row.pinned === undefined) return { ...row, ...seen, status: "not-pinned" };
    if (row.pinned === recommended) return { ...row, ...seen, status: "up-to-date" };
    if (!isReleaseOf(row.family, row.pinned)) return { ...row, ...seen, status: "not-a-release" };
    const order = compareReleases(row.family, row.pinned, recommended);
    if (order === undefined) return { ...row, ...seen, status: "other-minor" };
    return { ...row, ...seen, status: order < 0 ? "behind" : "newer" };
  });
}

/** The groups `--write` pins: every group whose recommended release is known and that is unpinned, behind, or pinned to another minor's release or to no release at all. */
export function pinsToWrite(rows: readonly AmiRow[]): ReleasePin[] {
  return rows
    .filter((r) => r.recommended !== undefined && (r.status === "not-pinned" || r.status === "behind" || r.status === "other-minor" || r.status === "not-a-release"))
    .map((r) => ({ cluster: r.cluster, nodeGroup: r.nodeGroup, release: r.recommended! }));
}

function formatRows(file: string, rows: readonly AmiRow[], io: Io): string {
  const c = colors(io);
  const head = ["node group", "amiType", "Kubernetes", "pinned", "recommended", "status"];
  const lines = rows.map((r) => [`${r.cluster}/${r.nodeGroup}`, r.amiType, r.kubernetes, r.pinned ?? "–", r.recommended ?? "?", STATUS_WORDS[r.status]]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const pad = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  const paint = (status: AmiStatus, text: string) =>
    status === "up-to-date" ? c.green(text) : status === "unknown" || status === "newer" ? c.dim(text) : c.yellow(text);
  const sources = [...new Set(rows.filter((r) => r.readAt).map((r) => `${r.region} on ${r.readAt!.slice(0, 10)}`))];
  const source = sources.length > 0 ? `recommended: read from SSM in ${sources.join(", ")}` : "no recommended releases cached: baton amis --refresh reads them from SSM";
  const out = [c.bold(`AMI releases of ${file} (${source})`), "", pad(head), ...rows.map((r, i) => paint(r.status, pad(lines[i]!)))];
  const notes = [...new Set(rows.flatMap((r) => (r.note ? [r.note] : [])))];
  if (notes.length > 0) out.push("", ...notes.map((n) => c.dim(n)));
  return out.join("\n");
}

async function writePins(file: string, pins: readonly ReleasePin[], options: AmisOptions, io: Io, setExit: SetExit): Promise<void> {
  const c = colors(io);
  const [{ editFile, FileEditError }, { writeReleasePins }, { parseStackConfig }, { plan }, { formatPlan }] = await Promise.all([
    import("../traffic/files.js"), import("../traffic/release-pins.js"), import("../fleet/stack-config.js"), import("../fleet/plan.js"), import("../fleet/format-plan.js"),
  ]);
  let planned: ReturnType<typeof plan> | undefined;
  try {
    // Read, plan and write under the file's lock, writing only if the file still holds what was planned on.
    await editFile(file, (text) => {
      const edited = writeReleasePins(text, file, pins);
      planned = plan(parseStackConfig(text, file).fleet, parseStackConfig(edited, file).fleet, todayOf(options));
      return planned.allowed ? edited : undefined;
    }, { limits: inputLimits() });
  } catch (error) {
    if (error instanceof FleetSpecError) throw new UsageError(error.message + "\n" + error.problems.map((p) => `  ${p.path}: ${p.message} fix: ${p.fix}`).join("\n"));
    if (!(error instanceof FileEditError)) throw error;
    if (error.reason === "unreadable") throw new UsageError(error.message);
    io.err(c.red(`${error.reason === "io" ? "baton" : "refused"}: ${error.message}`));
    setExit(error.reason === "io" ? EXIT.io : EXIT.failed);
    return;
  }
  const rendered = formatPlan(planned!, c);
  if (!planned!.allowed) {
    io.err(rendered);
    io.err(c.red(`refused: ${file} left unchanged`));
    setExit(EXIT.failed);
    return;
  }
  io.out(`\n${rendered}`);
  io.out(`\npinned ${pins.length} node group(s) in ${file}: ${pins.map((p) => `${p.cluster}/${p.nodeGroup} → ${p.release}`).join(", ")}`);
  io.out(c.dim("each pin rolls its node group at the next pulumi up: preview it first (baton preview), and mind forceUpdateVersion"));
}

export function registerAmis(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("amis")
    .description("per node group, the AMI release the stack pins (releaseVersion) and the one AWS recommends (SSM public parameters); --refresh reads them through the AWS SDK into a cache, --write pins the recommended ones in the stack file")
    .argument("<stack-config>", "the Pulumi stack config, e.g. stacks/Pulumi.migration.yaml")
    .option("--refresh", "read the recommended releases from SSM (ssm:GetParameters) and write the cache file (BATON_AMIS_CACHE, default ~/.cache/baton/ami-releases.json)")
    .option("--write", "pin every unpinned or behind node group to its recommended release in the stack file (comments kept), if the plan allows it; each pin is a node group roll")
    .option("--region <region>", "the AWS region to read (default: the stack's aws:region, else the SDK's, e.g. AWS_REGION)")
    .option("--json", "print the rows as JSON")
    .addOption(todayOption())
    .action(async (file: string, options: AmisOptions) => {
      const config = await readStackConfig(file);
      const validation = await loadFleetFile(file, options.today);
      // A spec with rule errors (a pin left behind by a version bump) is still listed, so --write can fix it.
      if (validation.fleet === undefined) {
        const { formatProblem } = await import("../fleet/problems.js");
        throw new UsageError(`${file} is not a valid stack config:\n\n${validation.problems.map(formatProblem).join("\n\n")}`);
      }
      const { nodeGroupReleases } = await import("../fleet/ami-releases.js");
      const rows = nodeGroupReleases(validation.fleet);
      const region = regionOf(options, config.region);
      const opened = await openAmiCache(io.err);
      let cache = opened.cache;
      if (options.refresh && rows.length > 0) {
        const fresh = await refresh(rows, region, io);
        cache = mergeAmiCache(cache, fresh);
        if (opened.key === undefined) {
          io.err(`read ${fresh.length} recommended release(s) from SSM; not cached (no cache key)`);
        } else {
          writeAmiCache(opened.file, cache, opened.key);
          io.err(`read ${fresh.length} recommended release(s) from SSM; wrote ${opened.file}`);
        }
      }
      const listed = await rowsWithRecommendations(rows, cache, region ?? newestRegion(cache));
      if (options.json) io.out(JSON.stringify({ file, rows: listed }, null, 2));
      else io.out(formatRows(file, listed, io));
      const pins = pinsToWrite(listed);
      if (options.write) {
        if (pins.length === 0) io.out("\nnothing to pin: every node group is pinned to its recommended release, or none is known");
        else await writePins(file, pins, options, io, setExit);
        return;
      }
      if (pins.length > 0 && !options.json) io.out(colors(io).dim(`\nbaton amis ${file} --write pins ${pins.length} node group(s) to the recommended release; each pin is a roll`));
      setExit(EXIT.ok);
    });
}

/**
 * The AMI release cache and the key that signs it. Without a usable key (preview/cache-key.ts says
 * why) there is no cache: the command still runs, and says so. A cache that does not check out is
 * reported and ignored.
 */
export async function openAmiCache(warn: (text: string) => void): Promise<{ file: string; key?: CacheKey; cache?: AmiCache }> {
  const { loadCacheKey, CacheKeyError } = await import("../preview/cache-key.js");
  const file = amiCachePath();
  let key: CacheKey;
  try {
    key = loadCacheKey();
  } catch (error) {
    if (!(error instanceof CacheKeyError)) throw error;
    warn(`baton: the AMI release cache is not used: ${error.message}`);
    return { file };
  }
  try {
    const cache = readAmiCache(file, key);
    return { file, key, ...(cache !== undefined ? { cache } : {}) };
  } catch (error) {
    if (!(error instanceof AmiCacheError)) throw error;
    warn(`baton: ignoring the AMI release cache: ${error.message} (rerun baton amis --refresh, or delete the file)`);
    return { file, key };
  }
}

/** Without a region anywhere, the region of the newest cache entry (what a refresh just wrote). */
export function newestRegion(cache: AmiCache | undefined): string | undefined {
  return [...(cache?.entries ?? [])].sort((a, b) => (a.readAt < b.readAt ? 1 : -1))[0]?.region;
}
