/** Runs the CLI from source in a child process (`node --import tsx test/support/baton-cli.ts ...`), for tests that need real processes. */
import { main } from "../../src/cli/main.js";

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => { console.error(`baton: ${error instanceof Error ? error.message : String(error)}`); process.exitCode = 2; },
);
