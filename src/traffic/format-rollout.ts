/** How `baton rollout` talks: the schedule (--dry-run), progress lines, and the final report. */
import type { Paint } from "../fleet/format-plan.js";
import { formatWeights } from "../fleet/traffic.js";
import type { GateCheck } from "./gates.js";
import type { HaltPolicy, RolloutEvent, RolloutResult, RolloutTiming } from "./rollout.js";
import type { Schedule } from "./schedule.js";

/** 630000 → "10m30s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", s || total === 0 ? `${s}s` : ""];
  return parts.join("");
}

export function formatGates(schedule: Schedule): string[] {
  const g = schedule.gates;
  return [
    `alarms that must be OK: ${g.alarms.length > 0 ? g.alarms.join(", ") : "none"}`,
    `healthy targets on ${schedule.to}: at least ${g.minHealthyTargets}`,
    `5xx ratio on ${schedule.to}: ${g.max5xxRatio === undefined ? "not gated" : `at most ${(g.max5xxRatio * 100).toFixed(2)}% (target 5xx / requests, last 5 minutes)`}`,
  ];
}

export function formatSchedule(schedule: Schedule, timing: RolloutTiming, paint: Paint, onHalt: HaltPolicy = "last-passed"): string {
  const lines = [paint.bold(`rollout of ${schedule.service} (${schedule.routing}) to ${schedule.to}`), `  now: ${formatWeights(schedule.current)}`];
  if (schedule.steps.length === 0) return [...lines, "  nothing to do: the file is already at the last step"].join("\n");
  if (!schedule.steps[0]!.resumed) lines.push(`  before the first step: the gates must pass once (nothing moves otherwise)`);
  lines.push(`  each step: pulumi preview first (refused if anything but ${schedule.service}'s weights would change); pulumi up --target ${schedule.service}'s weight resources only`);
  schedule.steps.forEach((step, i) => {
    const what = step.resumed ? "apply and bake the weights the file holds first (where a rerun resumes)" : `set ${formatWeights(step.weights)}`;
    lines.push(`  ${i + 1}. ${String(step.percent).padStart(3)}% → ${what}; pulumi up; verify on AWS; bake ${formatDuration(timing.bakeMs)}`);
  });
  lines.push(paint.bold("gates"), ...formatGates(schedule).map((l) => `  ${l}`));
  const back = onHalt === "origin"
    ? `write back ${formatWeights(schedule.fallback)} (the origin), pulumi up, verify`
    : `write back the last step that passed (${formatWeights(schedule.fallback)} before any), pulumi up, verify, bake it again; if that fails, back to ${formatWeights(schedule.fallback)}`;
  lines.push(paint.bold(`on failure (--on-halt ${onHalt})`),
    `  a gate in ALARM, too few healthy targets, or a failed pulumi up: ${back}; exit 1`,
    `  a failed pulumi up: the file first gets the weights the stack's state holds`,
    `  the stack holds other changes: stop before writing anything; exit 1`,
    `  INSUFFICIENT_DATA or an unreadable gate (after retries with back-off): pause the bake clock; after ${formatDuration(timing.maxPauseMs)} stop where it is, exit 1`,
    `  Ctrl-C or SIGTERM: stop at the next safe point (a running pulumi up finishes), take the traffic back as above without the re-bake, report, exit 1; a second signal cancels the running update`);
  return lines.join("\n");
}

const checkLine = (c: GateCheck, paint: Paint) => {
  const mark = c.state === "pass" ? paint.green("ok") : c.state === "fail" ? paint.red("FAIL") : paint.yellow("no data");
  return `${mark} ${c.gate}: ${c.detail}`;
};

/** One progress line per event (undefined for events not worth a line). */
export function formatEvent(event: RolloutEvent, paint: Paint): string | undefined {
  switch (event.type) {
    case "step":
      return paint.bold(`step ${event.index + 1}/${event.count}: ${event.step.percent}% → ${formatWeights(event.step.weights)}`);
    case "write":
      return `  wrote ${formatWeights(event.weights)} to the stack file${event.why === "rollback" ? " (rollback)" : event.why === "stack" ? " (what the stack holds after the failed update)" : ""}`;
    case "retry":
      return paint.yellow(`  ${event.what} failed (${event.error}); retry ${event.attempt} in ${formatDuration(event.waitMs)}`);
    case "halting":
      return paint.yellow(`  halting: ${event.reason}, ${formatWeights(event.to)}`);
    case "pulumi":
      return event.line.trim() === "" ? undefined : paint.dim(`  | ${event.line}`);
    case "applied":
      return `  verified on AWS: ${formatWeights(event.weights)}`;
    case "gates": {
      const { verdict } = event;
      const clock = verdict.state === "no-data"
        ? paint.yellow(`paused ${formatDuration(event.pausedMs)} (bake clock stopped)`)
        : `baked ${formatDuration(event.bakedMs)} of ${formatDuration(event.bakeMs)}, ${formatDuration(event.bakeMs - event.bakedMs)} left`;
      return `  gates ${verdict.state === "pass" ? paint.green("pass") : verdict.state === "fail" ? paint.red("FAIL") : paint.yellow("no data")} · ${clock} · ${verdict.checks.map((c) => checkLine(c, paint)).join(" · ")}`;
    }
    case "passed":
      return paint.green(`  step ${event.step.percent}% passed`);
  }
}

