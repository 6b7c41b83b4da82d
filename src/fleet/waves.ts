/**
 * Waves: the order in which a fleet of stacks is upgraded. A stack file says its wave under
 * `baton:wave` (next to `baton:fleet`), so the order is reviewed in the same pull request as the
 * change. Lower waves go first; a stack without a wave goes last. Pure: no file or Pulumi access.
 */
import type { Problem } from "./problems.js";

/** The stack config key a stack's wave lives under. */
export const WAVE_CONFIG_KEY = "baton:wave";

/** The highest wave: more waves than this is a typo, not a plan (each wave is a CI job and a soak). */
export const MAX_WAVE = 999;

export type WaveCheck = { readonly wave?: number; readonly problems: readonly Problem[] };

/**
 * Reads a `baton:wave` value: a whole number from 0 to MAX_WAVE, written as a number (`2`) or as
 * the string Pulumi's own `pulumi config set baton:wave 2` writes (`"2"`). Absent: no wave.
 */
export function checkWave(value: unknown): WaveCheck {
  if (value === undefined || value === null) return { problems: [] };
  const text = typeof value === "string" ? value.trim() : undefined;
  const wave = typeof value === "number" ? value : text !== undefined && /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(wave) && wave >= 0 && wave <= MAX_WAVE) return { wave, problems: [] };
  return {
    problems: [{
      severity: "error", rule: "invalid-wave", path: WAVE_CONFIG_KEY, value,
      message: `A stack's wave is a whole number from 0 to ${MAX_WAVE} (lower waves are upgraded first; a stack without one goes last), got ${typeof value === "object" ? "a " + (Array.isArray(value) ? "list" : "map") : JSON.stringify(value)}.`,
      fix: `Write ${WAVE_CONFIG_KEY}: 0 for the first wave, 1 for the next, and so on; or remove the key to upgrade this stack after every numbered wave.`,
    }],
  };
}

/** Compares two stacks for the order they are upgraded in: by wave (none last), then by name. */
export function byWave(a: { readonly name: string; readonly wave?: number }, b: { readonly name: string; readonly wave?: number }): number {
  const wa = a.wave ?? Number.POSITIVE_INFINITY;
  const wb = b.wave ?? Number.POSITIVE_INFINITY;
  if (wa !== wb) return wa < wb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface Wave<T> {
  /** The wave number; undefined for the stacks that set none (they go last). */
  readonly wave?: number;
  readonly stacks: readonly T[];
}

/** The stacks grouped into waves, in the order they run; each wave's stacks by name. */
export function groupByWave<T extends { readonly name: string; readonly wave?: number }>(stacks: readonly T[]): Wave<T>[] {
  const waves: Wave<T>[] = [];
  for (const stack of [...stacks].sort(byWave)) {
    const last = waves.at(-1);
    if (last && last.wave === stack.wave) (last.stacks as T[]).push(stack);
    else waves.push({ ...(stack.wave === undefined ? {} : { wave: stack.wave }), stacks: [stack] });
  }
  return waves;
}

/** "wave 2", or "last (no wave)" for the stacks without one. */
export const waveLabel = (wave: number | undefined): string => (wave === undefined ? "last (no baton:wave)" : `wave ${wave}`);
