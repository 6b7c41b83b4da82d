/**
 * Progress of long work on standard error, redrawn in place, and only on a terminal: a panel a
 * command describes as a function of the time, redrawn every second (elapsed times, countdowns).
 * Off a terminal, or with `CI` set, there is no panel at all, so logs, pipes and `--format json`
 * see exactly what they saw before.
 */
import type { Io } from "./io.js";
import { liveText } from "./live.js";

export interface Progress {
  /** The panel as a function of milliseconds since `startProgress`; drawn now and every second. */
  show(panel: (elapsedMs: number) => string): void;
  /** Runs `write` (a line that stays, on stdout or stderr) with the panel lifted out of its way. */
  print(write: () => void): void;
  /** Erases the panel and stops redrawing. */
  stop(): void;
}

const REDRAW_MS = 1000;

const silent: Progress = { show: () => {}, print: (write) => write(), stop: () => {} };

export async function startProgress(io: Io, now: () => number = Date.now): Promise<Progress> {
  const terminal = io.stderrTerminal;
  if (!terminal) return silent;
  const live = await liveText(terminal);
  const started = now();
  let panel: ((elapsedMs: number) => string) | undefined;
  let stopped = false;
  const redraw = () => { if (panel && !stopped) live.update(panel(now() - started)); };
  const timer = setInterval(redraw, REDRAW_MS);
  // The redraw never keeps the process alive on its own.
  timer.unref();
  return {
    show: (next) => { panel = next; redraw(); },
    print: (write) => {
      if (stopped || !panel) return write();
      live.clear();
      write();
      redraw();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      live.clear();
      live.done();
    },
  };
}

/** `75s` → `1m 15s`: an elapsed time or countdown on the panel. */
export function clockText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}
