/**
 * Every Mermaid picture baton writes parses with Mermaid's own parser, and a label from a stack
 * file (any text at all) reaches the picture as written: it cannot end the label or add nodes.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { stepsGantt, weightsFlowchart } from "../../src/preview/mermaid.js";
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { buildReview } from "../../src/preview/review.js";
import { edit, generateFleet, TODAY } from "../support/fleets.js";
import { mermaidBlocks, parseMermaid, shownLabel } from "./mermaid-parser.js";

const goldenFiles = ["../preview/golden", "../upgrade/golden"].flatMap((dir) => {
  const folder = path.join(__dirname, dir);
  return readdirSync(folder).filter((f) => f.endsWith(".md")).map((f) => path.join(folder, f));
});

describe("the pictures in the shipped golden comments and plans", () => {
  it("are there: a flowchart in each comment that moves traffic, a timeline in each plan", () => {
    const blocks = goldenFiles.flatMap((f) => mermaidBlocks(readFileSync(f, "utf8")));
    expect(blocks.filter((b) => b.startsWith("flowchart LR")).length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => b.startsWith("gantt")).length).toBeGreaterThanOrEqual(3);
  });

  for (const file of goldenFiles) {
    it(`${path.basename(file)}: every diagram parses`, async () => {
      for (const block of mermaidBlocks(readFileSync(file, "utf8"))) {
        const parsed = await parseMermaid(block);
        expect(["flowchart-v2", "gantt"]).toContain(parsed.type);
      }
    });
  }
});

/** Text a stack file could hold in a name: quotes, pipes, brackets, entity look-alikes, HTML. */
const hostile = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.constantFrom('a"b', "x|y", "]\"] --> evil[", "#quot;", "#35;", "<b>bold</b>", "`code`", "a & b", "end", "%% comment", "click x call y()"),
).filter((s) => s.trim().length > 0);

describe("the traffic flowchart", () => {
  it("draws one edge per target, before → after on the edge, changed edges thick and coloured", async () => {
    const lines = weightsFlowchart("web: ALB listener rule", [
      { target: "blue", before: 90, after: 50 },
      { target: "green", before: 10, after: 50 },
      { target: "old", before: 5 },
      { target: "steady", before: 1, after: 1 },
    ]);
    const parsed = await parseMermaid(lines.join("\n"));
    expect(parsed.edges.map((e) => [e.end, e.text, e.stroke])).toEqual([
      ["t0", "90 → 50", "thick"], ["t1", "10 → 50", "thick"], ["t2", "5 → none", "dotted"], ["t3", "1", "normal"],
    ]);
    expect(lines.at(-1)).toBe("  linkStyle 0,1,2 stroke:#d73a49,stroke-width:3px");
  });

  it("caps the edges and counts the rest", async () => {
    const edges = Array.from({ length: 30 }, (_, i) => ({ target: `c${i}`, before: 1, after: 2 }));
    const parsed = await parseMermaid(weightsFlowchart("svc", edges, 12).join("\n"));
    expect(parsed.edges).toHaveLength(13);
    expect(shownLabel(parsed.vertices.get("more")!)).toBe("… 18 more");
  });

  it("parses for any names, and shows each name exactly as written", async () => {
    await fc.assert(fc.asyncProperty(hostile, fc.array(hostile, { minLength: 1, maxLength: 4 }), async (source, targets) => {
      const parsed = await parseMermaid(weightsFlowchart(source, targets.map((t, i) => ({ target: t, before: i, after: i + 1 }))).join("\n"));
      const norm = (s: string) => s.replace(/[\r\n\t]+/g, " ").trim();
      expect(norm(shownLabel(parsed.vertices.get("src")!))).toBe(norm(source));
      expect(parsed.vertices.size).toBe(targets.length + 1);
      targets.forEach((t, i) => expect(norm(shownLabel(parsed.vertices.get(`t${i}`)!))).toBe(norm(t)));
    }), { numRuns: 150 });
  });
});

describe("the steps timeline", () => {
  it("has a bar per step and one per bake, for any step titles", async () => {
    await fc.assert(fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 5 }), async (titles) => {
      const tasks = titles.map((t, i) => ({ name: t, starts: new Date(Date.UTC(2026, 10, 23, 0, i * 20)).toISOString(), minutes: 15, bakeMinutes: i % 2 === 0 ? 10 : 0 }));
      const parsed = await parseMermaid(stepsGantt("plan: 1.35 # test", tasks).join("\n"));
      expect(parsed.type).toBe("gantt");
      const expected = tasks.flatMap((_, i) => (i % 2 === 0 ? [`s${i}`, `b${i}`] : [`s${i}`]));
      expect(parsed.tasks.map((t) => t.id)).toEqual(expected);
    }), { numRuns: 100 });
  });

  it("a plan longer than a day puts dates on the axis", () => {
    const lines = stepsGantt("t", [{ name: "a", starts: "2026-11-23T00:00:00.000Z", minutes: 60 * 30, bakeMinutes: 0 }]);
    expect(lines).toContain("  axisFormat %m-%d");
  });
});

describe("the comment's pictures", () => {
  it("go before any list or table is trimmed, and the traffic table stays", async () => {
    const before = generateFleet({ clusters: 3, services: 40 });
    const after = edit(before, (f) => { for (const name of Object.keys(f.services)) f.services[name].weights = { c0: 0, c1: 50, c2: 50 }; });
    const review = buildReview({ offline: true, subject: "many shifts", changes: [], before, after, validate: { today: TODAY } });
    const full = renderMarkdown(review, Infinity);
    expect(mermaidBlocks(full)).toHaveLength(40);
    const withoutPictures = full.replace(/\n```mermaid\n[\s\S]*?\n```\n/g, "");
    const fitted = renderMarkdown(review, withoutPictures.length + 10);
    expect(mermaidBlocks(fitted)).toHaveLength(0);
    expect(fitted).toBe(withoutPictures);
    expect(fitted.match(/\| target \| weight \| share \|/g)).toHaveLength(40);
    for (const block of mermaidBlocks(full).slice(0, 3)) await parseMermaid(block);
  });
});
