import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Property tests generate the same cases every run (FC_SEED overrides the seed).
    setupFiles: ["test/support/fast-check-seed.ts"],
    // Globals keep test files free of ESM-only imports, so the CommonJS project type-checks them.
    globals: true,
    // Pulumi's mock runtime keeps global state per process: run each test file in its own process.
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
  },
});
