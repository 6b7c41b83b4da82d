/**
 * baton installed into another project as the README tells a user to: `npm pack` in the
 * repository, then `npm install` of the tarball into a project made from Pulumi's `aws-typescript`
 * template (test/package/consumer: the README's program, the template's tsconfig and a node16
 * one). The project imports from "baton", type-checks with zero errors under both tsconfigs —
 * neither skips library checks nor turns on esModuleInterop — and runs its program under Pulumi's
 * mocks.
 *
 * Packed once and installed once for the whole file. The install is a real `npm ci` of the
 * tarball and everything it depends on, from a lockfile cut from the repository's own (see
 * consumer-lockfile.ts): npm takes every package from its cache, where the root `npm ci` left
 * them, so it needs no network and gets the versions the rest of the suite tests.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { TODAY } from "../support/fleets.js";
import { consumerLockfile, type ConsumerManifest, type Lockfile } from "./consumer-lockfile.js";

const repo = path.resolve(__dirname, "../..");
const sources = path.join(__dirname, "consumer");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = require.resolve("typescript/bin/tsc");
const TSCONFIGS = ["tsconfig.json", "tsconfig.node16.json"] as const;

interface Packed {
  readonly filename: string;
  readonly integrity: string;
  readonly files: readonly { readonly path: string }[];
}

interface TypeCheck {
  readonly code: number;
  readonly errors: readonly string[];
  /** The files the compiler read, relative to the project. */
  readonly files: readonly string[];
}

let project: string;
let packed: Packed;
const typeChecks = new Map<string, Promise<TypeCheck>>();

/** `tsc -p config` in the project, with the repository's TypeScript; resolves however it exits. */
async function typeCheck(config: string): Promise<TypeCheck> {
  const result = await promisify(execFile)(process.execPath, [tsc, "-p", config, "--pretty", "false", "--listFiles"], { cwd: project, maxBuffer: 64 * 1024 * 1024 })
    .then(({ stdout }) => ({ code: 0, stdout }), (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? String(error) }));
  const lines = result.stdout.split("\n").filter((line) => line.trim() !== "");
  return {
    code: result.code,
    errors: lines.filter((line) => /error TS\d+/.test(line)),
    files: lines.filter((line) => path.isAbsolute(line)).map((file) => path.relative(project, file).split(path.sep).join("/")),
  };
}