/** The file's weights come from the file; when they are not what baton wrote, the report says so. */
const noted = (result: RolloutResult) => (result.fileNote === undefined ? "" : ` (${result.fileNote})`);

export function formatResult(result: RolloutResult, schedule: Schedule, file: string, paint: Paint): string {
  const lines: string[] = [];
  const f = result.failure;
  switch (result.outcome) {
    case "completed":
      lines.push(paint.green(`completed: ${schedule.service} is at ${formatWeights(result.weights)}`));
      if (result.fileNote !== undefined) lines.push(paint.yellow(`  ${file} holds ${formatWeights(result.weights)}, ${result.fileNote}`));
      break;
    case "halted":
      lines.push(paint.red(`halted at step ${f?.percent ?? "?"}% at ${f?.at.toISOString()}: ${f?.reason}`));
      break;
    case "paused":
      lines.push(paint.yellow(`paused${f?.percent === undefined ? "" : ` at step ${f.percent}%`} at ${f?.at.toISOString()}: ${f?.reason}; neither advanced nor rolled back`));
      break;
    case "refused":
      lines.push(paint.red(`refused at ${f?.at.toISOString()}: ${f?.reason}; nothing was changed`));
      break;
    case "interrupted":
      lines.push(paint.yellow(`interrupted${f?.percent === undefined ? "" : ` at step ${f.percent}%`}${f ? ` at ${f.at.toISOString()}` : ""}: stopped by a signal at a safe point`));
      break;
  }
  for (const step of result.recovery ?? []) lines.push(`  ${step}`);
  for (const c of f?.checks ?? []) if (c.state !== "pass") lines.push(`  ${checkLine(c, paint)}`);
  if (result.restored === false) {
    lines.push(paint.red(`  restoring the last good weights failed too: ${result.restoreError}`),
      paint.red(`  ${file} holds ${formatWeights(result.weights)}${noted(result)}; AWS may not. Run pulumi up for this stack, then baton status ${file}.`));
  } else if (result.outcome !== "completed") {
    const applied = result.outcome === "halted" || result.outcome === "interrupted";
    lines.push(result.fileNote !== undefined
      ? `  ${file} holds ${formatWeights(result.weights)}${noted(result)}; look at it and at baton status ${file} before a rerun`
      : `  ${file} holds ${formatWeights(result.weights)}${applied ? ", applied; fix the cause, then" : ";"} rerun the same command to resume from there`);
  }
  return lines.join("\n");
}
