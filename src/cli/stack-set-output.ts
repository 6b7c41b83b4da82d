/**
 * Printing the review of many stacks (`preview` and `comment` on folders): the chosen format on
 * standard output, the full review to a file when asked (what the comment points to when it has
 * no room), and the exit code (1 when any stack is refused).
 */
import path from "node:path";
import { Option, type Command } from "commander";
import type { PreviewFormat } from "./preview.js";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";
import type { StackReview, StackSetReview } from "../preview/stack-set-review.js";

export interface StackSetOutputOptions {
  readonly fullReview?: string;
  readonly fullReviewLink?: string;
}

/** `--full-review` and `--full-review-link`, for commands that take folders of stacks. */
export function addFullReviewOptions(command: Command): Command {
  return command
    .addOption(new Option("--full-review <file>", "folders of stacks: also write the whole review, in the chosen format and without GitHub's length limit, to this file (e.g. one a CI job uploads); the comment names it for stacks it has no room for"))
    .addOption(new Option("--full-review-link <url>", "folders of stacks: where a reader finds the --full-review file (e.g. the CI run's page with its artifacts)"));
}

/** Refuses the folder-only options on a single stack, instead of ignoring them. */
export function refuseFullReviewOptions(options: StackSetOutputOptions): void {
  if (options.fullReview !== undefined || options.fullReviewLink !== undefined) {
    throw new UsageError("--full-review and --full-review-link apply to folders of stacks (one stack's comment already fits)");
  }
}

/** The review of every stack, in upgrade order, with the verdict on the whole. */
export async function stackSet(offline: boolean, subject: string, stacks: readonly StackReview[]): Promise<StackSetReview> {
  const { stackSetReview } = await import("../preview/stack-set-review.js");
  return stackSetReview(offline, subject, stacks);
}

export async function writeStackSet(set: StackSetReview, format: PreviewFormat, options: StackSetOutputOptions, io: Io, setExit: SetExit): Promise<void> {
  const render = await import("../preview/render-stack-set.js");
  const pointer = {
    ...(options.fullReview !== undefined ? { file: path.basename(options.fullReview) } : {}),
    ...(options.fullReviewLink !== undefined ? { link: options.fullReviewLink } : {}),
  };
  const text = (maxLength?: number) => (format === "json" ? render.renderStackSetJson(set)
    : format === "markdown" ? render.renderStackSetMarkdown(set, pointer, maxLength)
    : render.renderStackSetText(set, colors({ ...io, color: false })));
  if (options.fullReview !== undefined) {
    const { writeFileAtomic } = await import("../traffic/write-atomic.js");
    try {
      writeFileAtomic(path.resolve(options.fullReview), text(Number.POSITIVE_INFINITY));
    } catch (error) {
      throw new UsageError(`--full-review ${options.fullReview}: cannot write it (${(error as Error).message})`);
    }
  }
  io.out(format === "text" ? render.renderStackSetText(set, colors(io)) : text());
  setExit(set.allowed ? EXIT.ok : EXIT.failed);
}
