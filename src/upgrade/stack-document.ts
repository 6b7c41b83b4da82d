/**
 * A stack config file as an editable YAML document: upgrade steps are edits made through the
 * `yaml` package's Document API (so comments stay attached to their nodes), and each step is
 * written back with the user's own layout wherever the step did not touch a line.
 */
import { isMap, isScalar, isSeq, type Document, type Node } from "yaml";
import { FLEET_CONFIG_KEY, FleetSpecError, type Problem } from "../fleet/problems.js";
import { lineEndingOf, parseYaml, withLineFeeds } from "../fleet/yaml.js";

type Path = readonly (string | number)[];

/** Options the document is written with: no folding of long lines, which users rarely want. */
const WRITE_OPTIONS = { lineWidth: 0 } as const;

function problem(rule: string, path: string, message: string, fix: string): Problem {
  return { severity: "error", rule, path, message, fix };
}

export class StackDocument {
  /** `fleet()` as last computed; every edit clears it. */
  private cachedFleet: unknown;

  private constructor(
    private readonly doc: Document,
    /** For each line as the YAML library would write it, the line as the user wrote it. */
    private readonly layout: ReadonlyMap<string, string>,
    /** The file's line ending, kept on every line of the text written. */
    private readonly eol: "\r\n" | "\r" | "\n",
  ) {}

  /** Parses a stack config's text; YAML errors or a missing `baton:fleet` are a FleetSpecError. */
  static parse(text: string, file: string): StackDocument {
    // The spec's bounded reader: linear-time duplicate-key check, aliases limited.
    const { doc } = parseYaml(text);
    if (doc.errors.length > 0) {
      throw new FleetSpecError(doc.errors.map((e) => problem("yaml-syntax", file, e.message.split("\n")[0] ?? e.message,
        "Fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote).")), `${file} is not valid YAML`);
    }
    if (!isMap(doc.getIn(["config", FLEET_CONFIG_KEY], true))) {
      throw new FleetSpecError([problem("required", FLEET_CONFIG_KEY, `${file} has no ${FLEET_CONFIG_KEY} map under config:.`,
        "Point at a stack config with a baton:fleet block (see stacks/Pulumi.migration.yaml).")], `${file} has no fleet`);
    }
    return new StackDocument(doc, layoutOf(withLineFeeds(text.replace(/\r\n/g, "\n")), doc.toString(WRITE_OPTIONS)), lineEndingOf(text));
  }

  clone(): StackDocument {
    return new StackDocument(this.doc.clone(), this.layout, this.eol);
  }

  /** The raw `baton:fleet` value, as validation and `plan` take it. */
  fleet(): unknown {
    this.cachedFleet ??= (this.doc.toJS() as { config: Record<string, unknown> }).config[FLEET_CONFIG_KEY];
    return this.cachedFleet;
  }

  private edited(): void {
    this.cachedFleet = undefined;
  }

  private full(path: Path): (string | number)[] {
    return ["config", FLEET_CONFIG_KEY, ...path];
  }

  has(path: Path): boolean {
    return this.doc.hasIn(this.full(path));
  }

  /**
   * Sets a value below `baton:fleet`. An existing scalar keeps its quoting style (a quoted
   * `version: "1.33"` stays quoted); a new key is added at the end of its map.
   */
  set(path: Path, value: unknown): void {
    this.edited();
    const existing = this.doc.getIn(this.full(path), true);
    if (isScalar(existing) && (value === null || typeof value !== "object")) {
      existing.value = value;
      return;
    }
    this.doc.setIn(this.full(path), this.doc.createNode(value, { flow: this.flowParent(path) }));
  }

  /** Whether the map that holds `path` is written in flow style (`{ a: 1 }`), so a new entry matches it. */
  private flowParent(path: Path): boolean {
    const parent = this.doc.getIn(this.full(path.slice(0, -1)), true);
    return (isMap(parent) || isSeq(parent)) && parent.flow === true;
  }

  delete(path: Path): void {
    this.edited();
    this.doc.deleteIn(this.full(path));
  }

  /**
   * Copies the node at `from` to `to` (a new key at the end of its map), keeping the copied
   * block's own layout; comments on the copied block itself are not duplicated.
   */
  copy(from: Path, to: Path): void {
    const source = this.doc.getIn(this.full(from), true) as Node | undefined;
    if (!source) throw new Error(`nothing at ${from.join(".")} to copy`);
    this.edited();
    const copy = source.clone();
    copy.commentBefore = null;
    copy.comment = null;
    this.doc.setIn(this.full(to), copy);
  }

  /** A comment on the line above the key at `path` (used to mark a value the user must fill in). */
  commentKey(path: Path, comment: string): void {
    const parent = this.doc.getIn(this.full(path.slice(0, -1)), true);
    if (!isMap(parent)) return;
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === path.at(-1));
    if (pair && isScalar(pair.key)) pair.key.commentBefore = ` ${comment}`;
    else if (pair) {
      const key = this.doc.createNode(pair.key);
      key.commentBefore = ` ${comment}`;
      pair.key = key;
    }
  }

  /** The file's text: lines the step did not change keep the user's layout byte for byte. */
  text(): string {
    const written = this.doc.toString(WRITE_OPTIONS);
    const restored = written.split("\n").map((line) => this.layout.get(line) ?? line).join("\n");
    // Restoring is only a layout choice: keep it only when it reads back as exactly the same data.
    const same = JSON.stringify(parseYaml(restored).doc.toJS()) === JSON.stringify(this.doc.toJS());
    const out = same ? restored : written;
    return this.eol === "\n" ? out : out.replace(/\n/g, this.eol);
  }
}

/**
 * Pairs each line the YAML library writes for the unedited document with the line the user
 * wrote, where the two differ only in layout (`[a]` against `[ a ]`, aligned values). When the
 * line counts differ the library reflowed something, and no line is mapped.
 */
function layoutOf(original: string, rewritten: string): Map<string, string> {
  const before = original.split("\n");
  const after = rewritten.split("\n");
  const layout = new Map<string, string>();
  if (before.length !== after.length) return layout;
  const ambiguous = new Set<string>();
  after.forEach((line, i) => {
    const mine = before[i]!;
    if (line === mine) return;
    const seen = layout.get(line);
    if (seen !== undefined && seen !== mine) ambiguous.add(line);
    layout.set(line, mine);
  });
  for (const line of ambiguous) layout.delete(line);
  return layout;
}
