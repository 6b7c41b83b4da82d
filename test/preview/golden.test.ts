/**
 * Golden files of the review comment, read by eye as a reviewer would read them. After a deliberate
 * change to the comment: `UPDATE_GOLDEN=1 npx vitest run test/preview/golden.test.ts`, then review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { captureProgram } from "../../src/preview/capture.js";
import { offlinePreview } from "../../src/preview/offline-preview.js";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/preview/render-markdown.js";
import { renderText } from "../../src/preview/render-text.js";
import type { Review } from "../../src/preview/review.js";
import { readFleetInput } from "../../src/cli/load-fleet.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, generateFleet, migrationFleet, TODAY, migrationWithoutGreen } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const capture = (fleet: unknown) => captureProgram(() => runFleetProgram(fleet, { today: TODAY }));
const preview = async (base: unknown, head: unknown, subject: string) => (await offlinePreview({ base, head, subject, capture, today: TODAY })).review;
const plain = { red: String, green: String, yellow: String, bold: String, dim: String };

function golden(name: string, actual: string): void {
  const file = path.join(__dirname, "golden", name);
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

const repo = path.resolve(__dirname, "../..");

describe("golden review comments", () => {
  it("the example pair: the migration one step forward", async () => {
    const base = await readFleetInput(path.join(repo, "stacks/Pulumi.migration.yaml"));
    const head = await readFleetInput(path.join(repo, "stacks/Pulumi.migration-next.yaml"));
    const review = await preview(base, head, "`stacks/Pulumi.migration-next.yaml` against `stacks/Pulumi.migration.yaml`");
    golden("migration-step.md", renderMarkdown(review));
    golden("migration-step.txt", renderText(review, plain));
  });

  it("an in-place control-plane upgrade with a disk size change", async () => {
    const base = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 100, green: 0 }; });
    const head = edit(base, (f) => { f.clusters.blue.version = "1.34"; f.clusters.green.nodeGroups.general.diskSizeGiB = 100; });
    golden("version-bump.md", renderMarkdown(await preview(base, head, "a control-plane upgrade of blue")));
  });

  it("an AMI release bump: a roll in updateConfig batches, forced on one group", async () => {
    const base = edit(migrationFleet(), (f) => {
      f.clusters.blue.nodeGroups.general!.releaseVersion = "1.33.5-20261105";
      f.clusters.green.nodeGroups.general!.releaseVersion = "1.35.1-20261105";
    });
    const head = edit(base, (f) => {
      f.clusters.blue.nodeGroups.general!.releaseVersion = "1.33.6-20261126";
      f.clusters.green.nodeGroups.general!.releaseVersion = "1.35.2-20261126";
      f.clusters.green.nodeGroups.general!.forceUpdateVersion = true;
    });
    const review = await preview(base, head, "an AMI release bump of both clusters' node groups");
    expect(review.rolls.map((r) => [r.subject, r.cause, r.batches, r.forced ?? false])).toEqual([
      ["node group blue/general", "AMI release 1.33.5-20261105 → 1.33.6-20261126", 6, false],
      ["node group green/general", "AMI release 1.35.1-20261105 → 1.35.2-20261126", 3, true],
    ]);
    // What pulumi up changes: the release on each node group, in place; nothing is replaced.
    const groups = review.changes.filter((c) => c.type === "aws:eks/nodeGroup:NodeGroup");
    expect(groups.map((c) => [c.name, c.op, c.paths])).toEqual([
      ["shop-blue-general", "update", ["releaseVersion"]],
      ["shop-green-general", "update", ["releaseVersion", "forceUpdateVersion"]],
    ]);
    golden("release-bump.md", renderMarkdown(review));
    golden("release-bump.txt", renderText(review, plain));
  });

  it("a shift and a control-plane upgrade in one change: the undo and the escape are separate edits", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.services.web.weights = { blue: 50, green: 50 }; f.clusters.blue.version = "1.34"; });
    const review = await preview(base, head, "a shift of web and an upgrade of blue");
    // The undo sets web's weights once, to what they were; the escape from blue is its own edit.
    expect(review.rollback.edits).toEqual([{ path: "baton:fleet.services.web.weights", value: { blue: 90, green: 10 } }]);
    expect(review.rollback.escapes).toEqual([expect.objectContaining({
      cluster: "blue", subjects: ["cluster blue", "node group blue/general"],
      edits: [{ path: "baton:fleet.services.web.weights", value: { blue: 0, green: 100 } }, { path: "baton:fleet.services.api.weights", value: { blue: 0, green: 100 } }],
    })]);
    expect(review.rollback.takesEffect).toEqual([{ speed: expect.stringMatching(/^at once/), subjects: ["service web"] }]);
    golden("shift-and-upgrade.md", renderMarkdown(review));
    golden("shift-and-upgrade.txt", renderText(review, plain));
  });

  it("a refused decommission of a cluster that still has weight", async () => {
    const base = migrationFleet();
    const head = migrationWithoutGreen();
    golden("refused-decommission.md", renderMarkdown(await preview(base, head, "removing cluster green")));
  });
});

describe("the comment's length", () => {
  let review: Review;
  beforeAll(async () => {
    // A new 40-cluster fleet: every resource is a create, a long list to trim.
    review = (await offlinePreview({ head: generateFleet({ clusters: 40 }), subject: "a new fleet", capture, today: TODAY })).review;
  }, 60_000);

  it("stays under GitHub's limit, trimming the collapsed details before the summary", () => {
    const full = renderMarkdown(review, Infinity);
    const limit = 20_000;
    expect(full.length).toBeGreaterThan(limit);
    const trimmed = renderMarkdown(review, limit);
    expect(trimmed.length).toBeLessThanOrEqual(limit);
    expect(trimmed).toMatch(/^### ✅ baton: valid/m);
    expect(trimmed).toContain("#### Rollback");
    expect(trimmed).toMatch(/… and \d+ more \(see `--format json`\)/);
    expect(renderMarkdown(review).length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
  });
});
