/**
 * `BATON_DEPLOYED_CONFIG` under the Pulumi CLI's own entry point, for a stack that has no deployment
 * record yet (last deployed by a baton that wrote none): the shift of traffic away from a cluster
 * past EKS support runs, judged against the deployed config, as `baton plan` judges it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { supportPhase, isoDate } from "../../src/fleet/versions.js";
import { edit, migrationFleet } from "../support/fleets.js";
import { runStackThroughLanguageHost } from "../support/pulumi-host/index.js";

const RUN_TIMEOUT = 120_000;

it("runs a shift away from a cluster on 1.31 (past EKS extended support) when the deployed config is named and the stack has no record", async () => {
  // The stack judges by the clock; 1.31's extended support ended on 2026-11-26, for good.
  expect(supportPhase("1.31", isoDate(new Date()))).toBe("ended");
  const deployed = edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.31"; });
  const away = edit(deployed, (f) => { f.services.web.weights = { blue: 0, green: 100 }; f.services.api.weights = { blue: 0, green: 100 }; });
  const file = path.join(mkdtempSync(path.join(tmpdir(), "baton-deployed-")), "Pulumi.migration.yaml");
  writeFileSync(file, stringify({ config: { "baton:fleet": deployed } }));
  process.env["BATON_DEPLOYED_CONFIG"] = file;
  try {
    const run = await runStackThroughLanguageHost({ stack: "migration", configOverride: { "baton:fleet": away } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.registrations.filter((r) => r.type === "aws:eks/cluster:Cluster")).toHaveLength(2);
    expect(run.logs.some((l) => l.severity === 2 && l.message.includes("Already so in the deployed config") && l.message.includes("clusters.blue.version"))).toBe(true);
    expect(run.logs.some((l) => l.severity === 1 && l.message.startsWith(`Judged as a change from the deployed config BATON_DEPLOYED_CONFIG names (${file}; this stack has no deployment record yet)`))).toBe(true);
  } finally {
    delete process.env["BATON_DEPLOYED_CONFIG"];
  }
}, RUN_TIMEOUT);
