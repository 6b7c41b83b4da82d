/**
 * The one YAML reader every layer uses (stack configs, manifests, weight edits), bounded in time
 * and memory:
 * - linear time: the `yaml` library's own duplicate-key check compares every key with every other
 *   one (a 100k-key map takes minutes), so it is turned off and duplicates are found here with a
 *   set per map, and still reported as errors;
 * - aliases limited: at most `maxAliases` alias nodes in a document, and the library's expansion
 *   guard on conversion, so an alias bomb is an error, not a hang or an out-of-memory;
 * - nesting too deep for the parser is an error, not a stack overflow.
 */
import { isAlias, isNode, isScalar, LineCounter, parseAllDocuments, parseDocument, visit, YAMLParseError, type Document, type Node } from "yaml";

export interface YamlLimits {
  /** Alias nodes (`*name`) allowed in one document. @default 100 */
  readonly maxAliases: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliases: 100 };

/** A parsed document and the line index its errors' positions come from. */
export interface ParsedYaml {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** YAML the parser itself cannot take (nesting deeper than its recursion allows). */
export class YamlLimitError extends Error {
  override name = "YamlLimitError";
}

const OPTIONS = { uniqueKeys: false, prettyErrors: true } as const;

const TOO_DEEP = "the YAML is nested too deeply to read (thousands of levels); this is not a stack config or a manifest";

function guarded<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RangeError) throw new YamlLimitError(TOO_DEEP);
    throw error;
  }
}

/**
 * The library catches its own stack overflow while composing a deeply nested document and reports
 * it as a RESOURCE_EXHAUSTION error ("Maximum call stack size exceeded"), the code it also uses for
 * alias limits: named here for what it is, nesting.
 */
function refuseDeepNesting(doc: Document.Parsed): void {
  const overflow = doc.errors.find((e) => e.message.startsWith("Maximum call stack size exceeded"));
  if (overflow) throw new YamlLimitError(`${TOO_DEEP} (at line ${overflow.linePos?.[0].line ?? "?"})`);
}

/**
 * YAML (1.2, section 5.4) and Pulumi's own reader take a lone CR as a line break, as classic Mac
 * OS wrote them; the `yaml` library does not, and would read such a file as one line. Each lone CR
 * becomes an LF for parsing: one character for one, so every node's offsets still point into the
 * file as written, and edits spliced there keep its line endings.
 */
export function withLineFeeds(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

/** The line ending a file uses, for lines an edit adds. */
export function lineEndingOf(text: string): "\r\n" | "\r" | "\n" {
  if (text.includes("\r\n")) return "\r\n";
  return /\r(?!\n)/.test(text) && !text.includes("\n") ? "\r" : "\n";
}

/** Parses one YAML document; its `errors` include duplicate keys and alias limits. */
export function parseYaml(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = guarded(() => parseDocument(withLineFeeds(text), { ...OPTIONS, lineCounter }));
  refuseDeepNesting(doc);
  guarded(() => checkDocument(doc, lineCounter, limits));
  return { doc, lineCounter };
}

/** Parses a `---`-separated stream; each document's `errors` include duplicate keys and alias limits. */
export function parseYamlStream(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): { documents: Document.Parsed[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const parsed = guarded(() => parseAllDocuments(withLineFeeds(text), { ...OPTIONS, lineCounter }));
  // An empty stream (only comments or whitespace) comes back as an EmptyStream, not an array.
  const documents = Array.isArray(parsed) ? parsed : [];
  for (const doc of documents) {
    refuseDeepNesting(doc);
    guarded(() => checkDocument(doc, lineCounter, limits));
  }
  return { documents, lineCounter };
}

/** Plain data from a document; an alias expansion past the limit becomes a message instead of a throw. */
export function yamlToJs(doc: Document.Parsed, limits: YamlLimits = DEFAULT_YAML_LIMITS): { value: unknown } | { error: string } {
  try {
    return { value: guarded(() => doc.toJS({ maxAliasCount: limits.maxAliases })) };
  } catch (error) {
    if (error instanceof YamlLimitError) return { error: error.message };
    if (error instanceof ReferenceError) {
      // The library's expansion guard, or an alias used before its anchor.
      return { error: /excessive alias count/i.test(error.message) ? "aliases expand to too much data (an alias bomb); write the values out instead of nesting aliases" : error.message };
    }
    throw error;
  }
}

/** An error at `range`, worded as the library words its own (`... at line L, column C`). */
function errorAt(lineCounter: LineCounter, range: readonly number[] | null | undefined, code: "DUPLICATE_KEY" | "RESOURCE_EXHAUSTION", what: string, after = ""): YAMLParseError {
  const at: [number, number] = [range?.[0] ?? 0, range?.[1] ?? 0];
  const start = lineCounter.linePos(at[0]);
  const error = new YAMLParseError(at, code, `${what} at line ${start.line}, column ${start.col}${after}`);
  error.linePos = [start];
  return error;
}

/** A scalar key's identity as the YAML library compares keys (value and type; `1` and `"1"` differ). */
const keyIdentity = (key: unknown) => (isScalar(key) ? `${typeof key.value}:${String(key.value)}` : undefined);

/** Adds duplicate-key and alias-count errors to `doc.errors`, in one pass over its nodes. */
function checkDocument(doc: Document.Parsed, lineCounter: LineCounter, limits: YamlLimits): void {
  let aliases = 0;
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const identity = keyIdentity(pair.key);
        if (identity === undefined || !isScalar(pair.key)) continue;
        const first = seen.get(identity);
        if (first === undefined) {
          seen.set(identity, pair.key);
          continue;
        }
        const firstLine = first.range ? ` (first at line ${lineCounter.linePos(first.range[0]).line})` : "";
        doc.errors.push(errorAt(lineCounter, pair.key.range, "DUPLICATE_KEY", `Map keys must be unique: ${JSON.stringify(String(pair.key.value))} repeated`, firstLine));
      }
    },
    Alias(_, alias) {
      aliases += 1;
      if (aliases === limits.maxAliases + 1) {
        doc.errors.push(errorAt(lineCounter, alias.range, "RESOURCE_EXHAUSTION", `More than ${limits.maxAliases} aliases in one document: the alias`));
      }
    },
  });
}

/** Whether `node` is an alias, or carries an anchor that aliases elsewhere may reuse. */
export function isSharedNode(node: unknown): boolean {
  return isAlias(node) || (isNode(node) && typeof node.anchor === "string" && node.anchor !== "");
}
