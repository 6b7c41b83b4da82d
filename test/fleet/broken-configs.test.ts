import { readFileSync } from "node:fs";
import path from "node:path";
import { formatProblem } from "../../src/fleet/problems.js";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { TODAY } from "../support/fleets.js";

/**
 * Every broken config in broken-configs.yaml, and exactly what a user is told about it. The expected
 * file is reviewed by eye: each message names the path, the value, the rule and the fix.
 */
it("shows each broken config's problems as the user sees them", async () => {
  const text = readFileSync(path.join(__dirname, "broken-configs.yaml"), "utf8");
  const sections: string[] = [];
  // Each case is a document after a `---` line, opened by a comment saying what is wrong.
  for (const source of text.split(/^---$/m).slice(1)) {
    const title = /^# (.*)$/m.exec(source)?.[1] ?? "(untitled)";
    const result = validateFleet(parseStackConfig(source, "case").fleet, { today: TODAY });
    expect(result.ok, title).toBe(false);
    sections.push(`## ${title}\n\n${result.problems.map(formatProblem).join("\n\n")}`);
  }
  expect(sections).toHaveLength(12);
  await expect(sections.join("\n\n\n") + "\n").toMatchFileSnapshot("broken-configs.expected.txt");
});
