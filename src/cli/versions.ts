import type { Command } from "commander";
import type { EksVersionSupport, VersionOnDate, VersionTable } from "../fleet/versions.js";
import { isoDate, useVersionTable, versionsOn, versionTable, EKS_VERSIONS } from "../fleet/versions.js";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";
import { todayOption } from "./today.js";
import { tableFromCache, versionCachePath, writeVersionCache } from "./version-cache.js";

interface VersionsOptions {
  readonly today?: string;
  readonly refresh?: boolean;
  readonly region?: string;
  readonly json?: boolean;
}

const PHASE_WORDS: Readonly<Record<VersionOnDate["phase"], string>> = {
  standard: "standard support",
  extended: "extended support (billed at the higher rate)",
  ended: "ended (EKS upgrades such control planes on its own)",
  unreleased: "not yet released",
  unknown: "unknown",
};

function formatTable(rows: readonly VersionOnDate[], table: VersionTable, today: string, io: Io): string {
  const c = colors(io);
  const head = ["version", "EKS release", "standard ends", "extended ends", `phase on ${today}`];
  const lines = rows.map((r) => [r.version, r.eksRelease, r.endOfStandardSupport, r.endOfExtendedSupport, PHASE_WORDS[r.phase]]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const pad = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  const paint = (phase: VersionOnDate["phase"], text: string) =>
    phase === "standard" ? c.green(text) : phase === "extended" ? c.yellow(text) : phase === "ended" ? c.red(text) : c.dim(text);
  const source = table.source === "embedded"
    ? `baton's embedded table, checked ${table.asOf}; \`baton versions --refresh\` reads EKS's own`
    : `read from EKS on ${table.asOf} (${table.file ?? "cache"})`;
  return [c.bold(`EKS Kubernetes versions (${source})`), "", pad(head), ...rows.map((r, i) => paint(r.phase, pad(lines[i]!)))].join("\n");
}

/** EKS's answer, with the embedded rows EKS no longer lists kept (they only say when support ended). */
function merged(fromEks: readonly EksVersionSupport[]): EksVersionSupport[] {
  const byVersion = new Map(EKS_VERSIONS.map((row) => [row.version, row] as const));
  for (const row of fromEks) byVersion.set(row.version, row);
  return [...byVersion.values()];
}

async function refresh(options: VersionsOptions, io: Io): Promise<void> {
  const [{ EKSClient }, { readEksVersionCalendar }, { describeAwsError }, { iamActionMiddleware, IAM_ACTION_STEP }] = await Promise.all([
    import("@aws-sdk/client-eks"), import("../traffic/aws/eks-versions.js"), import("../traffic/aws/errors.js"), import("../traffic/aws/clients.js"),
  ]);
  // Bounded in time: each request gives up after 10 s, and throttling is retried a few times.
  const eks = new EKSClient({ ...(options.region ? { region: options.region } : {}), maxAttempts: 5, requestHandler: { requestTimeout: 10_000, connectionTimeout: 5_000 } });
  eks.middlewareStack.add(iamActionMiddleware("eks"), IAM_ACTION_STEP);
  let calendar;
  try {
    calendar = await readEksVersionCalendar(eks);
  } catch (error) {
    throw new UsageError(`${describeAwsError("reading EKS's version calendar (eks:DescribeClusterVersions)", error, { regionFix: "pass --region (e.g. --region us-east-1) or set AWS_REGION" })}; the cache was left as it was`);
  } finally {
    eks.destroy();
  }
  const before = new Set(versionTable().rows.map((r) => r.version));
  const file = versionCachePath();
  const region = options.region ?? (await eks.config.region().catch(() => undefined));
  const cache = { fetchedAt: new Date().toISOString(), ...(region ? { region } : {}), versions: merged(calendar.versions) };
  writeVersionCache(file, cache);
  useVersionTable(tableFromCache({ format: 1, ...cache }, file));
  const added = calendar.versions.map((r) => r.version).filter((v) => !before.has(v));
  io.err(`wrote ${cache.versions.length} versions from EKS to ${file}${added.length > 0 ? `; new: ${added.join(", ")}` : ""}`);
  if (calendar.incomplete.length > 0) io.err(`left out (EKS gave no support dates): ${calendar.incomplete.join(", ")}`);
}

export function registerVersions(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("versions")
    .description("print the EKS Kubernetes version table baton judges versions by, with each version's phase; --refresh reads it from EKS (eks:DescribeClusterVersions) into a cache the other commands use")
    .addOption(todayOption())
    .option("--refresh", "read the calendar from EKS through the AWS SDK and write the cache file (BATON_VERSIONS_CACHE, default ~/.cache/baton/eks-versions.json)")
    .option("--region <region>", "the AWS region to ask (default: the SDK's, e.g. AWS_REGION)")
    .option("--json", "print the table as JSON")
    .action(async (options: VersionsOptions) => {
      if (options.refresh) await refresh(options, io);
      const today = options.today ?? isoDate(new Date());
      const table = versionTable();
      const rows = versionsOn(today);
      if (options.json) {
        io.out(JSON.stringify({ today, table: { source: table.source, asOf: table.asOf, ...(table.file ? { file: table.file } : {}) }, versions: rows }, null, 2));
      } else {
        io.out(formatTable(rows, table, today, io));
      }
      setExit(EXIT.ok);
    });
}
