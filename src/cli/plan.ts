import type { Command } from "commander";
import { formatPlan } from "../fleet/format-plan.js";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import { readFleetInput, readProposedConfig } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { fromFix, swappedFilesHint } from "./swapped.js";
import { todayOf, todayOption } from "./today.js";

export function registerPlan(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("plan")
    .usage("<stack-config> --from <base-config> [options]")
    .description("classify every change from the deployed stack config (--from) to the proposed one, refuse unsafe ones, and give each its rollback; exit 1 when refused")
    .argument("<stack-config>", "the proposed stack config, e.g. examples/walkthrough/3-green-50.yaml")
    .option("--from <base-config>", "the stack config as deployed (e.g. from the base branch); required")
    .option("--json", "print the plan as JSON")
    .addOption(todayOption())
    // `plan <before> <after>` was the first form; it still runs, with a word on stderr, so existing scripts keep working.
    .allowExcessArguments(true)
    .action(async (first: string, options: { from?: string; json?: boolean; today?: string }, command: Command) => {
      const { afterPath, beforePath } = filesOf(first, command.args, options.from, io);
      const [before, after] = [await readFleetInput(beforePath), await readProposedConfig(afterPath)];
      const { plan } = await import("../fleet/plan.js");
      // The proposed config's baton:override lets the refusals it names through, as pulumi up does.
      const planned = plan(before, after.fleet, { ...todayOf(options), ...(after.overrides !== undefined ? { overrides: after.overrides } : {}) });
      if (options.json) io.out(JSON.stringify(planned, null, 2));
      else io.out(`plan of ${afterPath} against ${beforePath} (deployed)\n\n${formatPlan(planned, colors(io))}`);
      const hint = await swappedFilesHint(planned, { after: after.fleet, before, ...todayOf(options) }, fromFix("plan", beforePath, afterPath));
      if (hint !== undefined) io.err(colors(io).yellow(hint));
      setExit(planned.allowed ? EXIT.ok : EXIT.failed);
    });
}

/** Which file is proposed and which deployed: `<after> --from <before>`, or the deprecated `<before> <after>`. */
function filesOf(first: string, args: readonly string[], from: string | undefined, io: Io): { afterPath: string; beforePath: string } {
  if (args.length > 2) throw new UsageError(`plan takes one stack config and --from: baton plan <proposed> --from <deployed> (got ${args.length} files)`);
  if (args.length === 2) {
    if (from !== undefined) throw new UsageError(`plan takes one stack config with --from: baton plan ${args[1]} --from ${from}`);
    const [before, after] = [args[0]!, args[1]!];
    io.err(`baton: \`plan <before> <after>\` is deprecated, and read ${before} as deployed and ${after} as proposed; write: baton plan ${after} --from ${before}`);
    return { afterPath: after, beforePath: before };
  }
  if (from === undefined) throw new UsageError(`plan needs the deployed config to judge ${first} against: baton plan ${first} --from <deployed-config>`);
  return { afterPath: first, beforePath: from };
}
