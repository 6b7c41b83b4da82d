/**
 * The README and the guides in docs/ cannot drift from what baton prints. Each `<!-- readme-check: COMMAND | EXPECT -->`
 * comment names a command the README shows and what it must produce:
 *
 * - `creates 19, updates 1, deletes 0, unchanged 19`: the figures the preview reports for
 *   resources in the cloud; the README's prose after the comment states the same figures and
 *   shows the command.
 * - `prints`: the fenced block after the comment is exactly what the command prints.
 * - `runs`: the command exits 0, and the fenced block after the comment shows it.
 * - `draws picture N`: the fenced block after the comment is the Nth Mermaid picture the command
 *   prints (the README shows it as GitHub renders it).
 * - `sets SERVICE from SOURCE as in FILE`: the README copies SOURCE to the scratch path the command
 *   edits (`cp SOURCE PATH`, so no tracked file changes), and `baton shift` on that copy gives
 *   SERVICE the weights FILE has.
 * - `is the file`: COMMAND is a file of the repository, and the fenced block after the comment is
 *   exactly its content (test/package/install.test.ts compiles and runs the README's program
 *   from test/package/consumer/index.ts).
 *
 * Commands run in-process with the README's paths, at the tests' fixed date where the command
 * takes `--today`, so the calendar does not move the figures.
 */
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/io.js";
import { TODAY } from "../support/fleets.js";
import { readDocs } from "../support/docs.js";

Error.stackTraceLimit = 0;

const repo = path.resolve(__dirname, "../..");
// The walkthrough lives in the README; the guides in docs/ show commands and outputs too, checked the same way.
const docs = readDocs();

interface Check {
  readonly command: string;
  readonly expect: string;
  /** The file that shows it. */
  readonly file: string;
  /** The file after the comment. */
  readonly after: string;
}

const checks: Check[] = docs.flatMap(({ file, text }) => [...text.matchAll(/<!-- readme-check: (.+?) \| (.+?) -->\n/g)].map((m) => ({
  command: m[1]!, expect: m[2]!, file, after: text.slice(m.index! + m[0].length),
})));

const argv = (command: string) => command.replace(/^npx /, "").split(/\s+/).slice(1); // drop "baton"

async function run(args: readonly string[], cwd = repo) {
  const io = captureIo();
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(["node", "baton", ...args], io);
    return { code, out: io.stdout(), err: io.stderr() };
  } finally {
    process.chdir(previous);
  }
}

/** Commands that judge versions take the tests' date when they accept `--today`. */
const takesToday = new Map<string, boolean>();
async function withToday(args: readonly string[]): Promise<string[]> {
  const command = args[0]!;
  if (!takesToday.has(command)) takesToday.set(command, (await run([command, "--help"])).out.includes("--today"));
  return takesToday.get(command) ? [...args, "--today", TODAY] : [...args];
}

