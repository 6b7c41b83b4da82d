import path from "node:path";
import type { Command } from "commander";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import { readFleetInput } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { todayOption } from "./today.js";
import type { CaptureContext } from "../preview/offline-preview.js";

export type PreviewFormat = "text" | "json" | "markdown";

export function parseFormat(value: string, allowed: readonly PreviewFormat[]): PreviewFormat {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--format must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as PreviewFormat;
}

/** The fleet program's module next to this build: stacks/program.js compiled, stacks/program.ts from sources. */
const PROGRAM_MODULE = path.resolve(__dirname, "../../stacks", `program${path.extname(__filename)}`);

export function registerPreview(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("preview")
    .description("offline preview: run the fleet program under Pulumi's mock runtime (no credentials) and show what would change; exit 1 when refused")
    .argument("<stack-config>", "the proposed stack config, e.g. stacks/Pulumi.migration-next.yaml")
    .option("--from <base-config>", "the stack config as deployed (e.g. from the base branch); without it, everything is a create")
    .option("--format <format>", "text, json or markdown (the pull-request comment)", "text")
    .addOption(todayOption())
    .option("--parallel", "capture base and head side by side in two worker threads (faster on an idle multi-core machine; twice the memory)")
    .action(async (file: string, options: { from?: string; format: string; today?: string; parallel?: boolean }) => {
      const format = parseFormat(options.format, ["text", "json", "markdown"]);
      const head = await readFleetInput(file);
      const base = options.from === undefined ? undefined : await readFleetInput(options.from);
      const today = options.today;
      // Pulumi and the fleet program load only here, so `baton --help` stays fast.
      const { offlinePreview } = await import("../preview/offline-preview.js");
      // A worker thread has its own Pulumi runtime, so base and head can be captured at once.
      const inWorkers = options.parallel === true && options.from !== undefined;
      const capture = inWorkers
        ? await workerCapturer(today)
        : await inProcessCapturer(today);
      const subject = `\`${file}\`${options.from ? ` against \`${options.from}\`` : " (no base: every resource is new)"}`;
      const { review, head: captured } = await offlinePreview({ head, subject, capture, parallel: inWorkers, ...(base !== undefined ? { base } : {}), ...(today ? { today } : {}) });
      if (format === "json") io.out((await import("../preview/render-json.js")).renderJson(review, captured));
      else if (format === "markdown") io.out((await import("../preview/render-markdown.js")).renderMarkdown(review));
      else io.out((await import("../preview/render-text.js")).renderText(review, colors(io)));
      setExit(review.verdict?.allowed === false ? EXIT.failed : EXIT.ok);
    });
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
