/**
 * Golden outputs of `baton upgrade-plan` for the example stacks. After an intended change to the
 * output: `UPDATE_GOLDEN=1 npx vitest run test/upgrade/golden.test.ts`, then review the diff.
 */
import { allDocsText } from "../support/docs.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StackDocument } from "../../src/upgrade/stack-document.js";
import { compareUpgrades, planUpgrade, type UpgradeMethod } from "../../src/upgrade/upgrade-plan.js";
import { renderCompareJson, renderPlanJson } from "../../src/upgrade/render-json.js";
import { renderCompareMarkdown, renderPlanMarkdown } from "../../src/upgrade/render-markdown.js";
import { renderCompareText, renderPlanText } from "../../src/upgrade/render-text.js";
import { TODAY } from "../support/fleets.js";

function golden(name: string, actual: string): void {
  const file = path.join(__dirname, "golden", name);
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

const stack = (name: string) => {
  const file = path.resolve(__dirname, "../../stacks", name);
  return StackDocument.parse(readFileSync(file, "utf8"), file);
};

describe("golden upgrade plans for the example stacks", () => {
  it("compares the methods for the migration and for dev", () => {
    const migration = compareUpgrades(stack("Pulumi.migration.yaml"), { to: "1.35", today: TODAY });
    golden("migration-compare.txt", renderCompareText(migration) + "\n");
    golden("migration-compare.md", renderCompareMarkdown(migration) + "\n");
    golden("migration-compare.json", renderCompareJson(migration) + "\n");
    golden("dev-compare.txt", renderCompareText(compareUpgrades(stack("Pulumi.dev.yaml"), { to: "1.35", today: TODAY })) + "\n");
  });

  for (const method of ["in-place", "node-group", "blue-green"] as UpgradeMethod[]) {
    it(`plans ${method} for the migration and for dev`, () => {
      const migration = planUpgrade(stack("Pulumi.migration.yaml"), method, { to: "1.35", today: TODAY });
      golden(`migration-${method}.txt`, renderPlanText(migration) + "\n");
      golden(`migration-${method}.md`, renderPlanMarkdown(migration) + "\n");
      const dev = planUpgrade(stack("Pulumi.dev.yaml"), method, { to: "1.35", today: TODAY });
      golden(`dev-${method}.txt`, renderPlanText(dev) + "\n");
      golden(`dev-${method}.json`, renderPlanJson(dev) + "\n");
      // The step files themselves, for the method whose files change the most.
      if (method === "blue-green") for (const f of dev.files) golden(`dev-blue-green-files/${f.name}`, f.text);
    });
  }
});

describe("the README's upgrade-plan runs", () => {
  it("are what baton prints for them", () => {
    const readme = allDocsText();
    for (const name of ["migration-compare.txt", "migration-in-place.txt"]) {
      expect(readme).toContain("```\n" + readFileSync(path.join(__dirname, "golden", name), "utf8") + "```\n");
    }
  });
});
