/** An AMI release bump, estimated as the roll it is: the group's updateConfig batches, each a launch, a drain and EKS's wait. */
import { plan } from "../../src/fleet/plan.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/upgrade/assumptions.js";
import { estimateStep } from "../../src/upgrade/estimate.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

it("estimates a release-only roll from release to release, in the group's batches", () => {
  const before = edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.5-20261105"; });
  const after = edit(before, (f) => { f.clusters.blue.nodeGroups.general.releaseVersion = "1.33.6-20261126"; });
  const planned = plan(before, after, { today: TODAY });
  const spec = (raw: unknown) => validateFleet(raw, { today: TODAY }).fleet!;
  const estimate = estimateStep(planned.changes, spec(before), spec(after), DEFAULT_ASSUMPTIONS);
  // 6 nodes at 25 %: one node a batch, 6 batches of launch (5) + drain (2) + EKS's wait (1) minutes;
  // the upper bound puts EKS's 15-minute eviction limit in every drain.
  expect(estimate.rolls).toEqual([{
    nodeGroup: "blue/general", from: "1.33.5-20261105", to: "1.33.6-20261126", nodes: 6, updateConfig: "maxUnavailablePercentage 25",
    nodesPerBatch: 1, batches: 6, surgeNodes: 4, minutes: 48, upperBoundMinutes: 126,
  }]);
  expect(estimate).toMatchObject({ minutes: 48, upperBoundMinutes: 126 });
});
