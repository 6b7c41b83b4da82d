/**
 * The `baton` command: a thin layer over the library, one file per command. Each command module
 * exports `register(program, io, exit)`; heavy modules (Pulumi, the AWS SDK) are imported lazily
 * inside the command's action so `baton --help` and `baton check` start fast.
 */
import { Command, CommanderError } from "commander";
import { DEFAULT_MAX_INPUT_BYTES, formatBytes, parseByteSize } from "../fleet/input-file.js";
import { EXIT, processIo, setInputLimits, UsageError, type Io } from "./io.js";
import { registerValidate } from "./validate.js";
import { registerPlan } from "./plan.js";
import { registerShift } from "./shift.js";
import { registerStatus } from "./status.js";
import { registerRollout } from "./rollout.js";
import { registerCheck } from "./check.js";
import { registerPreview } from "./preview.js";
import { registerComment } from "./comment.js";
import { registerVersions } from "./versions.js";
import { registerAmis } from "./amis.js";
import { useCachedVersionTable } from "./version-cache.js";
import { registerUpgradePlan } from "./upgrade-plan.js";
import { registerRunPlan } from "./run-plan.js";

export type SetExit = (code: number) => void;

export function buildProgram(io: Io, setExit: SetExit): Command {
  const program = new Command("baton")
    .description("Blue/green EKS upgrades as declarative Pulumi stack changes: validate, plan, preview, shift traffic")
    .version(version(), "-V, --version")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .option("--max-input-size <size>", `the largest file any command reads, e.g. 64MiB (default ${formatBytes(DEFAULT_MAX_INPUT_BYTES)})`);
  // Every command reads its files within this bound; the flag raises it for one run.
  program.hook("preAction", () => {
    const given = program.opts<{ maxInputSize?: string }>().maxInputSize;
    const maxBytes = given === undefined ? DEFAULT_MAX_INPUT_BYTES : parseByteSize(given);
    if (maxBytes === undefined) throw new UsageError(`--max-input-size: "${given}" is not a size like 8MiB, 512KiB or 1GiB`);
    setInputLimits({ maxBytes });
  });
  registerValidate(program, io, setExit);
  registerPlan(program, io, setExit);
  registerShift(program, io, setExit);
  registerStatus(program, io, setExit);
  registerRollout(program, io, setExit);
  registerCheck(program, io, setExit);
  registerPreview(program, io, setExit);
  registerComment(program, io, setExit);
  registerVersions(program, io, setExit);
  registerAmis(program, io, setExit);
  registerUpgradePlan(program, io, setExit);
  registerRunPlan(program, io, setExit);
  // A refreshed EKS version table (`baton versions --refresh`), when there is one, is what every command judges by.
  program.hook("preAction", () => useCachedVersionTable(io.err));
  return program;
}

function version(): string {
  // package.json sits two levels above both src/cli and dist/src/cli's parent.
  for (const candidate of ["../../package.json", "../../../package.json"]) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return "unknown";
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => { code = Math.max(code, c); });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.err(`baton: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
  return code;
}
