import type { Command } from "commander";
import { colors, EXIT, readTextFile, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";
import { readFleetInput, readProposedConfig } from "./load-fleet.js";
import { parseFormat } from "./preview.js";
import { swappedFilesHint } from "./swapped.js";
import { todayOption } from "./today.js";

export function registerComment(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("comment")
    .usage("<preview-json> [--from <base-config>] [--to <head-config>] [options]")
    .description("render the review comment from a real `pulumi preview --json`; exit 1 when the fleet change is refused")
    .argument("<preview-json>", "the output of `pulumi preview --json` (- for standard input)")
    .option("--from <base-config>", "the stack config as deployed: adds the verdict, traffic shares and rollback")
    .option("--to <head-config>", "the proposed stack config (default: baton:fleet from the preview's own config)")
    .option("--format <format>", "markdown (the comment), text or json", "markdown")
    .addOption(todayOption())
    .action(async (file: string, options: { from?: string; to?: string; format: string; today?: string }) => {
      const format = parseFormat(options.format, ["markdown", "text", "json"]);
      const text = file === "-" ? io.stdin() : readTextFile(file);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`${file} is not JSON (${(error as Error).message}); produce it with \`pulumi preview --json > preview.json\``);
      }
      const { parsePulumiPreview, PreviewJsonError } = await import("../preview/pulumi-preview.js");
      let parsed;
      try {
        parsed = parsePulumiPreview(json);
      } catch (error) {
        if (error instanceof PreviewJsonError) throw new UsageError(`${file}: ${error.message}`);
        throw error;
      }
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
