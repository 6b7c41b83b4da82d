/**
 * Mermaid diagrams for the Markdown that GitHub renders (review comments, tracking issues).
 * Only two shapes are emitted: a left-to-right flowchart of one service's weighted routing and a
 * Gantt timeline. Every label goes through one escape, so a name from a stack file can never end
 * a label early or inject Mermaid or HTML.
 */

/**
 * A label safe inside a quoted flowchart label (`["…"]`, `|"…"|`): Mermaid reads `#name;` entity
 * codes there, so `"`, `#`, `<`, `>`, `&`, backticks and pipes are written as codes and line
 * breaks become spaces. `#` goes first so the codes written afterwards are not escaped again.
 */
export function flowLabel(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/&/g, "#amp;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;")
    .replace(/\|/g, "#124;");
}

/**
 * A Gantt task or section name. Gantt names are not quoted: a `:` ends the name, `#` and `%%`
 * start comments and `;` ends a statement, so those become look-alike or plain characters.
 */
export function ganttLabel(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/:/g, "∶")
    .replace(/;/g, ",")
    .replace(/#/g, "№")
    .replace(/%/g, "％")
    .replace(/\s+/g, " ")
    .trim() || "step";
}

/** A fenced block GitHub renders as a diagram. */
export const fenced = (lines: readonly string[]): string[] => ["```mermaid", ...lines, "```"];

export interface WeightedEdge {
  readonly target: string;
  readonly before?: number;
  readonly after?: number;
}

const weightText = (w: number | undefined) => (w === undefined ? "none" : String(w));

/**
 * One service's routing: the listener or record set on the left, one node per target, an edge
 * each labelled `before → after`. Changed edges are drawn thick and red, a removed target's edge
 * dotted, an unchanged one plain with its weight alone.
 */
export function weightsFlowchart(source: string, edges: readonly WeightedEdge[], maxEdges = 12): string[] {
  const shown = edges.slice(0, maxEdges);
  const lines = ["flowchart LR", `  src["${flowLabel(source)}"]`];
  const changed: number[] = [];
  shown.forEach((edge, i) => {
    const moved = edge.before !== edge.after;
    const label = moved ? `${weightText(edge.before)} → ${weightText(edge.after)}` : weightText(edge.after);
    const arrow = !moved ? "-->" : edge.after === undefined ? "-.->" : "==>";
    if (moved) changed.push(i);
    lines.push(`  src ${arrow}|"${flowLabel(label)}"| t${i}["${flowLabel(edge.target)}"]`);
  });
  if (edges.length > shown.length) lines.push(`  src -.-> more["${flowLabel(`… ${edges.length - shown.length} more`)}"]`);
  if (changed.length > 0) lines.push(`  linkStyle ${changed.join(",")} stroke:#d73a49,stroke-width:3px`);
  return lines;
}

export interface GanttTask {
  readonly name: string;
  /** ISO timestamp, UTC. */
  readonly starts: string;
  readonly minutes: number;
  /** Part of `minutes` at the end spent watching (baking); drawn as its own bar. */
  readonly bakeMinutes: number;
  /** Drawn as a critical (red) bar: e.g. a step that cannot be undone. */
  readonly critical?: boolean;
}

/** Whole minutes, at least one, so every bar has a width Mermaid accepts. */
const wholeMinutes = (m: number) => `${Math.max(1, Math.round(m))}m`;

/** ISO timestamp to Mermaid's `dateFormat YYYY-MM-DD HH:mm` (UTC, as the plan computes it). */
const ganttDate = (iso: string) => iso.slice(0, 16).replace("T", " ");

/**
 * A timeline of steps, each step's work followed by its bake, in one section. Each bar's name
 * starts with its step number: a name starting with a Gantt keyword (`click`, `section`,
 * `excludes`…) would otherwise be read as that statement.
 */
export function stepsGantt(title: string, tasks: readonly GanttTask[]): string[] {
  const first = Math.min(...tasks.map((t) => Date.parse(t.starts)));
  const last = Math.max(...tasks.map((t) => Date.parse(t.starts) + t.minutes * 60_000));
  // Hours alone read well within a day; a longer plan needs the date on the axis.
  const axis = last - first > 86_400_000 ? "%m-%d" : "%H:%M";
  const lines = ["gantt", `  title ${ganttLabel(title)}`, "  dateFormat YYYY-MM-DD HH:mm", `  axisFormat ${axis}`];
  lines.push("  section Steps");
  tasks.forEach((task, i) => {
    const work = task.minutes - task.bakeMinutes;
    const tags = task.critical ? "crit, " : "";
    lines.push(`  ${i + 1}. ${ganttLabel(task.name)} :${tags}s${i}, ${ganttDate(task.starts)}, ${wholeMinutes(work)}`);
    if (task.bakeMinutes > 0) lines.push(`  ${i + 1}. bake :active, b${i}, after s${i}, ${wholeMinutes(task.bakeMinutes)}`);
  });
  return lines;
}
