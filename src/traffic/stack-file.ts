/**
 * Reads and rewrites a service's weights in a stack config file without disturbing anything else:
 * the user's comments, key order, quoting and alignment survive byte for byte. Edits splice new
 * numbers into the source at the ranges the YAML library's document API reports for each node,
 * instead of re-serialising the document (which would normalise formatting).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type YAMLMap } from "yaml";
import { configPath, FLEET_CONFIG_KEY, FleetSpecError, type Problem } from "../fleet/problems.js";
import { isSharedNode, lineEndingOf, parseYaml, withLineFeeds, yamlToJs, YamlLimitError } from "../fleet/yaml.js";
import { closest } from "../fleet/suggest.js";
import type { Weights } from "../fleet/traffic.js";

export interface ServiceWeights {
  /** The raw `baton:fleet` value, for validation and planning. */
  readonly fleet: unknown;
  /** The weights as written in the file. */
  readonly weights: Record<string, number>;
  /** The service's `routing` as written ("alb" or "route53"). */
  readonly routing: "alb" | "route53";
}

function problem(rule: string, path: string, value: unknown, message: string, fix: string): Problem {
  return { severity: "error", rule, path, value, message, fix };
}

export function parseStackDocument(text: string, file: string): Document.Parsed {
  let doc: Document.Parsed;
  try {
    doc = parseYaml(text).doc;
  } catch (error) {
    if (error instanceof YamlLimitError) throw new FleetSpecError([problem("yaml-syntax", file, undefined, error.message, "Point at the stack config you meant.")], `${file} cannot be read`);
    throw error;
  }
  if (doc.errors.length > 0) {
    throw new FleetSpecError(doc.errors.map((e) => problem("yaml-syntax", file, undefined, e.message.split("\n")[0] ?? e.message,
      "Fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote).")), `${file} is not valid YAML`);
  }
  return doc;
}

/** The `weights` map node of `service`, or a FleetSpecError naming what is missing. */
function weightsNode(doc: Document.Parsed, file: string, service: string): YAMLMap {
  const services = doc.getIn(["config", FLEET_CONFIG_KEY, "services"], true);
  if (!isMap(services)) {
    throw new FleetSpecError([problem("shift-unknown-service", configPath(["services"]), undefined,
      `${file} has no ${FLEET_CONFIG_KEY}.services block.`, "Point at the stack config that defines the service.")], "Cannot edit weights");
  }
  const names = services.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key));
  const node = services.get(service, true);
  if (!isMap(node)) {
    const guess = closest(service, names);
    throw new FleetSpecError([problem("shift-unknown-service", configPath(["services", service]), service,
      `Service "${service}" is not defined in ${file} (services: ${names.join(", ") || "none"}).`,
      guess ? `Did you mean "${guess}"?` : "Name one of the services listed.")], "Cannot edit weights");
  }
  const weights = node.get("weights", true);
  refuseShared(services.items.find((p) => isScalar(p.key) && p.key.value === service)?.value, ["services", service]);
  refuseShared(weights, ["services", service, "weights"]);
  if (!isMap(weights)) {
    throw new FleetSpecError([problem("required", configPath(["services", service, "weights"]), undefined,
      `Service ${service} has no weights map.`, "Add weights: { <cluster>: <weight>, ... } to the service.")], "Cannot edit weights");
  }
  return weights;
}

/**
 * An anchored node (`&p 10`) may be reused elsewhere through an alias (`*p`), and an alias is
 * someone else's value: splicing a new number into either changes fields the edit never named.
 */
function refuseShared(node: unknown, path: readonly string[]): void {
  if (!isSharedNode(node)) return;
  throw new FleetSpecError([problem("shift-shared-node", configPath(path), undefined,
    `${configPath(path)} is a YAML anchor or alias, so other fields may share its value; editing it would change them too.`,
    "Write the value out in place (no &anchor or *alias) and run the command again.")], "Cannot edit weights");
}

