/**
 * Baton's side of the overhead comparison: the fleet program (spec validation, components, the
 * Output plumbing between resources) registering a generated fleet under the offline mocks, set
 * up and timed exactly as bench/cases/baseline-replay.ts times the raw resources.
 * `npx tsx bench/cases/baton-register.ts <clusters>`
 */
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { OfflineMocks } from "../../src/preview/offline-mocks.js";
import { runFleetProgram } from "../../stacks/program.js";
import { generateFleet, TODAY } from "../../test/support/fleets.js";
import { report } from "../lib/child.js";
import { classesFor } from "../lib/classes.js";

Error.stackTraceLimit = 0;

/** The types the fleet program creates: loaded before the timer, as the baseline loads them. */
const FLEET_TYPES = [
  "aws:iam/role:Role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/key:Key", "aws:eks/cluster:Cluster",
  "aws:eks/addon:Addon", "aws:eks/nodeGroup:NodeGroup", "aws:ec2/launchTemplate:LaunchTemplate", "aws:lb/targetGroup:TargetGroup",
  "aws:lb/listenerRule:ListenerRule", "aws:route53/record:Record", "pulumi:providers:kubernetes",
];

async function main(): Promise<void> {
  const clusters = Number(process.argv[2]);
  if (!Number.isInteger(clusters) || clusters < 1) throw new Error("usage: baton-register.ts <clusters>");
  const fleet = generateFleet({ clusters, nodeGroupsPerCluster: 3, services: 5 });
  classesFor(FLEET_TYPES);
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "baton", "bench", true);

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  runFleetProgram(fleet, { today: TODAY });
  const programMs = performance.now() - start;
  await pulumi.runtime.disconnect(); // waits until every registration has been answered
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const custom = mocks.resources.filter((r) => r.custom).length;
  report({ clusters, resources: mocks.resources.length, custom, components: mocks.resources.length - custom, programMs, ms, cpuMs: (cpu.user + cpu.system) / 1000 });
}

main().catch((error: unknown) => { console.error(error); process.exit(1); });
