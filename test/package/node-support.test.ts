/** The Node.js versions baton declares, and what a user on Node 20, past maintenance, sees (the README's words). */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { engines: { node: string } };
const readme = readFileSync(path.join(repo, "README.md"), "utf8");
const major = Number(process.versions.node.split(".")[0]);

it("declares the Node versions its pinned Pulumi SDK runs on, the suite runs on one, and every CI example installs an LTS line", () => {
  const pulumi = JSON.parse(readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { engines: { node: string } };
  // The SDK every baton program runs in sets the floor: declaring more would make npm warn (or,
  // under engine-strict, refuse) on a Node the suite passes on.
  expect(pkg.engines.node).toBe(pulumi.engines.node);
  expect(major).toBeGreaterThanOrEqual(Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]));
  const docs = ["README.md", "docs/preview.md", "docs/checks.md"].map((f) => readFileSync(path.join(repo, f), "utf8")).join("\n");
  const versions = [...docs.matchAll(/node-version: (\d+)/g)].map((m) => Number(m[1]));
  expect(versions.length).toBeGreaterThanOrEqual(3);
  for (const v of versions) expect(v === 22 || v === 24).toBe(true);
});

it("states the declared floor in the README", () => {
  expect(readme).toContain(`engines: ${pkg.engines.node}`);
});

it("the AWS SDK warns once on Node below 22 when a client is created, as the README says, and not otherwise", () => {
  const script = 'const { EKSClient } = require("@aws-sdk/client-eks"); new EKSClient({ region: "us-east-1" }); new EKSClient({ region: "us-east-1" });';
  const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ["-e", script], { cwd: repo, encoding: "utf8", env: { ...process.env, ...env } });
  const warned = run({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "" }).stderr.match(/NodeVersionSupportWarning/g) ?? [];
  expect(warned).toHaveLength(major < 22 ? 1 : 0);
  expect(run({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }).stderr).not.toContain("NodeVersionSupportWarning");
  expect(readme).toContain("NodeVersionSupportWarning");
  expect(readme).toContain("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true");
});
