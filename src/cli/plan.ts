import type { Command } from "commander";
import { formatPlan, type Paint } from "../fleet/format-plan.js";
import type { Plan } from "../fleet/plan.js";
import { formatProblem } from "../fleet/problems.js";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import { RECORD_OPTION_HELP, versionsFromRecord } from "./record.js";
import { readFleetInput, readProposedConfig } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { isDirectory, readStackDirs, waveOf } from "./stack-dirs.js";
import { fromFix, swappedFilesHint } from "./swapped.js";
import { todayOf, todayOption } from "./today.js";

export function registerPlan(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("plan")
    .usage("<stack-config> --from <base-config> [options]")
    .description("classify every change from the deployed stack config (--from) to the proposed one, refuse unsafe ones, and give each its rollback; exit 1 when refused")
    .argument("<stack-config>", "the proposed stack config, e.g. examples/walkthrough/3-green-50.yaml; or a folder of them (every Pulumi.<stack>.yaml, paired by name)")
    .option("--from <base-config>", "the stack config as deployed (e.g. from the base branch), or the base's folder of them; required")
    .option("--json", "print the plan as JSON")
    .option("--record <json-file>", RECORD_OPTION_HELP)
    .addOption(todayOption())
    // `plan <before> <after>` was the first form; it still runs, with a word on stderr, so existing scripts keep working.
    .allowExcessArguments(true)
    .action(async (first: string, options: { from?: string; json?: boolean; today?: string; record?: string }, command: Command) => {
      const { afterPath, beforePath } = filesOf(first, command.args, options.from, io);
      if (isDirectory(beforePath) || isDirectory(afterPath)) {
        if (options.record !== undefined) throw new UsageError("--record is one stack's last deployment record: give it with one stack config, not a folder of them");
        await planStackDirs(beforePath, afterPath, options, io, setExit);
        return;
      }
      const [before, after] = [await readFleetInput(beforePath), await readProposedConfig(afterPath)];
      const { plan } = await import("../fleet/plan.js");
      // The proposed config's baton:override lets the refusals it names through, as pulumi up does.
      const versions = options.record === undefined ? undefined : await versionsFromRecord(options.record);
      const planned = plan(before, after.fleet, {
        ...todayOf(options), ...(after.overrides !== undefined ? { overrides: after.overrides } : {}), ...(versions !== undefined ? { versions } : {}),
      });
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

type StackChange = "added" | "removed" | "changed" | "unchanged";

/**
 * `baton plan <after-dir> --from <before-dir>`: every stack paired by name and planned with the same
 * rules as one: a stack in both is planned base → head, an added one is validated alone, a removed
 * one is planned as the removal of its whole fleet. Stacks in upgrade order; exit 1 when any is refused.
 */
async function planStackDirs(beforeDir: string, afterDir: string, options: { json?: boolean; today?: string }, io: Io, setExit: SetExit): Promise<void> {
  if (!isDirectory(afterDir)) throw new UsageError(`--from ${beforeDir} is a folder of stacks, so the proposed config must be one too; ${afterDir} is not a folder`);
  const pairs = await readStackDirs(afterDir, beforeDir);
  const [{ plan }, { planAddition, planRemoval, withStackProblems }, { byWave, waveLabel }] = await Promise.all([
    import("../fleet/plan.js"), import("../fleet/stack-set.js"), import("../fleet/waves.js"),
  ]);
  const today = todayOf(options);
  const stacks = pairs.map((pair) => {
    const planned: Plan = pair.status === "added" ? planAddition(pair.head!.config.fleet, today)
      : pair.status === "removed" ? planRemoval(pair.base!.config.fleet, today)
      : plan(pair.base!.config.fleet, pair.head!.config.fleet, today);
    const judged = withStackProblems(planned, pair.head?.config.waveProblems ?? []);
    const change: StackChange = pair.status === "added" ? "added" : pair.status === "removed" ? "removed"
      : judged.changes.length > 0 || !judged.allowed ? "changed" : "unchanged";
    const wave = waveOf(pair);
    return { stack: pair.name, name: pair.name, change, ...(wave !== undefined ? { wave } : {}), plan: judged };
  }).sort(byWave);
  const allowed = stacks.every((s) => s.plan.allowed);
  setExit(allowed ? EXIT.ok : EXIT.failed);
  if (options.json) {
    io.out(JSON.stringify({ allowed, stacks: stacks.map(({ name: _name, ...s }) => s) }, null, 2));
    return;
  }
  const c = colors(io);
  const changed = stacks.filter((s) => s.change !== "unchanged");
  const refused = stacks.filter((s) => !s.plan.allowed).map((s) => s.stack);
  const count = (change: StackChange) => stacks.filter((s) => s.change === change).length;
  const out = [
    refused.length > 0 ? c.red(`refused: ${refused.length} of ${changed.length} changed stack(s) (${refused.join(", ")})`) : c.green(`allowed: ${changed.length} changed stack(s)`),
    `${stacks.length} stack(s) in ${afterDir} against ${beforeDir}: ${count("changed")} changed, ${count("added")} added, ${count("removed")} removed, ${count("unchanged")} unchanged; in upgrade order (baton:wave, lower first, none last)`,
  ];
  for (const stack of changed) {
    const what = stack.change === "added" ? ", added: its config alone is checked" : stack.change === "removed" ? ", removed: its whole fleet goes" : "";
    out.push("", c.bold(`── ${stack.stack} (${waveLabel(stack.wave)}${what}) ──`), stack.change === "added" ? formatAddition(stack.plan, c) : formatPlan(stack.plan, c));
  }
  const unchanged = stacks.filter((s) => s.change === "unchanged").map((s) => s.stack);
  if (unchanged.length > 0) out.push("", `unchanged: ${unchanged.join(", ")}`);
  io.out(out.join("\n"));
}

/** A new stack's verdict: its config checked alone, as `baton validate` does. */
function formatAddition(planned: Plan, paint: Paint): string {
  const head = planned.allowed ? paint.green("valid: a new stack, every resource in it is new") : paint.red(`invalid: ${planned.refusedRules.join(", ")}`);
  return [head, ...planned.problems.map((p) => (p.severity === "error" ? paint.red(formatProblem(p)) : paint.yellow(formatProblem(p))))].join("\n\n");
}
