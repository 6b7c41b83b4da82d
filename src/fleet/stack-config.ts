import { OVERRIDE_CONFIG_KEY } from "./overrides.js";
import { FLEET_CONFIG_KEY, type Problem } from "./problems.js";
import { checkWave, WAVE_CONFIG_KEY } from "./waves.js";
import { closest } from "./suggest.js";
import { DEFAULT_YAML_LIMITS, parseYaml, yamlToJs, YamlLimitError, type YamlLimits } from "./yaml.js";

export interface StackConfig {
  /** The raw value under `baton:fleet`, before validation (undefined when absent). */
  readonly fleet: unknown;
  /** The raw value under `baton:override` (break-glass; see overrides.ts), when set. */
  readonly overrides?: unknown;
  /** `aws:region`, when set. */
  readonly region?: string;
  /** `baton:wave`, when set and valid: the wave this stack is upgraded in (see waves.ts). */
  readonly wave?: number;
  /** Problems of `baton:wave` (path, value, rule, fix); the fleet is read either way. */
  readonly waveProblems: readonly Problem[];
  /** With no `baton:fleet`, a config key that looks like it misspelt (`baton:flet`). */
  readonly misspeltFleetKey?: string;
  /** YAML syntax problems; when non-empty, `fleet` is undefined. */
  readonly problems: readonly Problem[];
}

const yamlProblem = (fileName: string, message: string, fix = "Fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote)."): Problem =>
  ({ severity: "error", rule: "yaml-syntax", path: fileName, message, fix });

/**
 * Reads a Pulumi stack config file's text (`Pulumi.<stack>.yaml`): `config:` holds namespaced
 * keys, and baton's lives at `baton:fleet`. Parsing is linear in the file's size (see yaml.ts).
 */
export function parseStackConfig(text: string, fileName: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): StackConfig {
  let doc;
  try {
    doc = parseYaml(text, limits).doc;
  } catch (error) {
    if (error instanceof YamlLimitError) return { fleet: undefined, waveProblems: [], problems: [yamlProblem(fileName, error.message, "Check that this is the stack config you meant.")] };
    throw error;
  }
  if (doc.errors.length > 0) {
    return {
      fleet: undefined,
      waveProblems: [],
      problems: doc.errors.map((error) => yamlProblem(fileName, error.message.split("\n")[0] ?? error.message,
        error.code === "DUPLICATE_KEY" ? "Remove one of the two entries: YAML keeps only one, and which one differs between tools."
        : error.code === "RESOURCE_EXHAUSTION" ? "Write the values out instead of reusing them through aliases." : undefined)),
    };
  }
  const plain = yamlToJs(doc, limits);
  if ("error" in plain) return { fleet: undefined, waveProblems: [], problems: [yamlProblem(fileName, plain.error, "Write the values out instead of reusing them through aliases.")] };
  const root = plain.value;
  const config = root && typeof root === "object" ? (root as Record<string, unknown>)["config"] : undefined;
  if (!config || typeof config !== "object") {
    return { fleet: undefined, waveProblems: [], problems: [] };
  }
  const values = config as Record<string, unknown>;
  const region = values["aws:region"];
  const fleet = values[FLEET_CONFIG_KEY];
  const overrides = values[OVERRIDE_CONFIG_KEY];
  const misspelt = fleet === undefined ? Object.keys(values).find((key) => closest(key, [FLEET_CONFIG_KEY]) !== undefined) : undefined;
  const wave = checkWave(Object.hasOwn(values, WAVE_CONFIG_KEY) ? values[WAVE_CONFIG_KEY] : undefined);
  return {
    fleet, problems: [], waveProblems: wave.problems,
    ...(wave.wave !== undefined ? { wave: wave.wave } : {}),
    ...(overrides !== undefined ? { overrides } : {}), ...(typeof region === "string" ? { region } : {}),
    ...(misspelt !== undefined ? { misspeltFleetKey: misspelt } : {}),
  };
}

/** The problem of a stack config whose `baton:fleet` key is misspelt, with the fix; undefined otherwise. */
export function misspeltFleetKeyProblem(config: StackConfig): Problem | undefined {
  if (config.misspeltFleetKey === undefined) return undefined;
  return {
    severity: "error", rule: "unknown-key", path: `config.${config.misspeltFleetKey}`, value: config.misspeltFleetKey,
    message: `The stack config has no ${FLEET_CONFIG_KEY} key, but it has "${config.misspeltFleetKey}".`,
    fix: `Did you mean "${FLEET_CONFIG_KEY}"? Rename the key.`,
  };
}
