import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const TESTS = "test/**/*.test.ts";

// A file that replaces a module (vi.mock) or the clock needs a process of its own: the module it
// replaces may already be loaded by an earlier file in a shared one. Found by reading the files, so
// a new test that mocks a module is isolated without anyone keeping a list.
const OWN_PROCESS = readdirSync("test", { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => path.posix.join("test", file.split(path.sep).join("/")))
  .filter((file) => /\bvi\.(mock|doMock|useFakeTimers)\(/.test(readFileSync(file, "utf8")));

export default defineConfig({
  test: {
    // Property tests generate the same cases every run (FC_SEED overrides the seed).
    setupFiles: ["test/support/fast-check-seed.ts"],
    // Globals keep test files free of ESM-only imports, so the CommonJS project type-checks them.
    globals: true,
    pool: "forks",
    // Vitest's default for a run is one worker fewer than the cores: a single worker on a 2-core
    // machine. Many files here spend their time waiting on child processes (the language host, the
    // CLI, tsc), so one worker more than the cores keeps both busy.
    maxWorkers: availableParallelism() + 1,
    // A fresh clone's first run reads everything from a cold disk, on a machine that may be busy.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests judge versions by the embedded table, never by a developer's `baton versions --refresh` cache.
    // And sign preview cache entries with a fixed key, never writing one into a developer's ~/.local/state.
    env: { BATON_VERSIONS_CACHE: "/nonexistent/baton-test/eks-versions.json", BATON_CACHE_KEY: "baton-test-cache-key-0123456789abcdef0123456789abcdef" },
    // GitHub's workflow parser imports its schema as JSON without an import attribute, which Node 20
    // refuses: let Vite load it (the workflow test checks generated workflows with it).
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    projects: [
      // Most files share a worker process with the files before them: starting a process and
      // loading Pulumi's SDK for each of ~90 files cost about a third of the suite's CPU time.
      // Each file still gets fresh mocks (runMocked sets them per run) and its own temp folders.
      { extends: true, test: { name: "shared", include: [TESTS], exclude: OWN_PROCESS, isolate: false } },
      { extends: true, test: { name: "own-process", include: OWN_PROCESS.length > 0 ? OWN_PROCESS : ["test/__none__.test.ts"] } },
    ],
  },
});