/** Reads one service's weights and the raw fleet from a stack file's text. */
export function readServiceWeights(text: string, file: string, service: string): ServiceWeights {
  const doc = parseStackDocument(text, file);
  const node = weightsNode(doc, file, service);
  const weights: Record<string, number> = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (isAlias(pair.value)) refuseShared(pair.value, ["services", service, "weights", key]);
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value !== "number") {
      throw new FleetSpecError([problem("weights-range", configPath(["services", service, "weights", key]), value,
        "A weight must be a number.", "Write a whole number, e.g. 90.")], "Cannot edit weights");
    }
    weights[key] = value;
  }
  const plain = yamlToJs(doc);
  if ("error" in plain) throw new FleetSpecError([problem("yaml-syntax", file, undefined, plain.error, "Write the values out instead of reusing them through aliases.")], "Cannot edit weights");
  const root = plain.value as { config: Record<string, unknown> };
  const fleet = root.config[FLEET_CONFIG_KEY];
  const routing = doc.getIn(["config", FLEET_CONFIG_KEY, "services", service, "routing"]);
  return { fleet, weights, routing: routing === "route53" ? "route53" : "alb" };
}

export interface Splice {
  readonly at: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Returns `text` with the service's weights set to `weights`: existing entries have only their
 * number replaced; clusters not yet listed are appended in the map's own style (flow or block).
 * Clusters absent from `weights` keep their entries.
 */
export function writeServiceWeights(text: string, file: string, service: string, weights: Weights): string {
  const doc = parseStackDocument(text, file);
  const node = weightsNode(doc, file, service);
  const splices: Splice[] = [];
  const added: string[] = [];
  for (const [cluster, weight] of Object.entries(weights)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === cluster);
    if (pair && pair.value !== null && weight !== (isScalar(pair.value) ? pair.value.value : undefined)) {
      refuseShared(pair.value, ["services", service, "weights", cluster]);
    }
    if (pair && isScalar(pair.value) && pair.value.range) {
      const [start, end] = pair.value.range;
      if (text.slice(start, end) !== String(weight)) splices.push({ at: start, end, text: String(weight) });
    } else if (!pair) {
      added.push(`${cluster}: ${weight}`);
    }
  }
  if (added.length > 0) splices.push(insertion(text, node, added));
  let out = text;
  for (const s of [...splices].sort((a, b) => b.at - a.at)) out = out.slice(0, s.at) + s.text + out.slice(s.end);
  return out;
}

/**
 * Where a node's own text ends: a scalar's value, a flow collection's closing bracket, a block
 * collection's last entry (recursively). A block collection's range runs on over the comments
 * after it, which belong to what follows; a new entry goes before them.
 */
function contentEnd(node: unknown): number | undefined {
  if (isScalar(node)) return node.range?.[1];
  if (isMap(node) || isSeq(node)) {
    if (node.flow || node.items.length === 0) return node.range?.[1];
    const item = node.items.at(-1);
    return isPair(item) ? contentEnd(item.value) ?? contentEnd(item.key) : contentEnd(item);
  }
  return undefined;
}

/** Where and how to add new `key: value` entries to a map (a weights map, a node group): in its own style, flow or block. */
export function insertion(text: string, node: YAMLMap, entries: readonly string[]): Splice {
  const range = node.range!;
  if (node.flow) {
    const last = node.items.at(-1);
    if (!last) {
      const close = text.lastIndexOf("}", range[1]);
      return { at: close, end: close, text: ` ${entries.join(", ")} ` };
    }
    // After the last value, whether a scalar or a nested collection (`updateConfig: { … }`).
    const valueRange = (last.value as { range?: [number, number, number] } | null)?.range;
    const lastEnd = valueRange ? valueRange[1] : range[1] - 1;
    return { at: lastEnd, end: lastEnd, text: `, ${entries.join(", ")}` };
  }
  // Block map: new lines at the first key's indentation, after the last entry's line, with the file's line ending.
  const eol = lineEndingOf(text);
  // Line breaks found in the text as parsed (a lone CR read as LF, offsets unchanged).
  const lines = withLineFeeds(text);
  const first = node.items[0]!;
  const keyStart = isScalar(first.key) && first.key.range ? first.key.range[0] : range[0];
  const indent = " ".repeat(keyStart - (lines.lastIndexOf("\n", keyStart - 1) + 1));
  const last = node.items.at(-1)!;
  const lastEnd = contentEnd(last.value) ?? contentEnd(last.key) ?? range[1];
  const lineEnd = lines.indexOf("\n", lastEnd);
  const at = lineEnd === -1 ? text.length : lineEnd + 1;
  const prefix = lineEnd === -1 ? eol : "";
  return { at, end: at, text: `${prefix}${entries.map((e) => `${indent}${e}${eol}`).join("")}` };
}
