/**
 * The README's "your own program" example runs under the mock runtime and as a script. It is
 * type-checked where a user compiles it, against the packed library with `import … from "baton"`
 * (test/package/install.test.ts), and with the project by `npm run typecheck`.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ownProgram } from "../../examples/own-program.js";
import { TODAY } from "../support/fleets.js";
import { one, runMocked, valueOf } from "./harness.js";

Error.stackTraceLimit = 0;

it("runs under mocks: two clusters and a listener rule weighting them 80/20", async () => {
  const { result, mocks } = await runMocked(() => ownProgram({ today: TODAY }));
  expect(await valueOf(result.blueEndpoint)).toMatch(/^https:\/\//);
  const rule = one(mocks, "aws:lb/listenerRule:ListenerRule", "shop-web").inputs["actions"] as Array<{ forward: { targetGroups: Array<{ weight: number }> } }>;
  expect(rule[0]!.forward.targetGroups.map((g) => g.weight)).toEqual([80, 20]);
  expect(one(mocks, "aws:eks/accessEntry:AccessEntry", "shop-blue-admin-role-platform-admin").inputs["principalArn"]).toBe("arn:aws:iam::123456789012:role/platform-admin");
});

it("run on its own, prints the preview of what it creates", () => {
  const root = path.resolve(__dirname, "../..");
  const out = execFileSync(process.execPath, [require.resolve("tsx/cli"), "examples/own-program.ts", "--today", TODAY], { cwd: root, encoding: "utf8", timeout: 180_000 });
  expect(out).toMatch(/^preview of examples\/own-program\.ts/);
  expect(out).toMatch(/other resources: 0 update\(s\), \d+ create\(s\), 0 unchanged/);
  for (const line of ["create eks.Cluster shop-blue", "create eks.Cluster shop-green"]) expect(out).toContain(`  ${line}\n`);
  // The listener rule shows under traffic, with the weights the program gives each cluster.
  expect(out).toContain("  listener rule shop-web (ALB)\n");
}, 240_000);
