import type { Command } from "commander";
import { formatPlan } from "../spec/format-plan.js";
import { plan } from "../spec/plan.js";
import { parseStackConfig } from "../spec/stack-config.js";
import { colors, EXIT, readTextFile, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";

function readFleet(path: string): unknown {
  const config = parseStackConfig(readTextFile(path), path);
  if (config.problems.length > 0) {
    throw new UsageError(`${path} is not valid YAML: ${config.problems.map((p) => p.message).join("; ")}`);
  }
  return config.fleet;
}

export function registerPlan(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("plan")
    .description("classify every change between two stack configs, refuse unsafe ones, and give each its rollback; exit 1 when refused")
    .argument("<before>", "the stack config as deployed (e.g. from the base branch)")
    .argument("<after>", "the proposed stack config")
    .option("--json", "print the plan as JSON")
    .action((beforePath: string, afterPath: string, options: { json?: boolean }) => {
      const planned = plan(readFleet(beforePath), readFleet(afterPath));
      if (options.json) io.out(JSON.stringify(planned, null, 2));
      else io.out(formatPlan(planned, colors(io)));
      setExit(planned.allowed ? EXIT.ok : EXIT.failed);
    });
}
