/**
 * `baton rollout`'s progress panel: where the rollout is (step, weights), what it is doing, each
 * gate's last state, and the bake counting down between observations. Built from the events the
 * rollout already emits; drawn by ./progress.ts on a terminal only.
 */
import type { Paint } from "../fleet/format-plan.js";
import { formatWeights } from "../fleet/traffic.js";
import type { GateVerdict } from "../traffic/gates.js";
import type { RolloutEvent } from "../traffic/rollout.js";
import { clockText } from "./progress.js";

export interface RolloutPanel {
  /** Takes each event, at `nowMs`. */
  readonly onEvent: (event: RolloutEvent, nowMs: number) => void;
  /** The panel at `nowMs`. */
  readonly render: (nowMs: number) => string;
}

export function rolloutPanel(service: string, to: string, paint: Paint, startMs: number): RolloutPanel {
  let step = "starting";
  let weights = "";
  let doing = "reading the stack file";
  let gates: { verdict: GateVerdict; bakedMs: number; bakeMs: number; atMs: number; before: boolean } | undefined;
  const onEvent = (event: RolloutEvent, nowMs: number) => {
    switch (event.type) {
      case "step":
        step = `step ${event.index + 1}/${event.count} (${event.step.percent}%)`;
        weights = formatWeights(event.step.weights);
        doing = "writing the stack file";
        gates = undefined;
        break;
      case "write":
        doing = event.why === "rollback" ? "rolling back: pulumi up" : "pulumi up";
        weights = formatWeights(event.weights);
        break;
      case "applied":
        doing = "verified on AWS; watching the gates";
        break;
      case "retry":
        doing = `${event.what}: retry ${event.attempt} in ${clockText(event.waitMs)}`;
        break;
      case "halting":
        doing = `halting (${event.reason})`;
        break;
      case "gates":
        gates = { verdict: event.verdict, bakedMs: event.bakedMs, bakeMs: event.bakeMs, atMs: nowMs, before: step === "starting" };
        doing = gates.before ? "checking the gates before any weight moves" : event.verdict.state === "no-data" ? "paused: gates have no data" : "baking";
        break;
      case "passed":
        doing = `step ${event.step.percent}% passed`;
        break;
      case "pulumi":
        break;
    }
  };
  const state = (s: string) => (s === "pass" ? paint.green("pass") : s === "fail" ? paint.red("FAIL") : paint.yellow("no data"));
  const render = (nowMs: number) => {
    const lines = [`rollout ${service} → ${to} · ${step}${weights ? ` · ${weights}` : ""} · ${clockText(nowMs - startMs)}`, `  ${doing}`];
    if (gates) {
      // Between observations a passing bake keeps counting down; a paused one does not.
      const baked = gates.verdict.state === "pass" ? gates.bakedMs + (nowMs - gates.atMs) : gates.bakedMs;
      if (!gates.before) lines[1] += ` · bake ${clockText(Math.max(0, gates.bakeMs - baked))} left of ${clockText(gates.bakeMs)}`;
      for (const check of gates.verdict.checks) lines.push(`  ${state(check.state)} ${check.gate}: ${check.detail}`);
    }
    return lines.join("\n");
  };
  return { onEvent, render };
}
