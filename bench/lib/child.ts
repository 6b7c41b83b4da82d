/** What a benchmark child process reports to the runner: one JSON line on stdout, last. */

export const RESULT_PREFIX = "BENCH-RESULT ";

/** Prints the result with the process's own peak RSS (KiB, as the kernel counts it). */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, selfMaxRssKiB: process.resourceUsage().maxRSS })}\n`);
}
