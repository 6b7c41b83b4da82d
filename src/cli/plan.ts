import type { Command } from "commander";
import { formatPlan } from "../fleet/format-plan.js";
import { colors, EXIT, type Io } from "./io.js";
import { readFleetInput, readProposedConfig } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { todayOf, todayOption } from "./today.js";

export function registerPlan(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("plan")
    .description("classify every change between two stack configs, refuse unsafe ones, and give each its rollback; exit 1 when refused")
    .argument("<before>", "the stack config as deployed (e.g. from the base branch)")
    .argument("<after>", "the proposed stack config")
    .option("--json", "print the plan as JSON")
    .addOption(todayOption())
    .action(async (beforePath: string, afterPath: string, options: { json?: boolean; today?: string }) => {
      const [before, after] = [await readFleetInput(beforePath), await readProposedConfig(afterPath)];
      const { plan } = await import("../fleet/plan.js");
      // The proposed config's baton:override lets the refusals it names through, as pulumi up does.
      const planned = plan(before, after.fleet, { ...todayOf(options), ...(after.overrides !== undefined ? { overrides: after.overrides } : {}) });
      if (options.json) io.out(JSON.stringify(planned, null, 2));
      else io.out(formatPlan(planned, colors(io)));
      setExit(planned.allowed ? EXIT.ok : EXIT.failed);
    });
}
