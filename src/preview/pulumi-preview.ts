/**
 * Reads a real `pulumi preview --json` into baton's change model. A replacement shows in Pulumi's
 * output as several steps for one URN (create-replacement, replace, delete-replaced): it becomes one
 * replace, with the provider's replaceReasons as the forcing paths.
 */
import type { ChangeOp, ResourceChange } from "./model.js";

/** The preview JSON is not what `pulumi preview --json` writes. */
export class PreviewJsonError extends Error {
  override name = "PreviewJsonError";
}

interface StepState {
  readonly type?: string;
  readonly custom?: boolean;
  readonly inputs?: Record<string, unknown>;
  readonly parent?: string;
}

interface Step {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: StepState;
  readonly newState?: StepState;
  readonly diffReasons?: readonly string[];
  readonly replaceReasons?: readonly string[];
  readonly detailedDiff?: Record<string, { kind?: string }>;
}

export interface ParsedPreview {
  readonly changes: ResourceChange[];
  /** The stack's `baton:fleet` config, when the preview carries it (Pulumi writes config values as strings). */
  readonly fleet?: unknown;
  /** The stack's `baton:wave` config as written, when the preview carries it (checked by the spec's `checkWave`). */
  readonly wave?: unknown;
  /** The stack's `baton:override` config (break-glass), when the preview carries it. */
  readonly overrides?: unknown;
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "import-replacement", "read-replacement"]);
/** Steps that change nothing in the cloud. */
const NO_CHANGE_OPS = new Set(["same", "read", "refresh", "discard", "remove-pending-replace"]);

/** Type and name from a URN: `urn:pulumi:STACK::PROJECT::PARENT$TYPE::NAME`. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return { type: qualified.split("$").pop() ?? qualified, name: parts.slice(3).join("::") };
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new PreviewJsonError(`${where} must be an object; this does not look like \`pulumi preview --json\` output.`);
  }
  return value as Record<string, unknown>;
}

function readSteps(root: Record<string, unknown>): Step[] {
  const steps = root["steps"];
  if (!Array.isArray(steps)) {
    throw new PreviewJsonError("the JSON has no \"steps\" array; produce it with `pulumi preview --json > preview.json`.");
  }
  return steps.map((raw, i) => {
    const step = asObject(raw, `steps[${i}]`);
    if (typeof step["op"] !== "string" || typeof step["urn"] !== "string") {
      throw new PreviewJsonError(`steps[${i}] has no "op" and "urn" strings; every step of \`pulumi preview --json\` has both.`);
    }
    return step as unknown as Step;
  });
}

const paths = (step: Step) => (step.detailedDiff ? Object.keys(step.detailedDiff) : [...(step.diffReasons ?? [])]);

function replacePathsOf(step: Step): string[] {
  const fromDetail = Object.entries(step.detailedDiff ?? {}).filter(([, d]) => d.kind?.endsWith("-replace")).map(([p]) => p);
  return [...new Set([...(step.replaceReasons ?? []), ...fromDetail])];
}

function opOf(steps: readonly Step[]): ChangeOp {
  if (steps.some((s) => REPLACE_OPS.has(s.op))) return "replace";
  const op = steps[0]!.op;
  if (op === "create" || op === "import") return "create";
  if (op === "delete") return "delete";
  if (op === "update") return "update";
  if (NO_CHANGE_OPS.has(op)) return "same";
  // An op this version of baton does not know: flag it rather than call it harmless.
  return "may-replace";
}

export function parsePulumiPreview(json: unknown): ParsedPreview {
  const root = asObject(json, "the preview");
  const byUrn = new Map<string, Step[]>();
  for (const step of readSteps(root)) byUrn.set(step.urn, [...(byUrn.get(step.urn) ?? []), step]);
  const changes: ResourceChange[] = [];
  for (const [urn, steps] of byUrn) {
    const { type, name } = parseUrn(urn);
    const op = opOf(steps);
    const before = steps.find((s) => s.oldState?.inputs)?.oldState?.inputs;
    const after = steps.find((s) => s.newState?.inputs)?.newState?.inputs;
    const changed = [...new Set(steps.flatMap(paths))];
    const forcing = [...new Set(steps.flatMap(replacePathsOf))];
    const stateType = steps.find((s) => s.newState?.type ?? s.oldState?.type);
    const change: ResourceChange = {
      urn, type: stateType?.newState?.type ?? stateType?.oldState?.type ?? type, name, op, paths: changed,
      ...(steps.some((s) => (s.newState ?? s.oldState)?.custom === false) ? { custom: false } : {}),
      ...(before ? { before } : {}), ...(after ? { after } : {}),
      ...(op === "replace" ? { replacePaths: forcing, reason: forcing.length > 0 ? `the provider replaces it: ${forcing.join(", ")} cannot change in place` : "the provider replaces it" } : {}),
      ...(op === "delete" ? { reason: "no longer in the program" } : {}),
      ...(op === "may-replace" ? { reason: `Pulumi step "${steps[0]!.op}" is not one baton knows` } : {}),
    };
    changes.push(change);
  }
  const config = root["config"];
  const configValue = (key: string) => (config && typeof config === "object" ? (config as Record<string, unknown>)[key] : undefined);
  const rawFleet = configValue("baton:fleet");
  const rawOverrides = configValue("baton:override");
  const rawWave = configValue("baton:wave");
  return {
    changes, ...(rawFleet !== undefined ? { fleet: parseConfigValue(rawFleet) } : {}),
    ...(rawOverrides !== undefined ? { overrides: parseConfigValue(rawOverrides) } : {}),
    ...(rawWave !== undefined ? { wave: rawWave } : {}),
  };
}

/** Pulumi writes structured config values as JSON strings. */
function parseConfigValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
