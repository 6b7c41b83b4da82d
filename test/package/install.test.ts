/**
 * baton installed into another project, as the README tells a user to: `npm pack` in the
 * repository, the tarball unpacked as `node_modules/baton` of a new project, which imports the
 * components from "baton", type-checks under its own strict settings and loads them at run time.
 *
 * The tarball's dependencies are the root's own node_modules, linked into the new project, rather
 * than a second `npm install` of @pulumi/aws and the AWS SDK (hundreds of megabytes, minutes):
 * what this checks is the package itself (its files, `main`, `types`, `bin` and declarations).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";

const repo = path.resolve(__dirname, "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let project: string;
let packed: { files: { path: string }[] };

beforeAll(() => {
  project = mkdtempSync(path.join(tmpdir(), "baton-consumer-"));
  // The build is npm ci's (prepare); packing again without scripts keeps this test from rebuilding.
  const json = execFileSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", project], { cwd: repo, encoding: "utf8", timeout: 120_000 });
  packed = (JSON.parse(json) as [{ filename: string; files: { path: string }[] }])[0];
  const tarball = path.join(project, (JSON.parse(json) as [{ filename: string }])[0].filename);
  const modules = path.join(project, "node_modules");
  mkdirSync(path.join(modules, "baton"), { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", path.join(modules, "baton"), "--strip-components=1"]);
  for (const entry of readdirSync(path.join(repo, "node_modules"))) {
    if (entry === "baton" || entry === "baton-policy-pack" || entry.startsWith(".")) continue;
    symlinkSync(path.join(repo, "node_modules", entry), path.join(modules, entry));
  }
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "my-infra", private: true, dependencies: { baton: `file:${path.basename(tarball)}` } }, null, 2));
  // The README's example program, with the import a user writes.
  const example = readFileSync(path.join(repo, "examples/own-program.ts"), "utf8").replace('from "../src/index.js"', 'from "baton"');
  expect(example).toContain('from "baton"');
  writeFileSync(path.join(project, "index.ts"), example);
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

it("packs the built library and the CLI, not the sources, tests or benchmarks", () => {
  const files = packed.files.map((f) => f.path);
  expect(files).toContain("dist/src/index.js");
  expect(files).toContain("dist/src/index.d.ts");
  expect(files).toContain("dist/stacks/program.js");
  expect(files).toContain("bin/baton.js");
  expect(files.filter((f) => /^(src|test|bench|examples|policy)\//.test(f))).toEqual([]);
});

it("type-checks a program importing the components from \"baton\" under strict settings", () => {
  const program = ts.createProgram([path.join(project, "index.ts")], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16, esModuleInterop: true, skipLibCheck: true, types: ["node"],
    typeRoots: [path.join(project, "node_modules/@types")],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(diagnostics).toEqual([]);
  // The types came from the package's declarations, not from this repository's sources.
  const batonTypes = program.getSourceFiles().map((f) => f.fileName).filter((f) => f.includes("/node_modules/baton/"));
  expect(batonTypes.some((f) => f.endsWith("dist/src/index.d.ts"))).toBe(true);
}, 240_000);

it("loads at run time from the project, and its CLI runs", () => {
  const loaded = execFileSync(process.execPath, ["-e", 'const b = require("baton"); console.log([typeof b.EksCluster, typeof b.BlueGreenFleet, typeof b.validateFleet].join(" "))'], { cwd: project, encoding: "utf8" });
  expect(loaded.trim()).toBe("function function function");
  const help = execFileSync(process.execPath, [path.join(project, "node_modules/baton/bin/baton.js"), "--help"], { cwd: project, encoding: "utf8" });
  expect(help).toContain("Usage: baton");
});
