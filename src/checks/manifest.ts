import { isMap, isSeq, type Node } from "yaml";
import { parseYamlStream, yamlToJs, YamlLimitError } from "../fleet/yaml.js";

/** One Kubernetes object read from a manifest, with where it came from. */
export interface ManifestObject {
  /** The file as the user named it (`-` for standard input). */
  readonly file: string;
  /** The 1-based document number within the file (`---` separated). */
  readonly document: number;
  /** The 1-based line the object starts on. */
  readonly line: number;
  /** The Helm template that rendered it, from a `# Source:` comment. */
  readonly source?: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  /** The object as plain data. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** A document that could not be read; the rest of its file is still checked. */
export interface InputError {
  readonly file: string;
  readonly document?: number;
  readonly line?: number;
  readonly message: string;
}

export interface ParsedManifests {
  readonly objects: ManifestObject[];
  readonly errors: InputError[];
}

const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/m;

type Plain = Record<string, unknown>;
const isPlainObject = (value: unknown): value is Plain => typeof value === "object" && value !== null && !Array.isArray(value);

/** Kubernetes objects carry a string apiVersion and kind; anything else (Helm values, package.json) is not one. */
function isKubernetesObject(value: unknown): value is Plain & { apiVersion: string; kind: string } {
  return isPlainObject(value) && typeof value["apiVersion"] === "string" && typeof value["kind"] === "string";
}

/**
 * Reads every Kubernetes object in one file's text: multi-document YAML (or JSON), `kind: List`
 * and typed lists expanded to their items, Helm `# Source:` comments kept, CRLF accepted.
 * A document that does not parse becomes an error and the next document is still read.
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  const objects: ManifestObject[] = [];
  const errors: InputError[] = [];
  let stream;
  try {
    // Linear in the text's size, duplicate keys and alias counts checked (see fleet/yaml.ts).
    stream = parseYamlStream(text);
  } catch (error) {
    if (error instanceof YamlLimitError) return { objects, errors: [{ file, message: error.message }] };
    throw error;
  }
  const { documents, lineCounter } = stream;
  const lineOf = (node: Node | null | undefined, fallback: number) => (node?.range ? lineCounter.linePos(node.range[0]).line : fallback);

  documents.forEach((doc, index) => {
    const document = index + 1;
    const docLine = lineCounter.linePos(doc.range[0]).line;
    const [error] = doc.errors;
    if (error) {
      errors.push({ file, document, line: error.linePos?.[0].line ?? docLine, message: (error.message.split("\n")[0] ?? error.message).replace(/:$/, "") });
      return;
    }
    const plain = yamlToJs(doc);
    if ("error" in plain) {
      errors.push({ file, document, line: docLine, message: plain.error });
      return;
    }
    const value = plain.value;
    if (!isKubernetesObject(value)) return;
    const contentsStart = doc.contents?.range?.[0] ?? doc.range[1];
    const head = text.slice(doc.range[0], contentsStart);
    const source = head.includes("#") ? HELM_SOURCE.exec(head)?.[1] : undefined;
    const where = { file, document, ...(source ? { source } : {}) };
    objects.push(toObject(value, where, lineOf(doc.contents, docLine)));

    const items = value["items"];
    if (value.kind.endsWith("List") && Array.isArray(items)) {
      const itemNodes = isMap(doc.contents) ? doc.contents.get("items", true) : undefined;
      items.forEach((item, i) => {
        if (!isKubernetesObject(item)) return;
        const node = isSeq(itemNodes) ? (itemNodes.items[i] as Node | undefined) : undefined;
        objects.push(toObject(item, where, lineOf(node, docLine)));
      });
    }
  });
  return { objects, errors };
}

function toObject(value: Plain & { apiVersion: string; kind: string }, where: { file: string; document: number; source?: string }, line: number): ManifestObject {
  const metadata = isPlainObject(value["metadata"]) ? value["metadata"] : {};
  const name = metadata["name"];
  const namespace = metadata["namespace"];
  return {
    ...where,
    line,
    apiVersion: value.apiVersion,
    kind: value.kind,
    ...(typeof name === "string" ? { name } : {}),
    ...(typeof namespace === "string" ? { namespace } : {}),
    body: value,
  };
}
