import { isMap, isSeq, visit, type Document, type Node } from "yaml";
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
  /** Set when the document parsed but is an unrendered Helm template, so it was not checked. */
  readonly reason?: "unrendered-template";
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
      // `{{- if ... }}` lines rarely parse: say what the file most likely is.
      const helm = HELM_ACTION.test(text.slice(doc.range[0], doc.range[2])) ? " (it holds {{ }} template actions: is it an unrendered Helm template? Check the output of helm template instead)" : "";
      errors.push({ file, document, line: error.linePos?.[0].line ?? docLine, message: `${(error.message.split("\n")[0] ?? error.message).replace(/:$/, "")}${helm}` });
      return;
    }
    // A template that happens to parse (`replicas: {{ .Values.replicas }}` is a map in a map) would be checked as nonsense.
    const template = unrenderedTemplate(doc, text);
    if (template) {
      errors.push({ file, document, line: lineCounter.linePos(template.at).line, reason: "unrendered-template", message: `${template.source} is an unrendered Helm template; baton check reads rendered manifests: check the output of helm template (or helm get manifest) instead` });
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

/** A Go template action, `{{ ... }}` or `{{- ... -}}`. */
const HELM_ACTION = /\{\{-?\s*[^}]*\}\}/;
/** In a quoted string, only what names Helm's own objects and functions: `{{ $labels.pod }}` in an alert's annotation is Prometheus's, and rendered data. */
const HELM_QUOTED = /\{\{-?\s*(\.(Values|Release|Chart|Capabilities|Files|Template)\b|(include|template|tpl|toYaml|required)\s)/;

/**
 * The first unrendered Helm template action in a parsed document: `{{ x }}` unquoted (YAML reads it
 * as a flow map whose key is a flow map), an unquoted value that contains one
 * (`image: repo:{{ .Values.tag }}`), or a quoted one naming Helm's objects (`"{{ .Values.image }}"`).
 */
function unrenderedTemplate(doc: Document.Parsed, text: string): { at: number; source: string } | undefined {
  let found: { at: number; source: string } | undefined;
  const show = (range: readonly number[]) => {
    const source = text.slice(range[0], range[1]).replace(/\s+/g, " ").trim();
    return source.length > 80 ? `${source.slice(0, 77)}...` : source;
  };
  visit(doc, {
    Map(_, map) {
      if (map.flow && map.range && map.items.some((pair) => isMap(pair.key) && pair.key.flow)) {
        found = { at: map.range[0], source: show(map.range) };
        return visit.BREAK;
      }
      return undefined;
    },
    Scalar(_, scalar) {
      if (typeof scalar.value !== "string" || !scalar.range) return undefined;
      const plain = scalar.type === "PLAIN";
      if ((plain && HELM_ACTION.test(scalar.value)) || (!plain && HELM_QUOTED.test(scalar.value))) {
        found = { at: scalar.range[0], source: show(scalar.range) };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
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
