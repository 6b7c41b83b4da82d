/**
 * Mermaid's own parser, run in Node. Flowcharts parse without a DOM; the Gantt parser sanitises
 * with DOMPurify, which needs a window, so a minimal jsdom window is installed first.
 */
import { JSDOM } from "jsdom";

/** The part of Mermaid's API these tests use. */
interface MermaidApi {
  parse(text: string): Promise<unknown>;
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ type: string; db: unknown }> };
}

let loaded: Promise<MermaidApi> | undefined;

function load() {
  if (!loaded) {
    const dom = new JSDOM("<!doctype html><html><body></body></html>");
    const g = globalThis as Record<string, unknown>;
    g["window"] ??= dom.window;
    g["document"] ??= dom.window.document;
    loaded = import("mermaid").then((m) => m.default as unknown as MermaidApi);
  }
  return loaded;
}

export interface ParsedDiagram {
  readonly type: string;
  /** Flowchart: node id → label as Mermaid read it. */
  readonly vertices: ReadonlyMap<string, string>;
  /** Flowchart: edges as Mermaid read them. */
  readonly edges: readonly { readonly start: string; readonly end: string; readonly text: string; readonly stroke: string }[];
  /** Gantt: task names and ids. */
  readonly tasks: readonly { readonly id: string; readonly task: string }[];
}

const NAMED: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">" };

/**
 * A label as the rendered picture shows it: Mermaid keeps `#code;` entities as placeholders
 * while parsing and turns them into characters when drawing; this does the same.
 */
export function shownLabel(parsed: string): string {
  return parsed
    .replace(/ﬂ°°(\d+)¶ß/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/ﬂ°(\w+)¶ß/g, (m, name: string) => NAMED[name] ?? m);
}

/** Parses one diagram with Mermaid; throws Mermaid's parse error when the text is not valid. */
export async function parseMermaid(text: string): Promise<ParsedDiagram> {
  const mermaid = await load();
  await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as Record<string, (() => unknown) | undefined>;
  const type = diagram.type;
  const vertices = new Map<string, string>();
  const rawVertices = db["getVertices"]?.() as Map<string, { text?: string }> | undefined;
  for (const [id, v] of rawVertices ?? []) vertices.set(id, String(v.text ?? id));
  const edges = ((db["getEdges"]?.() ?? []) as { start: string; end: string; text?: string; stroke?: string }[])
    .map((e) => ({ start: e.start, end: e.end, text: String(e.text ?? ""), stroke: String(e.stroke ?? "") }));
  const tasks = type === "gantt" ? ((db["getTasks"]?.() ?? []) as { id: string; task: string }[]).map((t) => ({ id: t.id, task: t.task })) : [];
  db["clear"]?.();
  return { type, vertices, edges, tasks };
}

/** The bodies of the ```mermaid blocks in a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}
