import type { Command } from "commander";
import { formatProblem } from "../fleet/problems.js";
import { formatEvent, formatResult, formatSchedule } from "../traffic/format-rollout.js";
import type { StackLocation } from "../traffic/pulumi-stack.js";
import { DEFAULT_TIMING, HALT_POLICIES, type HaltPolicy, type RolloutTiming } from "../traffic/rollout.js";
import type { Schedule } from "../traffic/schedule.js";
import { colors, EXIT, inputLimits, UsageError, type Io } from "./io.js";
import { readStackConfig } from "./load-fleet.js";
import type { SetExit } from "./main.js";
import { startProgress } from "./progress.js";
import { rolloutPanel } from "./rollout-progress.js";
import { todayOf, todayOption } from "./today.js";
import { realClock } from "../traffic/bake.js";

interface RolloutOptions {
  to: string;
  steps: string;
  bake: string;
  poll: string;
  maxPause: string;
  onHalt: string;
  pulumiTimeout: string;
  dryRun?: boolean;
  today?: string;
}

/** Arguments to timing and schedule; bad ones are usage errors, a spec refusal is a finding. */
async function prepare(file: string, service: string, options: RolloutOptions, io: Io) {
  // The schedule (zod) and the stack locator (yaml) load only when the command runs.
  const { buildSchedule, DURATION_BOUNDS, parseDuration, parseSteps, ScheduleError } = await import("../traffic/schedule.js");
  const { locateStack, StackLocationError } = await import("../traffic/pulumi-stack.js");
  const config = await readStackConfig(file);
  if (config.problems.length > 0) throw new UsageError(`${file} is not valid YAML: ${config.problems.map((p) => p.message).join("; ")}`);
  let timing: RolloutTiming;
  let pulumiTimeoutMs: number;
  let schedule: Schedule;
  let location: StackLocation;
  if (!(HALT_POLICIES as readonly string[]).includes(options.onHalt)) {
    throw new UsageError(`--on-halt: "${options.onHalt}" is not one of ${HALT_POLICIES.join(", ")}`);
  }
  try {
    timing = {
      ...DEFAULT_TIMING,
      bakeMs: parseDuration(options.bake, "--bake", DURATION_BOUNDS["--bake"]),
      pollMs: parseDuration(options.poll, "--poll", DURATION_BOUNDS["--poll"]),
      maxPauseMs: parseDuration(options.maxPause, "--max-pause", DURATION_BOUNDS["--max-pause"]),
    };
    pulumiTimeoutMs = parseDuration(options.pulumiTimeout, "--pulumi-timeout", DURATION_BOUNDS["--pulumi-timeout"]);
    schedule = buildSchedule(config.fleet, service, options.to, parseSteps(options.steps), colors(io), todayOf(options));
    location = locateStack(file);
  } catch (error) {
    if (error instanceof ScheduleError && error.refusal) return { refused: error.message };
    if (error instanceof ScheduleError || error instanceof StackLocationError) throw new UsageError(error.message);
    throw error;
  }
  return { config, timing, pulumiTimeoutMs, schedule, location, onHalt: options.onHalt as HaltPolicy };
}

