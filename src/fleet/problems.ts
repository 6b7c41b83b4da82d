/**
 * A problem found in a fleet spec or a transition between two specs: everything a user needs to
 * act without reading code — where (the config path), what (the value), which rule, and the fix.
 */
export interface Problem {
  readonly severity: "error" | "warning";
  /** Stable rule id, e.g. `nodegroup-version-skew`. Tests, the policy pack and CI filters key on it. */
  readonly rule: string;
  /** Config path as the user writes it, e.g. `baton:fleet.clusters.green.version`. */
  readonly path: string;
  /** The offending value (undefined when the problem is a missing value). */
  readonly value?: unknown;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly fix: string;
  /**
   * True when the deployed config already has this problem and the proposed change does not make
   * it worse: it is then a warning on the current state, not a reason to refuse the change.
   */
  readonly deployed?: boolean;
  /** True when a refusal was let through by `baton:override` (see overrides.ts): a warning that carries the override's reason. */
  readonly overridden?: boolean;
}

/** The stack config key the fleet lives under. */
export const FLEET_CONFIG_KEY = "baton:fleet";

/** Joins a path below the fleet key into the dotted form users see. */
export function configPath(segments: ReadonlyArray<string | number>): string {
  let out = FLEET_CONFIG_KEY;
  for (const segment of segments) {
    out += typeof segment === "number" ? `[${segment}]` : `.${segment}`;
  }
  return out;
}

export function errorsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === "error");
}

export function warningsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === "warning");
}

/** A run of text longer than this (no spaces or quotes: a name, an ARN) is cut in messages. AWS ARNs stay whole. */
const MAX_SHOWN = 256;
const SHOWN_PREFIX = 64;

/** Renders a value the way it would appear in YAML, for messages; a long string is cut, saying how long it is. */
export function showValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
  if (typeof value === "string") return value.length > MAX_SHOWN ? `${JSON.stringify(value.slice(0, SHOWN_PREFIX))}…(${value.length} characters)` : JSON.stringify(value);
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * Cuts every run of non-space text longer than 256 characters to its first 64 and its length, so a
 * huge name (an 8 MB key) is never printed whole, in a path, a value or a message.
 */
export function clipLongRuns(text: string): string {
  return text.replace(/[^\s"'`]{257,}/g, (run) => `${run.slice(0, SHOWN_PREFIX)}…(${run.length} characters)`);
}

/** One problem as a user reads it: two lines, path and value first, then the fix. */
export function formatProblem(problem: Problem): string {
  const value = problem.value === undefined ? "" : ` = ${showValue(problem.value)}`;
  return clipLongRuns(`${problem.severity} ${problem.path}${value}\n  ${problem.message} [${problem.rule}]\n  fix: ${problem.fix}`);
}

/**
 * Thrown where a caller cannot go on with an invalid spec (a component's constructor, the stack
 * program). Its message lists every problem, so `pulumi preview` shows them all at once.
 */
export class FleetSpecError extends Error {
  readonly problems: readonly Problem[];

  /** `footer`, when given, ends the message (e.g. how to override a refused change). */
  constructor(problems: readonly Problem[], context = "The fleet spec is invalid", footer?: string) {
    const errors = errorsOf(problems);
    super(`${context}: ${errors.length} problem${errors.length === 1 ? "" : "s"}\n\n${errors.map(formatProblem).join("\n\n")}${footer ? `\n\n${footer}` : ""}`);
    this.name = "FleetSpecError";
    this.problems = problems;
  }
}
