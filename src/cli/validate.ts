import type { Command } from "commander";
import { errorsOf, formatProblem, warningsOf } from "../fleet/problems.js";
import { colors, EXIT, type Io } from "./io.js";
import { loadFleetFile, readOverrideProblems } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { todayOption } from "./today.js";

export function registerValidate(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("validate")
    .description("check a stack config's baton:fleet against every rule; exit 0 valid, 1 invalid, 2 unreadable")
    .argument("<stack-config>", "a Pulumi stack config file, e.g. stacks/Pulumi.migration.yaml")
    .addOption(todayOption())
    .action(async (file: string, options: { today?: string }) => {
      const c = colors(io);
      const result = await loadFleetFile(file, options.today);
      // baton:override is checked for its form here; what it overrides needs the deployed config (plan, preview, pulumi up).
      const overrideProblems = await readOverrideProblems(file);
      const problems = [...result.problems, ...overrideProblems];
      for (const problem of warningsOf(problems)) io.err(c.yellow(formatProblem(problem)));
      const errors = errorsOf(problems);
      for (const problem of errors) io.err(c.red(formatProblem(problem)));
      if (result.ok && errors.length === 0) {
        const fleet = result.fleet;
        io.out(`${c.green("valid")}: fleet ${fleet.name}, ${Object.keys(fleet.clusters).length} cluster(s), ${Object.keys(fleet.services).length} service(s)`);
      } else {
        io.err(`${c.red("invalid")}: ${errors.length} error(s) in ${file}`);
      }
      // A file that is not YAML is unreadable as a stack config: a usage problem, not an invalid fleet.
      const unreadable = result.problems.some((p) => p.rule === "yaml-syntax");
      setExit(result.ok && errors.length === 0 ? EXIT.ok : unreadable ? EXIT.usage : EXIT.failed);
    });
}
