import { parseDocument } from "yaml";
import { FLEET_CONFIG_KEY, type Problem } from "./problems.js";

export interface StackConfig {
  /** The raw value under `baton:fleet`, before validation (undefined when absent). */
  readonly fleet: unknown;
  /** `aws:region`, when set. */
  readonly region?: string;
  /** YAML syntax problems; when non-empty, `fleet` is undefined. */
  readonly problems: readonly Problem[];
}

/**
 * Reads a Pulumi stack config file's text (`Pulumi.<stack>.yaml`): `config:` holds namespaced
 * keys, and baton's lives at `baton:fleet`.
 */
export function parseStackConfig(text: string, fileName: string): StackConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      fleet: undefined,
      problems: doc.errors.map((error) => ({
        severity: "error" as const, rule: "yaml-syntax", path: fileName,
        message: error.message.split("\n")[0] ?? error.message,
        fix: "Fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote).",
      })),
    };
  }
  const root: unknown = doc.toJS();
  const config = root && typeof root === "object" ? (root as Record<string, unknown>)["config"] : undefined;
  if (!config || typeof config !== "object") {
    return { fleet: undefined, problems: [] };
  }
  const values = config as Record<string, unknown>;
  const region = values["aws:region"];
  return { fleet: values[FLEET_CONFIG_KEY], problems: [], ...(typeof region === "string" ? { region } : {}) };
}
