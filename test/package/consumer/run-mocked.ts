/**
 * Runs this project's program (index.ts, the README's example) under Pulumi's mock runtime, the
 * way a Pulumi project unit-tests its program, and prints what it registered as one JSON line.
 */
import * as pulumi from "@pulumi/pulumi";
import { mock } from "node:test";
import { OfflineMocks } from "baton";

async function main(): Promise<void> {
  // The program judges EKS version support on the date it runs: the test names that date.
  const today = process.env["BATON_TODAY"];
  if (today !== undefined) mock.timers.enable({ apis: ["Date"], now: Date.parse(`${today}T12:00:00Z`) });
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "my-infra", "dev", false);
  pulumi.runtime.setAllConfig({ "aws:region": "us-east-1" });
  // Loaded after the mocks are set, as `pulumi up` loads a program after connecting to the engine.
  const program = require("./index") as typeof import("./index");
  await pulumi.runtime.disconnect();
  const registered = mocks.resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`).sort();
  console.log(JSON.stringify({ registered, traffic: program.traffic }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
