/**
 * What a captured part depends on besides its config: baton's version, the code that builds it
 * (every source file of the spec, the components and the fleet program, as this installation runs
 * them) and the exact dependency tree (the lockfile). A change to any of them changes every key.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface CodeFingerprint {
  readonly batonVersion: string;
  /** sha256 over the program's source files, path and content. */
  readonly code: string;
  /** sha256 of the lockfile, or of the installed dependency versions when there is none. */
  readonly dependencies: string;
}

/** Source folders the fleet program is built from, relative to the code root. */
const CODE_FOLDERS = ["src", "stacks"];
const CODE_FILE = /\.(c|m)?(js|ts)$/;

/** The nearest folder at or above `from` holding baton's package.json. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "baton") return dir;
    if (path.dirname(dir) === dir) throw new Error(`baton's package.json was not found above ${from}`);
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() && CODE_FILE.test(entry.name) ? [full] : [];
  });
}

/**
 * Fingerprints the code this process runs: `codeRoot` is the folder holding `src/` and `stacks/`
 * (the repository for TypeScript sources, `dist/` for a build).
 */
export function codeFingerprint(codeRoot: string = path.resolve(__dirname, "../.."), root: string = packageRoot()): CodeFingerprint {
  const code = createHash("sha256");
  const files = CODE_FOLDERS.flatMap((folder) => filesUnder(path.join(codeRoot, folder))).sort();
  for (const file of files) {
    code.update(path.relative(codeRoot, file).split(path.sep).join("/")).update("\0").update(readFileSync(file)).update("\0");
  }
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version?: string; dependencies?: Record<string, string> };
  return { batonVersion: manifest.version ?? "0.0.0", code: code.digest("hex"), dependencies: dependencyDigest(root, manifest.dependencies ?? {}) };
}

function dependencyDigest(root: string, declared: Record<string, string>): string {
  const lockfile = path.join(root, "package-lock.json");
  if (existsSync(lockfile) && statSync(lockfile).isFile()) return createHash("sha256").update(readFileSync(lockfile)).digest("hex");
  // Installed as a dependency: no lockfile of its own, so the versions actually resolved.
  const versions = Object.keys(declared).sort().map((name) => {
    try {
      const manifest = require.resolve(`${name}/package.json`, { paths: [root] });
      return `${name}@${(JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version ?? "?"}`;
    } catch {
      return `${name}@unresolved`;
    }
  });
  return createHash("sha256").update(versions.join("\n")).digest("hex");
}
