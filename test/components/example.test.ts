/** The README's "your own program" example: it type-checks and runs under the mock runtime. */
import { execFileSync } from "node:child_process";
import path from "node:path";
import ts from "typescript";
import { ownProgram } from "../../examples/own-program.js";
import { TODAY } from "../support/fleets.js";
import { one, runMocked, valueOf } from "./harness.js";

Error.stackTraceLimit = 0;

it("type-checks with the project's compiler options", () => {
  const root = path.resolve(__dirname, "../..");
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram([path.join(root, "examples/own-program.ts")], { ...config.options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(diagnostics).toEqual([]);
  // Type-checking pulls in every @pulumi/aws declaration: on a cold disk and a busy machine, minutes.
}, 240_000);

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
  for (const line of ["create eks.Cluster shop-blue", "create eks.Cluster shop-green", "create lb.ListenerRule shop-web"]) expect(out).toContain(`  ${line}\n`);
}, 240_000);