/** The first fenced block in `text`, without its fences and the indent of a list item. */
function fencedBlock(text: string): string {
  const m = /^( *)(`{3,})[a-z]*\n([\s\S]*?)\n\1\2\s*$/m.exec(text);
  if (!m) throw new Error("no fenced block follows the readme-check comment");
  const indent = m[1]!.length;
  return m[3]!.split("\n").map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length))).join("\n");
}

/** The paragraph (or list item) after the comment, on one line. */
const prose = (text: string) => text.split(/\n\n/)[0]!.replace(/<!--.*?-->/g, "").replace(/\s+/g, " ");

const FIGURE = /^(creates|updates|deletes|unchanged) (\d+)$/;

/** What a preview reports, read from the comment it prints: cloud resources only. */
function figuresOf(markdown: string): Record<string, number> {
  const summary = /Other resources: (\d+) update\(s\), (\d+) create\(s\), (\d+) unchanged/.exec(markdown);
  if (!summary) throw new Error(`no resource summary in:\n${markdown}`);
  return {
    updates: Number(summary[1]), creates: Number(summary[2]), unchanged: Number(summary[3]),
    deletes: (markdown.match(/^- \*\*delete\*\* /gm) ?? []).length,
  };
}

describe("figures the README copies from generated files", () => {
  const excerpts = docs.flatMap(({ text }) => [...text.matchAll(/<!-- readme-excerpt: (\S+) (.+?) -->\n([\s\S]*?)\n<!-- \/readme-excerpt -->/g)]);

  it("copies the benchmark targets, and nothing else restates them", () => {
    expect(excerpts.map((m) => m[1])).toEqual(["docs/benchmarks.md"]);
    // docs/preview.md points to the generated file instead of keeping timings of its own.
    expect(readFileSync(path.join(repo, "docs/preview.md"), "utf8")).not.toMatch(/\| \d+(\.\d+)? s \|/);
  });

  it.each(excerpts.map((m) => [m[1]!, m[2]!, m[3]!] as const))("%s, section %s, verbatim", (file, heading, copy) => {
    const source = readFileSync(path.join(repo, file), "utf8");
    const start = source.indexOf(`\n${heading}\n`);
    expect(start, `${file} has no "${heading}" section`).toBeGreaterThan(-1);
    const section = source.slice(start + heading.length + 2).split(/\n#{1,6} /)[0]!.trim();
    expect(section).toContain(copy.trim());
  });
});

describe("the README", () => {
  it("marks the walkthrough, the comment, the plan and the comment-from-JSON examples", () => {
    expect(checks.length).toBeGreaterThanOrEqual(9);
    expect(checks.filter((c) => FIGURE.test(c.expect.split(", ")[0]!))).toHaveLength(6);
  });

  it("keeps the walkthrough in the README, near the top", () => {
    const readme = docs[0]!.text;
    const walkthrough = readme.split("\n").findIndex((line) => line.startsWith("## A blue/green migration"));
    expect(walkthrough).toBeGreaterThan(0);
    expect(walkthrough).toBeLessThan(150);
    expect(checks.filter((c) => c.file === "README.md" && FIGURE.test(c.expect.split(", ")[0]!))).toHaveLength(6);
  });

  describe.each(checks.map((c) => [`${c.file}: ${c.command} | ${c.expect}`, c] as const))("%s", (_name, check) => {
    it("matches what baton does", async () => {
      if (check.expect === "is the file") {
        expect(fencedBlock(check.after)).toBe(readFileSync(path.join(repo, check.command), "utf8").trimEnd());
        return;
      }
      const args = argv(check.command);
      const figures = check.expect.split(", ").map((f) => FIGURE.exec(f));

      if (figures.every((f) => f !== null)) {
        expect(args[0]).toBe("preview");
        const { code, out, err } = await run(await withToday([...args, "--format", "markdown"]));
        expect(code, err).toBe(0);
        const actual = figuresOf(out);
        const text = prose(check.after);
        expect(text, "the README shows the command it reports on").toContain(check.command);
        for (const [, what, n] of figures as RegExpExecArray[]) {
          expect(actual[what!], `${what} reported by ${check.command}`).toBe(Number(n));
          const word = what === "unchanged" ? "unchanged" : `${what!.replace(/s$/, "")}s?`;
          expect(text, `the README's prose states ${n} ${what}`).toMatch(new RegExp(`\\b${n} ${word}\\b`));
        }
        return;
      }

      if (check.expect === "prints") {
        const { out, err } = await run(await withToday(args));
        expect((out + err).trimEnd()).toBe(fencedBlock(check.after).trimEnd());
        return;
      }

      const picture = /^draws picture (\d+)$/.exec(check.expect);
      if (picture) {
        const { code, out, err } = await run(await withToday(args));
        expect(code, err).toBe(0);
        const pictures = [...out.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
        expect(pictures[Number(picture[1]) - 1], `picture ${picture[1]} of ${pictures.length}`).toBe(fencedBlock(check.after).trimEnd());
        return;
      }

      if (check.expect === "runs") {
        const { code, err } = await run(await withToday(args));
        expect(code, err).toBe(0);
        expect(fencedBlock(check.after)).toContain(check.command);
        return;
      }

      const sets = /^sets (\S+) from (\S+) as in (\S+)$/.exec(check.expect);
      if (sets) {
        const [, service, source, expected] = sets;
        expect(args[0]).toBe("shift");
        // The README edits a scratch copy of the example, never the tracked file itself.
        expect(args[1]!.startsWith("examples/")).toBe(false);
        expect(prose(check.after)).toContain(`cp ${source} ${args[1]} && ${check.command}`);
        const dir = mkdtempSync(path.join(tmpdir(), "baton-readme-"));
        const copy = path.join(dir, path.basename(args[1]!));
        copyFileSync(path.join(repo, source!), copy);
        const { code, err } = await run(["shift", copy, ...args.slice(2)]);
        expect(code, err).toBe(0);
        const weights = (file: string) => (parse(readFileSync(file, "utf8")) as { config: { "baton:fleet": { services: Record<string, { weights: unknown }> } } })
          .config["baton:fleet"].services[service!]!.weights;
        expect(weights(copy)).toEqual(weights(path.join(repo, expected!)));
        return;
      }
      throw new Error(`unknown readme-check expectation "${check.expect}"`);
    });
  });
});
