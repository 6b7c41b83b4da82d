import type { Command } from "commander";
import { formatPlan } from "../fleet/format-plan.js";
import { FleetSpecError } from "../fleet/problems.js";
import { formatWeights } from "../fleet/traffic.js";
import type { ShiftProposal } from "../traffic/shift.js";
import { parseAssignment, sameWeights, type WeightAssignment } from "../traffic/weights.js";
import { colors, EXIT, inputLimits, readTextFile, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";
import { todayOf, todayOption } from "./today.js";

function parseAssignments(args: readonly string[]): WeightAssignment[] {
  return args.map((arg) => {
    const parsed = parseAssignment(arg);
    if (typeof parsed === "string") throw new UsageError(parsed);
    return parsed;
  });
}

async function propose(file: string, service: string, assignments: readonly WeightAssignment[], text: string, today: { today?: string }): Promise<ShiftProposal> {
  // The YAML document editor and the spec load only when the command runs.
  const { proposeShift, ShiftArgumentError } = await import("../traffic/shift.js");
  try {
    return proposeShift(text, file, service, assignments, today);
  } catch (error) {
    if (error instanceof ShiftArgumentError || error instanceof FleetSpecError) throw new UsageError(error.message);
    throw error;
  }
}

export function registerShift(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("shift")
    .description("set a service's traffic weights in a stack config in place (comments and layout kept), checked by the spec; exit 1 when refused")
    .argument("<stack-config>", "the Pulumi stack config to edit, e.g. stacks/Pulumi.migration.yaml")
    .argument("<service>", "the service under baton:fleet.services")
    .argument("<weights...>", "<cluster>=<weight> (e.g. green=50), or <cluster>=<percent>% to set a share and scale the other clusters")
    .option("--dry-run", "print the plan without writing the file")
    .addOption(todayOption())
    .action(async (file: string, service: string, args: string[], options: { dryRun?: boolean; today?: string }) => {
      const c = colors(io);
      const assignments = parseAssignments(args);
      const today = todayOf(options);
      let proposal: ShiftProposal | undefined;
      if (options.dryRun) {
        proposal = await propose(file, service, assignments, readTextFile(file), today);
      } else {
        // Read, plan and write under the file's lock, writing only if the file still holds what was planned on.
        const { editFile, FileEditError } = await import("../traffic/files.js");
        try {
          await editFile(file, async (text) => {
            proposal = await propose(file, service, assignments, text, today);
            return proposal.plan.allowed && !sameWeights(proposal.before, proposal.after) ? proposal.text : undefined;
          }, { limits: inputLimits() });
        } catch (error) {
          if (!(error instanceof FileEditError)) throw error;
          if (error.reason === "unreadable") throw new UsageError(error.message);
          if (error.reason === "io") {
            io.err(c.red(`baton: ${error.message}`));
            setExit(EXIT.io);
            return;
          }
          io.err(c.red(`refused: ${error.message}`));
          setExit(EXIT.failed);
          return;
        }
      }
      if (proposal === undefined) return;
      if (sameWeights(proposal.before, proposal.after)) {
        io.out(`no change: ${service} already has ${formatWeights(proposal.before)}`);
        return;
      }
      const rendered = formatPlan(proposal.plan, c);
      if (!proposal.plan.allowed) {
        io.err(rendered);
        io.err(c.red(`refused: ${file} left unchanged`));
        setExit(EXIT.failed);
        return;
      }
      io.out(rendered);
      io.out(`\n${options.dryRun ? "would set" : "set"} ${service}: ${formatWeights(proposal.before)} → ${formatWeights(proposal.after)} in ${file}`);
      io.out(`rollback: baton shift ${file} ${service} ${proposal.rollbackArgs.join(" ")}`);
      io.out(c.dim("apply with pulumi up (or let baton rollout apply and watch it)"));
    });
}
