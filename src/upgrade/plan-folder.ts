/**
 * A stack's plan folder as `upgrade-plan --out` writes it for a fleet (`plan.json`, `original.yaml`,
 * the step files) and as `run-plan` reads it: every file read within bounds and checked against
 * the plan before anything runs; the run's state kept beside it (`run-state.json`, written
 * atomically), and the folder locked for the length of a run so two runs never interleave.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { lock } from "proper-lockfile";
import { z } from "zod";
import { DEFAULT_INPUT_LIMITS, InputFileError, readInputFile, type InputLimits } from "../fleet/input-file.js";
import { parseStackConfig } from "../fleet/stack-config.js";
import { writeFileAtomic } from "../traffic/write-atomic.js";
import { sha256, type RunnablePlan } from "./fleet-plan.js";
import { RunPlanError, type RunInput, type RunState, type RunStateStore } from "./run-plan.js";

export const PLAN_FILE = "plan.json";
export const ORIGINAL_FILE = "original.yaml";
export const STATE_FILE = "run-state.json";

const Runnable = z.object({
  format: z.literal("baton-run-plan/1"),
  stack: z.string().min(1),
  wave: z.number().int().min(0).optional(),
  stackFile: z.string().min(1),
  originalSha256: z.string().regex(/^[0-9a-f]{64}$/),
  method: z.enum(["in-place", "node-group", "blue-green", "ami-releases"]),
  to: z.string(),
  today: z.string(),
  bakeMinutes: z.number().min(0).max(24 * 60),
  steps: z.array(z.object({
    number: z.number().int().min(1),
    // A step file is a plain name inside the folder, never a path out of it.
    file: z.string().regex(/^\d+-[a-z0-9-]+\.yaml$/),
    sha256: z.string(),
    title: z.string(),
    irreversible: z.boolean(),
    placeholders: z.array(z.string()),
    receivers: z.record(z.string(), z.string()),
    rollbackNote: z.string(),
  })).max(200),
  plan: z.unknown(),
});

const State = z.object({
  format: z.literal("baton-run-state/1"),
  plan: z.string(),
  passed: z.number().int().min(0),
  applied: z.number().int().min(1).optional(),
  outcome: z.enum(["running", "completed", "halted", "refused", "paused", "interrupted"]),
  reason: z.string().optional(),
  updatedAt: z.string(),
});

export interface PlanFolder {
  readonly dir: string;
  readonly runnable: RunnablePlan;
  /** The stack file the plan edits, resolved. */
  readonly stackFile: string;
  readonly input: RunInput;
}

function read(file: string, limits: InputLimits): string {
  try {
    return readInputFile(file, limits);
  } catch (error) {
    if (error instanceof InputFileError) throw new RunPlanError(error.message);
    throw error;
  }
}

function fleetOf(text: string, file: string): unknown {
  const config = parseStackConfig(text, file);
  if (config.problems.length > 0 || config.fleet === undefined) throw new RunPlanError(`${file} is not a stack config with a baton:fleet`);
  return config.fleet;
}

/** Reads and checks a stack's plan folder: the plan's shape, the original's digest, every step file. */
export function readPlanFolder(dir: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): PlanFolder {
  const planFile = path.join(dir, PLAN_FILE);
  if (!existsSync(planFile)) throw new RunPlanError(`${dir} has no ${PLAN_FILE}: point at a stack's folder as \`baton upgrade-plan <stacks-dir> --out <out>\` writes it (<out>/<stack>)`);
  const planText = read(planFile, limits);
  let json: unknown;
  try {
    json = JSON.parse(planText);
  } catch (error) {
    throw new RunPlanError(`${planFile} is not JSON (${(error as Error).message})`);
  }
  const parsed = Runnable.safeParse(json);
  if (!parsed.success) throw new RunPlanError(`${planFile} is not a plan baton wrote: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ")}`);
  const runnable = parsed.data as RunnablePlan;
  const originalPath = path.join(dir, ORIGINAL_FILE);
  const originalText = read(originalPath, limits);
  if (sha256(originalText) !== runnable.originalSha256) throw new RunPlanError(`${originalPath} is not the file the plan started from (its digest differs from plan.json's); plan again`);
  const steps = runnable.steps.map((step) => {
    const stepPath = path.join(dir, step.file);
    const text = read(stepPath, limits);
    return {
      number: step.number, path: stepPath, text, fleet: fleetOf(text, stepPath), title: step.title, irreversible: step.irreversible,
      placeholders: step.placeholders, receivers: step.receivers, rollbackNote: step.rollbackNote,
    };
  });
  return {
    dir, runnable, stackFile: path.resolve(dir, runnable.stackFile),
    input: {
      stack: runnable.stack, planSha256: sha256(planText), today: runnable.today, steps,
      original: { path: originalPath, text: originalText, fleet: fleetOf(originalText, originalPath) },
    },
  };
}

/** The run's state beside the plan: read within bounds and checked, written atomically. */
export function fileRunState(dir: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): RunStateStore {
  const file = path.join(dir, STATE_FILE);
  return {
    read() {
      if (!existsSync(file)) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(read(file, limits));
      } catch (error) {
        if (error instanceof RunPlanError) throw error;
        throw new RunPlanError(`${file} is damaged (${(error as Error).message}); compare the stack with the plan's steps before removing it`);
      }
      const parsed = State.safeParse(json);
      if (!parsed.success) throw new RunPlanError(`${file} is not a run state baton wrote; compare the stack with the plan's steps before removing it`);
      return parsed.data as RunState;
    },
    write(state) {
      writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
    },
  };
}

/**
 * Holds the folder's lock (a `plan.json.lock` folder, refreshed while the run lives) for a run.
 * `lost` aborts if another process takes it over; a second run on the same plan is refused.
 */
export async function lockPlanFolder(dir: string): Promise<{ release: () => Promise<void>; lost: AbortSignal }> {
  const lost = new AbortController();
  try {
    const release = await lock(path.join(dir, PLAN_FILE), { stale: 30_000, update: 10_000, realpath: false, onCompromised: () => lost.abort() });
    return { release: () => release().catch(() => undefined), lost: lost.signal };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOCKED") throw new RunPlanError(`another run of this plan holds ${path.join(dir, `${PLAN_FILE}.lock`)}; wait for it to finish`);
    throw new RunPlanError(`cannot lock ${dir}: ${(error as Error).message}`);
  }
}
