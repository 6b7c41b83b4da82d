import { existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import { readFleetInput, readProposedConfig } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import type { PartCapturer } from "../preview/parts.js";
import { clockText, startProgress, type Progress } from "./progress.js";
import { fromFix, swappedFilesHint } from "./swapped.js";
import { todayOption } from "./today.js";
import { RECORD_OPTION_HELP, versionsFromRecord } from "./record.js";
import type { CaptureContext, OfflinePreview, StackPreviewInput } from "../preview/offline-preview.js";
import { isDirectory, readStackDirs, setSubject, waveOf } from "./stack-dirs.js";
import { addFullReviewOptions, refuseFullReviewOptions, stackSet, writeStackSet, type StackSetOutputOptions } from "./stack-set-output.js";

export type PreviewFormat = "text" | "json" | "markdown";

export function parseFormat(value: string, allowed: readonly PreviewFormat[]): PreviewFormat {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--format must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as PreviewFormat;
}

/** The fleet program's module next to this build: stacks/program.js compiled, stacks/program.ts from sources. */
const PROGRAM_MODULE = path.resolve(__dirname, "../../stacks", `program${path.extname(__filename)}`);

interface PreviewOptions extends StackSetOutputOptions {
  from?: string; format: string; today?: string; record?: string; parallel?: boolean; cache: boolean; cacheDir: string; cacheStats?: boolean; wholeProgram?: boolean;
}

export function registerPreview(program: Command, io: Io, setExit: SetExit): void {
  const command = program
    .command("preview")
    .usage("<stack-config> [--from <base-config>] [options]")
    .description("offline preview: run the fleet program under Pulumi's mock runtime (no credentials) and show what would change; exit 1 when refused")
    .argument("<stack-config>", "the proposed stack config, e.g. stacks/Pulumi.migration-next.yaml; or a folder of them (every Pulumi.<stack>.yaml, reviewed as one)")
    .option("--from <base-config>", "the stack config as deployed (e.g. from the base branch), or the base's folder of them; without it, everything is a create")
    .option("--format <format>", "text, json or markdown (the pull-request comment)", "text")
    .option("--record <json-file>", RECORD_OPTION_HELP)
    .addOption(todayOption())
    .option("--cache-dir <dir>", "where captured parts are kept between runs (signed with the cache key: see BATON_CACHE_KEY in docs/preview.md)", "<project>/.baton/cache")
    .option("--no-cache", "capture every part, reading and writing no cache")
    .option("--cache-stats", "say on stderr how many parts were captured and how many came from the cache")
    .option("--whole-program", "capture each config as one whole program instead of part by part (the reference path; no cache)")
    .option("--parallel", "with --whole-program: capture base and head side by side in two worker threads");
  addFullReviewOptions(command)
    .action(async (file: string, options: PreviewOptions) => {
      const format = parseFormat(options.format, ["text", "json", "markdown"]);
      if (isDirectory(file) || (options.from !== undefined && isDirectory(options.from))) {
        if (options.record !== undefined) throw new UsageError("--record is one stack's last deployment record: give it with one stack config, not a folder of them");
        await previewStackDirs(file, options, format, io, setExit);
        return;
      }
      refuseFullReviewOptions(options);
      if (options.parallel && !options.wholeProgram) throw new UsageError("--parallel applies to --whole-program only (parts are always captured on every core)");
      const today = options.today;
      const cacheDir = options.cache ? resolveCacheDir(options.cacheDir, file) : undefined;
      const progress = await startProgress(io);
      // Part by part, a worker starts loading Pulumi now, while the configs are read and validated.
      const captureAll = options.wholeProgram ? undefined : await partsCapturer(today, cacheDir, io, options.cacheStats === true, progress);
      let result;
      let head: unknown;
      let base: unknown;
      let overrides: unknown;
      try {
        const proposed = await readProposedConfig(file);
        head = proposed.fleet;
        overrides = proposed.overrides;
        base = options.from === undefined ? undefined : await readFleetInput(options.from);
        const versions = options.record === undefined ? undefined : await versionsFromRecord(options.record);
        // Pulumi and the fleet program load only here, so `baton --help` stays fast.
        const { offlinePreview } = await import("../preview/offline-preview.js");
        // A worker thread has its own Pulumi runtime, so base and head can be captured at once.
        const inWorkers = options.parallel === true && options.from !== undefined;
        // Part by part, the main thread never loads Pulumi: workers capture what the cache does not hold.
        const wholeCapture = !options.wholeProgram ? () => Promise.reject(new Error("unused")) : inWorkers
          ? await workerCapturer(today)
          : await inProcessCapturer(today);
        const subject = `\`${file}\`${options.from ? ` against \`${options.from}\`` : " (no base: every resource is new)"}`;
        const capture = withCaptureProgress(wholeCapture, progress, head, base === undefined ? 1 : 2);
        result = await offlinePreview({
          head, subject, capture, parallel: inWorkers, ...(captureAll ? { captureAll } : {}), ...(base !== undefined ? { base } : {}), ...(today ? { today } : {}),
          ...(overrides !== undefined ? { overrides } : {}), ...(versions !== undefined ? { versions } : {}),
        });
      } finally {
        progress.stop();
        captureAll?.close();
      }
      const { review, head: captured, stackOutputs } = result;
      if (format === "json") io.out((await import("../preview/render-json.js")).renderJson(review, captured, stackOutputs));
      else if (format === "markdown") io.out((await import("../preview/render-markdown.js")).renderMarkdown(review));
      else io.out((await import("../preview/render-text.js")).renderText(review, colors(io)));
      if (review.plan !== undefined && options.from !== undefined) {
        const hint = await swappedFilesHint(review.plan, { after: head, before: base, ...(today ? { today } : {}) }, fromFix("preview", options.from, file));
        if (hint !== undefined) io.err(colors(io).yellow(hint));
      }
      setExit(review.verdict?.allowed === false ? EXIT.failed : EXIT.ok);
    });
}

/** Counts captures as they finish and names the ones running: the panel of `baton preview`. */
function withCaptureProgress<C extends (fleet: unknown, deployed?: unknown) => Promise<unknown>>(capture: C, progress: Progress, head: unknown, total: number): C {
  const running = new Set<string>();
  let finished = 0;
  const draw = () => progress.show((elapsed) =>
    `preview: ${finished} of ${total} config(s) captured${running.size > 0 ? ` · capturing ${[...running].join(" and ")}` : finished === total ? " · diffing" : ""} · ${clockText(elapsed)}`);
  return (async (fleet: unknown, deployed?: unknown) => {
    const name = fleet === head ? "the proposed config" : "the base config";
    running.add(name);
    draw();
    try {
      return await capture(fleet, deployed);
    } finally {
      running.delete(name);
      finished += 1;
      draw();
    }
  }) as C;
}

async function inProcessCapturer(today: string | undefined) {
  const { captureProgram } = await import("../preview/capture.js");
  const { runFleetProgram } = (await import(PROGRAM_MODULE)) as typeof import("../../stacks/program.js");
  return (fleet: unknown, deployed?: unknown, context?: CaptureContext) => captureProgram(() => runFleetProgram(fleet, { ...(today ? { today } : {}), ...(deployed !== undefined ? { deployed } : {}), ...context }));
}

async function workerCapturer(today: string | undefined) {
  const { captureInWorker } = await import("../preview/capture-worker.js");
  return (fleet: unknown, deployed?: unknown) => captureInWorker({
    module: PROGRAM_MODULE, exportName: "runFleetProgram",
    args: [fleet, { ...(today ? { today } : {}), ...(deployed !== undefined ? { deployed } : {}) }],
  });
}

/** The default cache folder sits in the Pulumi project the stack config belongs to (or the working folder). */
function resolveCacheDir(option: string, stackConfig: string): string {
  if (option !== "<project>/.baton/cache") return path.resolve(option);
  for (let dir = path.dirname(path.resolve(stackConfig)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return path.join(dir, ".baton", "cache");
    if (path.dirname(dir) === dir) return path.resolve(".baton", "cache");
  }
}

/** Counts parts as workers finish them: the panel of `baton preview` part by part (cache hits never reach the workers). */
function withPartsProgress(capturer: PartCapturer, progress: Progress): PartCapturer {
  return async (jobs, done) => {
    let finished = 0;
    const draw = () => progress.show((elapsed) =>
      `preview: ${finished} of ${jobs.length} part(s) captured${finished < jobs.length ? "" : " · diffing"} (parts in the cache are not captured again) · ${clockText(elapsed)}`);
    draw();
    await capturer(jobs, (job, resources) => {
      finished += 1;
      draw();
      done(job, resources);
    });
  };
}

/** Part-by-part capture on worker threads, with the cache when one is given; warns on stderr of entries it could not use. */
async function partsCapturer(today: string | undefined, cacheDir: string | undefined, io: Io, showStats: boolean, progress: Progress) {
  const [{ captureByParts }, { codeFingerprint }, { PartCache }, { CacheKeyError, loadCacheKey }, { workerPartCapturer }] = await Promise.all([
    import("../preview/parts.js"), import("../preview/fingerprint.js"), import("../preview/part-cache.js"), import("../preview/cache-key.js"), import("../preview/part-worker.js"),
  ]);
  const fingerprint = codeFingerprint();
  let cache: InstanceType<typeof PartCache> | undefined;
  if (cacheDir !== undefined) {
    try {
      cache = new PartCache(cacheDir, fingerprint.batonVersion, loadCacheKey());
    } catch (error) {
      if (!(error instanceof CacheKeyError)) throw error;
      // Without the key no entry can be trusted: capture everything, read and write nothing.
      io.err(`baton: not using the preview cache: ${error.message}; every part is captured`);
    }
  }
  // A worker starts loading Pulumi now, while the configs are read, validated and looked up in the cache.
  const workers = workerPartCapturer({ module: PROGRAM_MODULE, exportName: "runFleetPart", options: today ? { today } : {} }, undefined, { prestart: true });
  const capturer = withPartsProgress(workers, progress);
  const captureAll = async (fleets: readonly import("../fleet/types.js").FleetSpec[], lastDeployed?: readonly (import("../fleet/types.js").FleetSpec | undefined)[]) => {
    const { captures, stats } = await captureByParts(fleets, { capturer, fingerprint, ...(cache ? { cache } : {}) }, lastDeployed);
    for (const line of discardedLines(stats.discarded)) io.err(line);
    for (const failure of stats.writeErrors) io.err(`baton: could not write the cache entry of ${failure}`);
    if (showStats) io.err(`baton: ${stats.parts} part(s): ${stats.fromCache} from the cache${cache ? ` (${cache.dir})` : cacheDir === undefined ? " (--no-cache)" : " (not used: no cache key)"}, ${stats.captured} captured`);
    return captures;
  };
  return Object.assign(captureAll, { close: workers.close });
}

/**
 * `baton preview <head-dir> --from <base-dir>`: every stack paired by name and previewed with the
 * same rules as one, captured together (the stacks share the workers, the cache and their common
 * parts), then reviewed as one.
 */
async function previewStackDirs(headDir: string, options: PreviewOptions, format: PreviewFormat, io: Io, setExit: SetExit): Promise<void> {
  if (!isDirectory(headDir)) throw new UsageError(`--from ${options.from} is a folder of stacks, so the head must be one too; ${headDir} is not a folder`);
  if (options.parallel) throw new UsageError("--parallel applies to one stack with --whole-program; folders of stacks are captured part by part on every core");
  const today = options.today;
  const progress = await startProgress(io);
  // Part by part, a worker starts loading Pulumi now, while every stack file is read and validated.
  const cacheDir = options.cache ? resolveCacheDir(options.cacheDir, path.join(headDir, "Pulumi.stack.yaml")) : undefined;
  const captureAll = options.wholeProgram ? undefined : await partsCapturer(today, cacheDir, io, options.cacheStats === true, progress);
  let pairs: Awaited<ReturnType<typeof readStackDirs>>;
  let previews: OfflinePreview[];
  try {
    pairs = await readStackDirs(headDir, options.from);
    const inputs: StackPreviewInput[] = pairs.map((pair) => ({
      subject: pair.status === "added" ? `\`${pair.head!.file}\` (added: every resource is new)`
        : pair.status === "removed" ? `\`${pair.base!.file}\` (removed from \`${headDir}\`: destroying the stack deletes every resource)`
        : `\`${pair.head!.file}\` against \`${pair.base!.file}\``,
      head: pair.head?.config.fleet,
      ...(pair.base !== undefined ? { base: pair.base.config.fleet } : {}),
      ...(pair.status === "removed" ? { removed: true } : {}),
      ...(pair.head?.config.overrides !== undefined ? { overrides: pair.head.config.overrides } : {}),
      ...(today ? { today } : {}),
    }));
    const { offlinePreview, offlinePreviews } = await import("../preview/offline-preview.js");
    if (captureAll === undefined) {
      const capture = await inProcessCapturer(today);
      previews = [];
      for (const input of inputs) previews.push(await offlinePreview({ ...input, capture }));
    } else {
      previews = await offlinePreviews(inputs, captureAll);
    }
  } finally {
    progress.stop();
    captureAll?.close();
  }
  const { changeOf, withStackProblems } = await import("../preview/stack-set-review.js");
  const stacks = pairs.map((pair, i) => {
    const review = withStackProblems(previews[i]!.review, pair.head?.config.waveProblems ?? []);
    const wave = waveOf(pair);
    return {
      stack: pair.name, change: changeOf(pair.base !== undefined, pair.head !== undefined, review), review,
      ...(wave !== undefined ? { wave } : {}),
      ...(pair.head ? { headFile: pair.head.file } : {}), ...(pair.base ? { baseFile: pair.base.file } : {}),
      ...(previews[i]!.head ? { capture: previews[i]!.head } : {}),
    };
  });
  await writeStackSet(await stackSet(true, setSubject(headDir, options.from), stacks), format, options, io, setExit);
}

/** A few discarded entries are named one by one; many (a cache from another key or version) are summed up by reason. */
function discardedLines(discarded: readonly { file: string; reason: string }[]): string[] {
  const named = 5;
  if (discarded.length <= named) return discarded.map((entry) => `baton: discarded the cache entry ${entry.file} (${entry.reason}); captured the part again`);
  const reasons = new Map<string, number>();
  for (const { reason } of discarded) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  return [`baton: discarded ${discarded.length} cache entries and captured their parts again: ${[...reasons].map(([reason, count]) => `${count} × ${reason}`).join("; ")}`];
}
