import type { Command } from "commander";
import { formatPlan, type Paint } from "../fleet/format-plan.js";
import type { Plan } from "../fleet/plan.js";
import { formatProblem } from "../fleet/problems.js";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import { readFleetInput } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { isDirectory, readStackDirs, waveOf } from "./stack-dirs.js";
import { todayOf, todayOption } from "./today.js";

export function registerPlan(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("plan")
    .description("classify every change between two stack configs, refuse unsafe ones, and give each its rollback; exit 1 when refused")
    .argument("<before>", "the stack config as deployed (e.g. from the base branch), or a folder of them")
    .argument("<after>", "the proposed stack config, or a folder of them (every Pulumi.<stack>.yaml, paired by name)")
    .option("--json", "print the plan as JSON")
    .addOption(todayOption())
    .action(async (beforePath: string, afterPath: string, options: { json?: boolean; today?: string }) => {
      if (isDirectory(beforePath) || isDirectory(afterPath)) {
        await planStackDirs(beforePath, afterPath, options, io, setExit);
        return;
      }
      const [before, after] = [await readFleetInput(beforePath), await readFleetInput(afterPath)];
      const { plan } = await import("../fleet/plan.js");
      const planned = plan(before, after, todayOf(options));
      if (options.json) io.out(JSON.stringify(planned, null, 2));
      else io.out(formatPlan(planned, colors(io)));
      setExit(planned.allowed ? EXIT.ok : EXIT.failed);
    });
}

type StackChange = "added" | "removed" | "changed" | "unchanged";

/**
 * `baton plan <before-dir> <after-dir>`: every stack paired by name and planned with the same
 * rules as one: a stack in both is planned base → head, an added one is validated alone, a removed
 * one is planned as the removal of its whole fleet. Stacks in upgrade order; exit 1 when any is refused.
 */
async function planStackDirs(beforeDir: string, afterDir: string, options: { json?: boolean; today?: string }, io: Io, setExit: SetExit): Promise<void> {
  if (!isDirectory(afterDir)) throw new UsageError(`${beforeDir} is a folder of stacks, so the proposed config must be one too; ${afterDir} is not a folder`);
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
