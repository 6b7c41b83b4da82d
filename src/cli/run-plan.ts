import type { Command } from "commander";
import type { RunEvent, RunResult } from "../upgrade/run-plan.js";
import { colors, EXIT, inputLimits, readTextFile, UsageError, type Io } from "./io.js";
import type { SetExit } from "./main.js";
import { todayOf, todayOption } from "./today.js";
import { realClock } from "../traffic/bake.js";

interface RunPlanOptions {
  bake?: string;
  poll: string;
  maxPause: string;
  pulumiTimeout: string;
  dryRun?: boolean;
  today?: string;
}

export function registerRunPlan(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("run-plan")
    .description("run one stack's upgrade plan (a folder upgrade-plan --out wrote for a fleet): each step preview-gated, pulumi up, baked under the health gates; halt and restore the last passed step on failure; resume where the last run stopped")
    .argument("<plan-dir>", "the stack's plan folder, <out>/<stack>, holding plan.json, original.yaml and the step files")
    .option("--bake <duration>", "how long each step must pass its gates (default: the plan's, 10m unless upgrade-plan --bake said otherwise)")
    .option("--poll <duration>", "time between gate observations (1s to 1h)", "30s")
    .option("--max-pause <duration>", "how long missing data may pause a step before the run stops where it is (at most 24h)", "30m")
    .option("--pulumi-timeout <duration>", "the longest one pulumi command (preview, up) may run before it is stopped (10s to 24h)", "30m")
    .option("--dry-run", "print the steps, the stack and where a run would start; change nothing")
    .addOption(todayOption())
    .action(async (dir: string, options: RunPlanOptions) => {
      const c = colors(io);
      const [{ readPlanFolder, fileRunState, lockPlanFolder }, { RunPlanError }, { parseDuration, DURATION_BOUNDS, ScheduleError }, { locateStack, StackLocationError }, { formatDuration }] = await Promise.all([
        import("../upgrade/plan-folder.js"), import("../upgrade/run-plan.js"), import("../traffic/schedule.js"), import("../traffic/pulumi-stack.js"), import("../traffic/format-rollout.js"),
      ]);
      let folder;
      let location;
      let timing: import("../upgrade/run-plan.js").RunTiming;
      let pulumiTimeoutMs: number;
      try {
        folder = readPlanFolder(dir, inputLimits());
        location = locateStack(folder.stackFile);
        timing = {
          bakeMs: options.bake === undefined ? folder.runnable.bakeMinutes * 60_000 : parseDuration(options.bake, "--bake", DURATION_BOUNDS["--bake"]),
          pollMs: parseDuration(options.poll, "--poll", DURATION_BOUNDS["--poll"]),
          maxPauseMs: parseDuration(options.maxPause, "--max-pause", DURATION_BOUNDS["--max-pause"]),
          readRetries: 5, retryBaseMs: 1000,
        };
        pulumiTimeoutMs = parseDuration(options.pulumiTimeout, "--pulumi-timeout", DURATION_BOUNDS["--pulumi-timeout"]);
      } catch (error) {
        if (error instanceof RunPlanError || error instanceof StackLocationError || error instanceof ScheduleError) throw new UsageError(error.message);
        throw error;
      }
      const { input, runnable } = folder;
      const state = fileRunState(dir, inputLimits());
      let kept;
      try {
        kept = state.read();
      } catch (error) {
        if (error instanceof RunPlanError) throw new UsageError(error.message);
        throw error;
      }
      io.out(c.bold(`plan of stack ${runnable.stack}: ${runnable.method} to ${runnable.to}, ${input.steps.length} step(s); stack ${location.stackName} in ${location.workDir}`));
      input.steps.forEach((step) => io.out(`  ${step.number}. ${step.title}${step.irreversible ? c.yellow(" (irreversible)") : ""}: preview, pulumi up, bake ${formatDuration(timing.bakeMs)}`));
      io.out(kept === undefined ? "  no earlier run: starts at step 1" : `  earlier run: ${kept.outcome}${kept.reason ? ` (${kept.reason})` : ""}; ${kept.passed} step(s) passed${kept.applied !== undefined ? `, step ${kept.applied} applied and baked again first` : ""}`);
      if (options.dryRun) return;

      const [{ runPlan }, { liveStackGates }, { pulumiCliStack }, { editFile, FileEditError }, { createAwsClients }, { awsLiveTraffic }, { readStackConfig }] = await Promise.all([
        import("../upgrade/run-plan.js"), import("../upgrade/live-gates.js"), import("../traffic/pulumi-stack.js"), import("../traffic/files.js"),
        import("../traffic/aws/clients.js"), import("../traffic/aws/live-traffic.js"), import("./load-fleet.js"),
      ]);
      const { ChildProcesses, DEFAULT_CHILD_LIMITS } = await import("../traffic/child-processes.js");
      let held;
      try {
        held = await lockPlanFolder(dir);
      } catch (error) {
        if (error instanceof RunPlanError) throw new UsageError(error.message);
        throw error;
      }
      // First signal: stop at the next safe point and restore as a halt would. Second: cancel a running update too.
      const stop = new AbortController();
      const cancel = new AbortController();
      held.lost.addEventListener("abort", () => { io.err(c.red("the plan's lock was taken over by another process: stopping at the next safe point")); stop.abort(); });
      // Every pulumi command runs in its own process group, bounded by --pulumi-timeout, and is stopped through this.
      const children = new ChildProcesses({ ...DEFAULT_CHILD_LIMITS, timeoutMs: pulumiTimeoutMs });
      const onSignal = (signal: NodeJS.Signals) => {
        const requests = children.stopRequests + 1;
        if (requests === 1) stop.abort();
        if (requests === 2) cancel.abort();
        const sent = children.stop();
        if (requests === 1) io.err(c.yellow(`${signal}: stopping at the next safe point (a running pulumi up finishes; a running preview is interrupted), then restoring the last passed step; send it again to cancel the running update`));
        else if (requests === 2) io.err(c.yellow(`${signal}: cancelling any running pulumi update (SIGINT to its process group); send it again to force it (SIGTERM, then SIGKILL)`));
        else io.err(c.yellow(`${signal}: ${sent ? `sent ${sent} to pulumi's process group` : "no pulumi command is running"}; still stopping, the report follows`));
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const region = (await readStackConfig(input.original.path)).region;
      const clients = createAwsClients(region);
      const stack = pulumiCliStack(location, { processes: children });
      try {
        const result = await runPlan(input, timing, {
          stackFile: {
            read: () => readTextFile(folder.stackFile),
            replace: async (expected, next) => {
              await editFile(folder.stackFile, (text) => {
                if (text !== expected) throw new FileEditError(`${folder.stackFile} changed since the run read it; nothing was written`, "changed");
                return next;
              }, { limits: inputLimits() });
            },
          },
          pulumi: { preview: () => stack.preview(), up: (onLine, cancelUp) => stack.up(onLine, cancelUp) },
          gates: liveStackGates((fleet, service, receiving) => awsLiveTraffic(clients, fleet, service, receiving), timing, realClock, stop.signal,
            (retry) => io.err(c.dim(`retrying ${retry.what} in ${formatDuration(retry.waitMs)}: ${retry.error}`)), todayOf(options).today ?? runnable.today),
          state,
          clock: realClock,
          signal: stop.signal,
          cancel: cancel.signal,
          onEvent: (event) => { const line = formatRunEvent(event, formatDuration); if (line !== undefined) io.out(line); },
        });
        const report = formatRunResult(result, runnable.stack, input.steps.length);
        if (result.outcome === "completed") io.out(c.green(report));
        else io.err(c.red(report));
        setExit(result.outcome === "completed" ? EXIT.ok : EXIT.failed);
      } catch (error) {
        if (error instanceof RunPlanError || error instanceof FileEditError) throw new UsageError(error.message);
        throw error;
      } finally {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
        await held.release();
      }
    });
}

/** One line per event a reader of a CI log needs; the gate lines say how far the bake is. */
export function formatRunEvent(event: RunEvent, duration: (ms: number) => string): string | undefined {
  switch (event.type) {
    case "start": return event.resumed ? `resuming at step ${event.from} of ${event.count}` : `starting: ${event.count} step(s)`;
    case "step": return `step ${event.step.number}: ${event.step.title}${event.resumed ? " (applied by an earlier run: baking it again)" : ""}`;
    case "previewed": return "  pulumi preview: allowed by the spec against the step before";
    case "pulumi": return `  | ${event.line}`;
    case "applied": return "  pulumi up: done";
    case "gates": return `  gates ${event.verdict.state}: ${event.verdict.checks.map((c) => `${c.gate} ${c.state} (${c.detail})`).join("; ") || "no gates"}; baked ${duration(event.bakedMs)} of ${duration(event.bakeMs)}`;
    case "passed": return `  step ${event.step.number} passed`;
    case "halting": return `  halting: back to ${event.to}`;
  }
}

export function formatRunResult(result: RunResult, stack: string, count: number): string {
  const lines = [`${stack}: ${result.outcome}, ${result.passed} of ${count} step(s) passed`];
  if (result.failure) {
    lines.push(`  at step ${result.failure.step}: ${result.failure.reason}`);
    for (const check of result.failure.checks) lines.push(`    ${check.gate}: ${check.state} (${check.detail})`);
  }
  for (const line of result.recovery ?? []) lines.push(`  ${line}`);
  if (result.restored === false) lines.push(`  NOT restored: ${result.restoreError}; the stack may not match its file: look before running again`);
  if (result.note) lines.push(`  ${result.note}`);
  if (result.outcome !== "completed") lines.push("  run the same command again to resume from here");
  return lines.join("\n");
}
