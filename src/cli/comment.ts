import type { Command } from "commander";
import type { ParsedPreview } from "../preview/pulumi-preview.js";
import type { StackReview } from "../preview/stack-set-review.js";
import { colors, EXIT, readTextFile, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";
import { readFleetInput, readProposedConfig } from "./load-fleet.js";
import { parseFormat, type PreviewFormat } from "./preview.js";
import { swappedFilesHint } from "./swapped.js";
import { isDirectory, readStackDir, setSubject, type StackFile } from "./stack-dirs.js";
import { addFullReviewOptions, refuseFullReviewOptions, stackSet, writeStackSet, type StackSetOutputOptions } from "./stack-set-output.js";
import { todayOption } from "./today.js";

interface CommentOptions extends StackSetOutputOptions {
  from?: string;
  to?: string;
  format: string;
  today?: string;
}

export function registerComment(program: Command, io: Io, setExit: SetExit): void {
  const command = program
    .command("comment")
    .usage("<preview-json> [--from <base-config>] [--to <head-config>] [options]")
    .description("render the review comment from a real `pulumi preview --json`; exit 1 when the fleet change is refused")
    .argument("<preview-json>", "the output of `pulumi preview --json` (- for standard input), or a folder of them named <stack>.json, one per stack")
    .option("--from <base-config>", "the stack config as deployed: adds the verdict, traffic shares and rollback (with a folder of previews: the base's folder of stack configs)")
    .option("--to <head-config>", "the proposed stack config (default: baton:fleet from the preview's own config; with a folder of previews: the head's folder of stack configs)")
    .option("--format <format>", "markdown (the comment), text or json", "markdown")
    .addOption(todayOption());
  addFullReviewOptions(command)
    .action(async (file: string, options: CommentOptions) => {
      const format = parseFormat(options.format, ["markdown", "text", "json"]);
      if (file !== "-" && isDirectory(file)) {
        await commentStackDirs(file, options, format, io, setExit);
        return;
      }
      refuseFullReviewOptions(options);
      const parsed = await readPreview(file, file === "-" ? io.stdin() : readTextFile(file));
      const proposed = options.to !== undefined ? await readProposedConfig(options.to) : undefined;
      const after = proposed !== undefined ? proposed.fleet : parsed.fleet;
      const overrides = proposed !== undefined ? proposed.overrides : parsed.overrides;
      const before = options.from !== undefined ? await readFleetInput(options.from) : undefined;
      if (before !== undefined && after === undefined) {
        throw new UsageError("--from needs the proposed fleet too: pass --to <head-config> (this preview's config has no baton:fleet)");
      }
      const { buildReview } = await import("../preview/review.js");
      const review = buildReview({
        offline: false, subject: `\`${file}\`${options.from ? ` (base config \`${options.from}\`)` : ""}`, changes: parsed.changes,
        ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}),
        ...(options.today ? { validate: { today: options.today } } : {}), ...(overrides !== undefined ? { overrides } : {}),
      });
      if (format === "json") io.out((await import("../preview/render-json.js")).renderJson(review));
      else if (format === "text") io.out((await import("../preview/render-text.js")).renderText(review, colors(io)));
      else io.out((await import("../preview/render-markdown.js")).renderMarkdown(review));
      if (review.plan !== undefined && options.from !== undefined && options.to !== undefined) {
        const hint = await swappedFilesHint(review.plan, { after, before, ...(options.today ? { today: options.today } : {}) }, `--from names the deployed config, --to the proposed one: baton comment ${file} --from ${options.to} --to ${options.from}`);
        if (hint !== undefined) io.err(colors(io).yellow(hint));
      }
      setExit(review.verdict?.allowed === false ? EXIT.failed : EXIT.ok);
    });
}

/** A `pulumi preview --json` read into baton's change model; anything else is a usage error naming the file. */
async function readPreview(file: string, text: string): Promise<ParsedPreview> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON (${(error as Error).message}); produce it with \`pulumi preview --json > preview.json\``);
  }
  const { parsePulumiPreview, PreviewJsonError } = await import("../preview/pulumi-preview.js");
  try {
    return parsePulumiPreview(json);
  } catch (error) {
    if (error instanceof PreviewJsonError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

/**
 * `baton comment <previews-dir> --from <base-dir> [--to <head-dir>]`: one `pulumi preview --json`
 * per stack (`<stack>.json`), each reviewed as `baton comment` reviews one, paired by stack name
 * with the base's stack configs; a stack in the base with no head is reviewed as removed. Every
 * stack of the head needs its preview: a missing one is named, with every other problem, before
 * anything is rendered.
 */
async function commentStackDirs(previewDir: string, options: CommentOptions, format: PreviewFormat, io: Io, setExit: SetExit): Promise<void> {
  for (const [flag, dir] of [["--from", options.from], ["--to", options.to]] as const) {
    if (dir !== undefined && !isDirectory(dir)) throw new UsageError(`${previewDir} is a folder of previews, so ${flag} must be a folder of stack configs; ${dir} is not a folder`);
  }
  const { readdirSync } = await import("node:fs");
  const path = await import("node:path");
  const previewFiles = new Map(readdirSync(previewDir).sort().filter((f) => f.endsWith(".json")).map((f) => [f.slice(0, -".json".length), path.join(previewDir, f)]));
  const heads = options.to !== undefined ? await readStackDir(options.to) : undefined;
  const bases = options.from !== undefined ? await readStackDir(options.from) : new Map<string, StackFile>();
  const headNames = heads ? [...heads.keys()] : [...previewFiles.keys()];
  const problems: string[] = [];
  for (const name of headNames) if (!previewFiles.has(name)) problems.push(`stack ${name} has no preview: write \`pulumi preview --json --stack ${name} > ${path.join(previewDir, `${name}.json`)}\``);
  if (heads) for (const name of previewFiles.keys()) if (!heads.has(name)) problems.push(`${previewFiles.get(name)} is the preview of a stack ${options.to} has no Pulumi.${name}.yaml for`);
  if (headNames.length === 0) problems.push(`no previews (<stack>.json) in ${previewDir}`);
  const parsed = new Map<string, ParsedPreview>();
  for (const name of headNames) {
    const file = previewFiles.get(name);
    if (file === undefined) continue;
    try {
      const preview = await readPreview(file, readTextFile(file));
      if (!heads && bases.has(name) && preview.fleet === undefined) problems.push(`${file} carries no baton:fleet to judge against the base: pass --to <head-dir>`);
      parsed.set(name, preview);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new UsageError(`${problems.length} problem(s) with the previews:\n  ${problems.join("\n  ")}`);

  const [{ buildReview }, { changeOf, withStackProblems }, { checkWave }] = await Promise.all([
    import("../preview/review.js"), import("../preview/stack-set-review.js"), import("../fleet/waves.js"),
  ]);
  const validate = options.today ? { validate: { today: options.today } } : {};
  const names = [...new Set([...headNames, ...bases.keys()])].sort();
  const stacks: StackReview[] = names.map((name) => {
    const base = bases.get(name);
    const preview = parsed.get(name);
    const headFile = heads?.get(name);
    if (preview === undefined) {
      // In the base only: the stack's file is gone, and no preview can be run of it.
      const review = buildReview({ offline: false, subject: `\`${base!.file}\` (removed: destroying the stack deletes every resource)`, changes: [], before: base!.config.fleet, removed: true, ...validate });
      return { stack: name, change: "removed", ...(base!.config.wave !== undefined ? { wave: base!.config.wave } : {}), baseFile: base!.file, review };
    }
    const after = headFile?.config.fleet ?? preview.fleet;
    const overrides = headFile ? headFile.config.overrides : preview.overrides;
    const wave = headFile ? { wave: headFile.config.wave, problems: headFile.config.waveProblems } : checkWave(preview.wave);
    const subject = `\`${previewFiles.get(name)}\`${base ? ` (base config \`${base.file}\`)` : ""}`;
    const review = withStackProblems(buildReview({
      offline: false, subject, changes: preview.changes,
      ...(base !== undefined && after !== undefined ? { before: base.config.fleet } : {}), ...(after !== undefined ? { after } : {}), ...validate,
      ...(overrides !== undefined ? { overrides } : {}),
    }), wave.problems);
    return {
      stack: name, change: changeOf(base !== undefined || options.from === undefined, true, review), review,
      ...(wave.wave !== undefined ? { wave: wave.wave } : {}),
      ...(headFile ? { headFile: headFile.file } : {}), ...(base ? { baseFile: base.file } : {}),
    };
  });
  await writeStackSet(await stackSet(false, setSubject(previewDir, options.from), stacks), format, options, io, setExit);
}
