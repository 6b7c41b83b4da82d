import { Option, type Command } from "commander";
import { errorsOf, formatProblem } from "../fleet/problems.js";
import { colors, EXIT, inputLimits, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";
import type { FleetSpec } from "../fleet/types.js";

interface CheckFlags {
  readonly target?: string;
  readonly fleet?: string;
  readonly format: "text" | "json" | "sarif";
}

export function registerCheck(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("check")
    .description("check Kubernetes manifests for APIs removed at the target version and for drain safety (PDBs, replicas, probes, zone spread); exit 0 clean, 1 errors, 2 unreadable")
    .argument("<paths...>", "manifest files or folders (searched for .yaml, .yml, .json), or - for standard input")
    .addOption(new Option("-t, --target <version>", "the Kubernetes minor version to check against, e.g. 1.32").conflicts("fleet"))
    .addOption(new Option("--fleet <stack-config>", "take the target from a stack config: the newest version of any cluster that has or gets traffic"))
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "sarif"]).default("text"))
    .action(async (paths: string[], flags: CheckFlags) => {
      // Loaded here so `baton --help` does not parse the checks layer.
      const { checkTexts, InvalidTargetError } = await import("../checks/check.js");
      const { boundServices } = await import("../checks/rules/service-target-port.js");
      const { manifestFiles, readInput, UnreadableInputError } = await import("../checks/inputs.js");
      const fleet = flags.fleet !== undefined ? await fleetFor(flags.fleet, io) : undefined;
      const target = flags.target ?? (fleet !== undefined ? await targetFromFleet(flags.fleet!, fleet) : undefined);
      if (target === undefined) throw new UsageError("check needs the target Kubernetes version: pass --target 1.NN, or --fleet <stack-config> to take it from the fleet");

      let report;
      try {
        const inputs = [];
        // A file that cannot be read is named in the report; the others are still checked.
        const { files, errors: unreadable } = manifestFiles(paths.filter((p) => p !== "-"));
        for (const file of files) {
          const input = readInput(file, inputLimits());
          if ("text" in input) inputs.push(input);
          else unreadable.push(input);
        }
        if (paths.includes("-")) inputs.push({ file: "-", text: io.stdin() });
        report = checkTexts(inputs, target, fleet !== undefined ? boundServices(fleet) : [], unreadable);
      } catch (error) {
        if (error instanceof UnreadableInputError || error instanceof InvalidTargetError) throw new UsageError(error.message);
        throw error;
      }
      if (report.objects === 0 && report.errors.length === 0) {
        throw new UsageError(`no Kubernetes objects found in ${paths.join(" ")} (files of .yaml, .yml or .json with apiVersion and kind)`);
      }

      if (flags.format === "json") {
        io.out((await import("../checks/format/json.js")).formatJson(report));
      } else if (flags.format === "sarif") {
        io.out((await import("../checks/format/sarif.js")).formatSarif(report, program.version() ?? "unknown"));
      } else {
        io.out((await import("../checks/format/text.js")).formatText(report, colors(io)));
      }
      // A document that did not parse was not checked: that is unreadable input, as for `baton validate`.
      const failed = report.findings.some((f) => f.severity === "error");
      setExit(report.errors.length > 0 ? EXIT.usage : failed ? EXIT.failed : EXIT.ok);
    });
}

async function fleetFor(file: string, io: Io): Promise<FleetSpec> {
  const { loadFleetFile } = await import("./load-fleet.js");
  const result = await loadFleetFile(file);
  // Only the fleet's shape matters for its target version: a rule it breaks (a version past
  // support, say) is `baton validate`'s business, not a reason to refuse to check manifests.
  if (result.fleet === undefined) {
    for (const problem of errorsOf(result.problems)) io.err(colors(io).red(formatProblem(problem)));
    throw new UsageError(`--fleet ${file}: the fleet is invalid (${errorsOf(result.problems).length} error(s) above), so it gives no target version; fix it or pass --target`);
  }
  return result.fleet;
}

async function targetFromFleet(file: string, fleet: FleetSpec): Promise<string> {
  const { newestServingVersion } = await import("../fleet/traffic.js");
  const target = newestServingVersion(fleet);
  if (target === undefined) throw new UsageError(`--fleet ${file}: the fleet has no clusters, so it gives no target version; pass --target`);
  return target;
}
