/**
 * What the review says about versions: an in-place upgrade can be rolled back for 7 days after it
 * completes, in ordered stack changes (node groups first), and after that it cannot; a rollback says
 * how it reaches EKS through Pulumi and the path outside it; a deleted cluster stays irreversible.
 * Built from specs alone (no capture).
 */
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { renderText } from "../../src/preview/render-text.js";
import { buildReview } from "../../src/preview/review.js";
import { summarize } from "../../src/preview/stack-set-review.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const plain = { red: String, green: String, yellow: String, bold: String, dim: String };
const review = (before: unknown, after: unknown) => buildReview({ offline: true, subject: "a version change", changes: [], before, after, validate: { today: TODAY } });
const oneLine = (text: string) => text.replace(/\n\s+/g, " ");

const at134 = edit(migrationFleet(), (f) => { f.clusters.green.version = "1.34"; });

describe("the review of an in-place upgrade", () => {
  const upgrade = review(at134, migrationFleet());

  it("lists it as rollable for 7 days, not as something that cannot be undone", () => {
    expect(upgrade.irreversible).toEqual([]);
    expect(upgrade.rollbackWindows).toHaveLength(1);
    expect(upgrade.rollbackWindows[0]).toMatchObject({ subjects: ["cluster green", "node group green/general"], when: "for 7 days after it completes", closes: true });
  });

  it("says in markdown how: two stack changes, node groups first, and that after the window it cannot be undone", () => {
    const md = renderMarkdown(upgrade);
    expect(md).toContain("#### Can be rolled back");
    expect(md).not.toContain("#### Cannot be undone");
    expect(md).toContain("**cluster green and node group green/general**: the upgrade can be rolled back for 7 days after it completes, with two stack changes, in order, each applied (pulumi up) before the next; after that it cannot be undone:");
    const first = md.indexOf("1. roll node group green/general back to 1.34");
    const second = md.indexOf("2. roll control plane green back to 1.34");
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(md.slice(first, second)).toContain('baton:fleet.clusters.green.nodeGroups.general.version: "1.34"');
    expect(md.slice(second)).toContain('baton:fleet.clusters.green.version: "1.34"');
    expect(md).toContain("move its traffic away** at once, while you roll back cluster green and node group green/general (see above) or fix forward");
  });

  it("in a review of many stacks, the stack's line says it can be rolled back, not that it cannot be undone", () => {
    const summary = summarize({ stack: "eu", change: "changed", review: upgrade });
    expect(summary.irreversible).toEqual([]);
    expect(summary.rollbackWindows).toEqual(["cluster green, node group green/general (for 7 days after it completes)"]);
  });

  it("says the same in text", () => {
    const text = oneLine(renderText(upgrade, plain));
    expect(text).toContain("can be rolled back cluster green and node group green/general: the upgrade can be rolled back for 7 days after it completes, with two stack changes, in order");
    expect(renderText(upgrade, plain)).not.toMatch(/^cannot be undone$/m);
  });

  it("a node-group-only version roll: one stack change, while its control plane runs either version", () => {
    const pinned = edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.34"; });
    const roll = review(pinned, migrationFleet());
    expect(roll.rollbackWindows).toEqual([{
      subjects: ["node group green/general"], summaries: [expect.stringContaining("roll node group green/general from 1.34 to 1.35")],
      when: "while control plane green runs 1.35 or 1.34", closes: false,
      steps: [{ title: "roll node group green/general back to 1.34", edits: [{ path: "baton:fleet.clusters.green.nodeGroups.general.version", value: "1.34" }] }],
    }]);
    expect(renderMarkdown(roll)).toContain("the upgrade can be rolled back while control plane green runs 1.35 or 1.34, with one stack change:");
  });
});

describe("the rollback section of an upgrade with no traffic to move", () => {
  it("names the time-boxed rollback once, for the control plane and its node group together", () => {
    const idle = (fleet: typeof at134) => edit(fleet, (f) => { f.services.web.weights = { blue: 100, green: 0 }; });
    const r = review(idle(at134), idle(migrationFleet()));
    expect(r.rollback.escapes).toHaveLength(1);
    expect(r.rollback.escapes[0]).toMatchObject({ subjects: ["cluster green", "node group green/general"], timeBoxed: true, edits: [] });
    const md = renderMarkdown(r);
    expect(md).toContain("No single config edit undoes this change; roll it back as **Can be rolled back** says.");
    expect(md.match(/EKS can roll the upgrade of green back to 1\.34/g)).toHaveLength(1);
  });
});

describe("the review of a rollback", () => {
  it("says how the control plane's rollback reaches EKS through Pulumi, and the path outside it", () => {
    const step1 = edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.34"; });
    const rollback = review(step1, edit(migrationFleet(), (f) => { f.clusters.green.version = "1.34"; }));
    expect(rollback.verdict?.allowed).toBe(true);
    const md = renderMarkdown(rollback);
    expect(md).toContain("#### Version rollback");
    expect(md).toContain("UpdateClusterVersion to 1.34 with no rollbackConfig");
    expect(md).toContain("aws eks update-cluster-version --name <EKS name of green> --kubernetes-version 1.34");
    expect(md).toContain("run pulumi refresh, then apply this stack change");
    expect(md).toContain("allowed only within 7 days of the upgrade's completion");
  });
});

describe("what stays irreversible", () => {
  it("a deleted cluster", () => {
    const withoutBlue = edit(migrationFleet(), (f) => {
      delete (f.clusters as Record<string, unknown>)["blue"];
      f.services.web.weights = { green: 100 };
      f.services.api.weights = { green: 100 };
      delete (f.services.api as { route53: { targets: Record<string, unknown> } }).route53.targets["blue"];
    });
    const drained = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.services.api.weights = { blue: 0, green: 100 }; });
    const deletion = review(drained, withoutBlue);
    expect(deletion.irreversible.map((s) => s.subject)).toEqual(["cluster blue"]);
    expect(deletion.rollbackWindows).toEqual([]);
    expect(renderMarkdown(deletion)).toContain("#### Cannot be undone");
  });
});
