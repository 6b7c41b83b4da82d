/** What the text and markdown reviews show at fleet scale, built from specs alone (no capture). */
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { renderText } from "../../src/preview/render-text.js";
import { buildReview } from "../../src/preview/review.js";
import { nameList } from "../../src/preview/wording.js";
import { edit, generateFleet, TODAY } from "../support/fleets.js";

const plain = { red: String, green: String, yellow: String, bold: String, dim: String };

describe("long lists", () => {
  it("names a few and counts the rest", () => {
    expect(nameList(["web", "api"], "services")).toBe("web, api");
    expect(nameList(["a", "b", "c", "d", "e", "f"], "services")).toBe("a, b, c, d, e, f");
    expect(nameList(Array.from({ length: 150 }, (_, i) => `s${i}`), "services")).toBe("150 services: s0, s1, s2, s3, s4 and 145 more");
  });

  it("a shift of one service among 150 summarises the 149 unchanged ones, in both outputs", () => {
    const before = generateFleet({ clusters: 2, services: 150 });
    const after = edit(before, (f) => { f.services.svc0.weights = { c0: 50, c1: 50 }; });
    const review = buildReview({ offline: true, subject: "one shift", changes: [], before, after, validate: { today: TODAY } });
    const md = renderMarkdown(review);
    expect(md).toContain("Traffic unchanged: 149 services: svc1, svc2, svc3, svc4, svc5 and 144 more.");
    expect(renderText(review, plain)).toContain("unchanged: 149 services: svc1, svc2, svc3, svc4, svc5 and 144 more");
    expect(md).not.toContain("svc149");
  });
});