beforeAll(() => {
  project = mkdtempSync(path.join(tmpdir(), "baton-consumer-"));
  // The build is npm ci's (prepare); packing without scripts keeps this test from rebuilding.
  const json = execFileSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", project], { cwd: repo, encoding: "utf8", timeout: 120_000 });
  packed = (JSON.parse(json) as [Packed])[0];

  for (const file of ["index.ts", "run-mocked.ts", ...TSCONFIGS]) copyFileSync(path.join(sources, file), path.join(project, file));
  // The longer example from examples/, with the import a user writes.
  const example = readFileSync(path.join(repo, "examples/own-program.ts"), "utf8").replace('from "../src/index.js"', 'from "baton"');
  expect(example).toContain('from "baton"');
  writeFileSync(path.join(project, "own-program.ts"), example);

  // The template's package.json with baton added, at the versions the repository pins: Pulumi's
  // packages as baton pins them (the README's advice), @types/node as the repository does (the
  // template asks for ^18), and the compiler is the repository's TypeScript 5.
  const manifest = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const consumer: ConsumerManifest = {
    name: "my-infra",
    main: "index.ts",
    dependencies: { "@pulumi/aws": manifest.dependencies["@pulumi/aws"]!, "@pulumi/pulumi": manifest.dependencies["@pulumi/pulumi"]!, baton: `file:${packed.filename}` },
    devDependencies: { "@types/node": manifest.devDependencies["@types/node"]! },
  };
  const rootLock = JSON.parse(readFileSync(path.join(repo, "package-lock.json"), "utf8")) as Lockfile;
  writeFileSync(path.join(project, "package.json"), `${JSON.stringify(consumer, null, 2)}\n`);
  writeFileSync(path.join(project, "package-lock.json"), `${JSON.stringify(consumerLockfile(rootLock, consumer, packed), null, 2)}\n`);
  // No install scripts: the tarball's dependencies need none to type-check and run under mocks
  // (@pulumi/kubernetes's installs, through the Pulumi CLI, the provider plugin `pulumi up` would use).
  execFileSync(npm, ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--no-update-notifier", "--ignore-scripts", "--loglevel=error"], { cwd: project, encoding: "utf8", timeout: 300_000 });

  // Both type-checks run side by side while the tests below wait for the one they read.
  for (const config of TSCONFIGS) typeChecks.set(config, typeCheck(config));
}, 360_000);

afterAll(async () => {
  await Promise.allSettled(typeChecks.values());
  // Deleting the ~28,000 installed files can take minutes on a busy disk: a detached process does
  // it, and the run does not wait for it.
  const remove = `require("node:fs").rmSync(${JSON.stringify(project)}, { recursive: true, force: true })`;
  spawn(process.execPath, ["-e", remove], { detached: true, stdio: "ignore" }).unref();
}, 300_000);

it("packs the built library, its declarations and the CLI: no sources, tests, benchmarks or stale build output", () => {
  const files = packed.files.map((f) => f.path);
  for (const file of ["package.json", "README.md", "bin/baton.js", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/policy/index.js", "dist/src/policy/index.d.ts", "dist/stacks/program.js"]) {
    expect(files).toContain(file);
  }
  expect(files.filter((f) => !/^(bin|dist\/src|dist\/stacks)\//.test(f) && !["package.json", "README.md", "LICENSE"].includes(f))).toEqual([]);
  expect(files.filter((f) => /\.(ts|tsbuildinfo)$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
  // Nothing left in dist/ by a source since renamed or deleted.
  const stale = files.filter((f) => /^dist\/(src|stacks)\/.*\.js$/.test(f)).filter((f) => !existsSync(path.join(repo, f.replace(/^dist\//, "").replace(/\.js$/, ".ts"))));
  expect(stale).toEqual([]);
});

describe.each(TSCONFIGS)("under %s (no skipLibCheck, no esModuleInterop)", (config) => {
  it("type-checks the README's program and examples/own-program.ts, importing from \"baton\", with zero errors", async () => {
    const { code, errors, files } = await typeChecks.get(config)!;
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    // The types came from the package's declarations...
    expect(files).toContain("node_modules/baton/dist/src/index.d.ts");
    // ...which do not reach the declarations that fail in such a project: zod's (locales need
    // esModuleInterop) and @pulumi/policy's (they export names their own files lack).
    expect(files.filter((f) => /^node_modules\/(zod|@pulumi\/policy)\//.test(f))).toEqual([]);
  }, 300_000);

  it("resolves the policy pack's entry, baton/policy, to its declarations", () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(project, config), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } })!;
    const resolved = ts.resolveModuleName("baton/policy", path.join(project, "index.ts"), parsed.options, ts.sys).resolvedModule;
    expect(resolved && path.relative(project, resolved.resolvedFileName)).toBe(path.join("node_modules", "baton", "dist", "src", "policy", "index.d.ts"));
  });
});

it("runs the README's program under Pulumi's mocks: both clusters, and web's listener rule weighted 90/10", async () => {
  expect((await typeChecks.get("tsconfig.json")!).code, "the template's build writes bin/").toBe(0);
  const out = execFileSync(process.execPath, ["bin/run-mocked.js"], {
    cwd: project, encoding: "utf8", env: { ...process.env, BATON_TODAY: TODAY }, timeout: 120_000,
    // stderr is kept for the error a failure throws (and Node's notice that mock timers are experimental).
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { registered, traffic } = JSON.parse(out) as { registered: string[]; traffic: Record<string, { weights: Record<string, number>; shares: Record<string, number> }> };
  expect(registered).toContain("aws:eks/cluster:Cluster shop-blue");
  expect(registered).toContain("aws:eks/cluster:Cluster shop-green");
  expect(registered.filter((r) => r.startsWith("aws:lb/listenerRule:ListenerRule "))).toHaveLength(1);
  expect(traffic["web"]).toMatchObject({ weights: { blue: 90, green: 10 }, shares: { blue: 0.9, green: 0.1 } });
}, 120_000);

it("loads at run time from the project, both entries, and its CLI runs", () => {
  const script = [
    'const b = require("baton"); const p = require("baton/policy");',
    "console.log([typeof b.EksCluster, typeof b.BlueGreenFleet, typeof b.validateFleet, typeof b.policies, p.policies.length > 0].join(\" \"));",
  ].join(" ");
  expect(execFileSync(process.execPath, ["-e", script], { cwd: project, encoding: "utf8" }).trim()).toBe("function function function undefined true");
  const help = execFileSync(process.execPath, [path.join(project, "node_modules/baton/bin/baton.js"), "--help"], { cwd: project, encoding: "utf8" });
  expect(help).toContain("Usage: baton");
});