export function registerRollout(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("rollout")
    .description("shift a service to a cluster step by step: write the weights, pulumi up, verify on AWS, bake under the health gates; halt and restore on a failed gate")
    .argument("<stack-config>", "the Pulumi stack config, Pulumi.<stack>.yaml in the project's stackConfigDir")
    .argument("<service>", "the service under baton:fleet.services")
    .requiredOption("--to <cluster>", "the cluster that receives the traffic")
    .option("--steps <percents>", "the receiving cluster's share at each step: whole percentages 1-100, rising, at most 20", "10,25,50,100")
    .option("--bake <duration>", "how long each step must pass its gates (e.g. 10m, 90s, 1h; at most 24h)", "10m")
    .option("--poll <duration>", "time between gate observations (1s to 1h)", "30s")
    .option("--max-pause <duration>", "how long missing data may pause a step before the rollout stops where it is (at most 24h)", "30m")
    .option("--on-halt <policy>", "where a halt or a signal takes traffic: last-passed (the last step whose gates passed, baked again; the origin if that fails) or origin (the weights before the rollout)", "last-passed")
    .option("--pulumi-timeout <duration>", "how long one pulumi command (preview, up, stack export) may run before baton stops its process group: SIGINT, then SIGTERM, then SIGKILL, 10 s apart (10s to 24h)", "30m")
    .option("--dry-run", "print the schedule and the gates, change nothing")
    .addOption(todayOption())
    .action(async (file: string, service: string, options: RolloutOptions) => {
      const c = colors(io);
      const prepared = await prepare(file, service, options, io);
      if ("refused" in prepared) {
        io.err(c.red(`refused: ${prepared.refused}`));
        setExit(EXIT.failed);
        return;
      }
      const { config, timing, pulumiTimeoutMs, schedule, location, onHalt } = prepared;
      io.out(formatSchedule(schedule, timing, c, onHalt));
      io.out(c.dim(`stack ${location.stackName} in ${location.workDir}`));
      if (options.dryRun || schedule.steps.length === 0) return;
      // The rollout writes the file at every step: one it could not write (hard-linked, read-only, a stray lock) is refused now, not mid-way.
      const { assertEditable, FileEditError } = await import("../traffic/files.js");
      try {
        assertEditable(file);
      } catch (error) {
        if (!(error instanceof FileEditError)) throw error;
        io.err(c.red(`refused: ${error.message}`));
        setExit(EXIT.failed);
        return;
      }

      const { validateFleet } = await import("../fleet/validate.js");
      // The file holds the weights last applied: its own standing problems are the current state's.
      const validation = validateFleet(config.fleet, { ...todayOf(options), deployed: config.fleet });
      if (!validation.ok || !validation.fleet) throw new UsageError(validation.problems.map(formatProblem).join("\n\n"));
      const [{ createAwsClients }, { awsLiveTraffic }, { runRollout }, { stackFileWeights }, { pulumiCliApplier }, { ChildProcesses, DEFAULT_CHILD_LIMITS }, { AwsCallError }] = await Promise.all([
        import("../traffic/aws/clients.js"), import("../traffic/aws/live-traffic.js"), import("../traffic/rollout.js"),
        import("../traffic/weights-file.js"), import("../traffic/pulumi-stack.js"), import("../traffic/child-processes.js"),
        import("../traffic/aws/errors.js"),
      ]);
      const live = awsLiveTraffic(createAwsClients(config.region), validation.fleet, service, schedule.to);
      // Before anything is written or applied: a rollout that cannot read AWS could not watch its
      // gates, so missing credentials, an expired session, no region or a denied read stop it here.
      try {
        await live.appliedWeights();
      } catch (error) {
        if (error instanceof AwsCallError && (error.problem.everyCall || error.problem.kind === "denied")) throw new UsageError(`${error.message}; nothing was changed`);
      }
      // Every pulumi command runs in its own process group, bounded by --pulumi-timeout, and is stopped through this.
      const pulumi = new ChildProcesses({ ...DEFAULT_CHILD_LIMITS, timeoutMs: pulumiTimeoutMs });
      // First signal: stop at the next safe point (a running preview or export is interrupted, an update finishes).
      // Second: cancel a running update too. Each later one: the next signal to pulumi's process group at once.
      const stop = new AbortController();
      const cancel = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        const requests = pulumi.stopRequests + 1;
        if (requests === 1) stop.abort();
        if (requests === 2) cancel.abort();
        const sent = pulumi.stop();
        if (requests === 1) {
          io.err(c.yellow(`${signal}: stopping at the next safe point (a running pulumi up finishes; a running preview or stack export is interrupted), then taking the traffic back (--on-halt ${onHalt}); send it again to cancel the running update`));
        } else if (requests === 2) {
          io.err(c.yellow(`${signal}: cancelling any running pulumi update (SIGINT to its process group); the file will hold what the stack has; send it again to force it (SIGTERM, then SIGKILL)`));
        } else {
          io.err(c.yellow(`${signal}: ${sent ? `sent ${sent} to pulumi's process group` : "no pulumi command is running"}; still stopping, the report follows`));
        }
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      // On a terminal, a panel on stderr under the event lines: step, weights, gates, bake countdown.
      const started = Date.now();
      const progress = await startProgress(io, Date.now);
      const panel = rolloutPanel(service, schedule.to, c, started);
      try {
        const result = await runRollout(schedule, timing, {
          store: stackFileWeights(file, service, inputLimits()),
          applier: pulumiCliApplier(location, validation.fleet, service, { processes: pulumi }),
          live,
          clock: realClock,
          signal: stop.signal,
          cancel: cancel.signal,
          onHalt,
          onEvent: (event) => {
            panel.onEvent(event, Date.now());
            progress.show((elapsed) => panel.render(started + elapsed));
            const line = formatEvent(event, c);
            if (line !== undefined) progress.print(() => io.out(line));
          },
        });
        progress.stop();
        const report = formatResult(result, schedule, file, c);
        if (result.outcome === "completed") io.out(report);
        else io.err(report);
        setExit(result.outcome === "completed" ? EXIT.ok : EXIT.failed);
      } finally {
        progress.stop();
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
      }
    });
}
