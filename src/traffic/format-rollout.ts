/** How `baton rollout` talks: the schedule (--dry-run), progress lines, and the final report. */
import type { Paint } from "../spec/format-plan.js";
import { formatWeights } from "../spec/traffic.js";
import type { GateCheck } from "./gates.js";
import type { RolloutEvent, RolloutResult, RolloutTiming } from "./rollout.js";
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

export function formatSchedule(schedule: Schedule, timing: RolloutTiming, paint: Paint): string {
  const lines = [paint.bold(`rollout of ${schedule.service} (${schedule.routing}) to ${schedule.to}`), `  now: ${formatWeights(schedule.current)}`];
  if (schedule.steps.length === 0) return [...lines, "  nothing to do: the file is already at the last step"].join("\n");
  if (!schedule.steps[0]!.resumed) lines.push(`  before the first step: the gates must pass once (nothing moves otherwise)`);
  schedule.steps.forEach((step, i) => {
    const what = step.resumed ? "apply and bake the weights the file holds first (where a rerun resumes)" : `set ${formatWeights(step.weights)}`;
    lines.push(`  ${i + 1}. ${String(step.percent).padStart(3)}% → ${what}; pulumi up; verify on AWS; bake ${formatDuration(timing.bakeMs)}`);
  });
  lines.push(paint.bold("gates"), ...formatGates(schedule).map((l) => `  ${l}`));
  lines.push(paint.bold("on failure"),
    `  a gate in ALARM or too few healthy targets: write back ${formatWeights(schedule.fallback)} (or the last step that passed), pulumi up, exit 1`,
    `  INSUFFICIENT_DATA or an unreadable gate: pause the bake clock; after ${formatDuration(timing.maxPauseMs)} stop where it is, exit 1`,
    `  Ctrl-C: stop at the next safe point; the file holds the weights last written for pulumi up, and a rerun resumes`);
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
      return `  wrote ${formatWeights(event.weights)} to the stack file${event.why === "rollback" ? " (rollback)" : ""}`;
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

export function formatResult(result: RolloutResult, schedule: Schedule, file: string, paint: Paint): string {
  const lines: string[] = [];
  const f = result.failure;
  switch (result.outcome) {
    case "completed":
      lines.push(paint.green(`completed: ${schedule.service} is at ${formatWeights(result.weights)}`));
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
      lines.push(paint.yellow("interrupted"));
      break;
  }
  for (const c of f?.checks ?? []) if (c.state !== "pass") lines.push(`  ${checkLine(c, paint)}`);
  if (result.restored === false) {
    lines.push(paint.red(`  restoring the last good weights failed too: ${result.restoreError}`),
      paint.red(`  ${file} holds ${formatWeights(result.weights)}; AWS may not. Run pulumi up for this stack, then baton status ${file}.`));
  } else if (result.outcome !== "completed") {
    lines.push(`  ${file} holds ${formatWeights(result.weights)}${result.outcome === "halted" ? ", applied; fix the cause, then" : ";"} rerun the same command to resume from there`);
  }
  return lines.join("\n");
}
