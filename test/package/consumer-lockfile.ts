/**
 * A lockfile for a project that installs baton's tarball, cut from the repository's own: the same
 * versions and integrity hashes the repository installs and tests with, so `npm ci` in that
 * project takes every package from npm's cache (the root `npm ci` put them there) and resolves
 * nothing anew. Only what the project's dependencies reach is kept: a package baton needs but
 * lists only under devDependencies is missing from the install, as it would be for a user.
 */

/** A `packages` entry of a lockfile (npm lockfileVersion 3). */
export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly optional?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [field: string]: unknown;
}

export interface Lockfile {
  readonly name: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Record<string, LockEntry>;
}

export interface ConsumerManifest {
  readonly name: string;
  readonly dependencies: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

export interface PackedTarball {
  /** The tarball's file name, next to the project's package.json. */
  readonly filename: string;
  /** `npm pack --json`'s integrity (sha512) of the tarball. */
  readonly integrity: string;
}

/** The location of the parent package of the one at `location` ("" for the project itself). */
function parentOf(location: string): string {
  const at = location.lastIndexOf("/node_modules/");
  return at === -1 ? "" : location.slice(0, at);
}

/** Where Node finds `name` from the package at `location`: its own node_modules, then each parent's. */
function resolveFrom(packages: Record<string, LockEntry>, location: string, name: string): string | undefined {
  for (let from = location; ; from = parentOf(from)) {
    const candidate = from === "" ? `node_modules/${name}` : `${from}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (from === "") return undefined;
  }
}

/**
 * The consumer's lockfile. `root` is the repository's lockfile, whose root package is the one
 * packed as `tarball`; the consumer depends on it as `file:<tarball>`.
 */
export function consumerLockfile(root: Lockfile, consumer: ConsumerManifest, tarball: PackedTarball): Lockfile {
  const library = root.packages[""];
  if (library === undefined) throw new Error("the repository's lockfile has no root package");
  const libraryName = root.name;
  const kept: Record<string, LockEntry> = {};
  const missing: string[] = [];

  const visit = (from: string, name: string, required: boolean) => {
    const location = resolveFrom(root.packages, from, name);
    if (location === undefined || root.packages[location]?.link) {
      if (required) missing.push(`${name} (needed by ${from || "the project"})`);
      return;
    }
    if (kept[location] !== undefined) return;
    const { dev: _dev, devOptional: _devOptional, ...entry } = root.packages[location]!;
    kept[location] = entry;
    walk(location, entry);
  };
  const walk = (location: string, entry: LockEntry) => {
    for (const name of Object.keys(entry.dependencies ?? {})) visit(location, name, true);
    for (const name of Object.keys(entry.optionalDependencies ?? {})) visit(location, name, false);
    for (const name of Object.keys(entry.peerDependencies ?? {})) visit(location, name, entry.peerDependenciesMeta?.[name]?.optional !== true);
  };

  const libraryLocation = `node_modules/${libraryName}`;
  for (const name of Object.keys({ ...consumer.dependencies, ...consumer.devDependencies })) {
    if (name === libraryName) continue;
    visit("", name, true);
  }
  // The library's own dependencies, resolved from where the tarball is installed.
  walk(libraryLocation, library);
  if (missing.length > 0) throw new Error(`the repository's lockfile lacks ${missing.join(", ")}`);

  const libraryEntry: LockEntry = {
    version: library.version as string,
    resolved: `file:${tarball.filename}`,
    integrity: tarball.integrity,
    ...Object.fromEntries(["license", "dependencies", "bin", "engines"].filter((f) => library[f] !== undefined).map((f) => [f, library[f]])),
  };
  const project: LockEntry = {
    name: consumer.name,
    dependencies: consumer.dependencies,
    ...(consumer.devDependencies !== undefined ? { devDependencies: consumer.devDependencies } : {}),
  };
  const sorted = Object.fromEntries(Object.entries({ ...kept, [libraryLocation]: libraryEntry }).sort(([a], [b]) => a.localeCompare(b)));
  return { name: consumer.name, lockfileVersion: 3, requires: true, packages: { "": project, ...sorted } };
}
