import { nodesPerBatch, rollBatches } from "../../src/fleet/nodegroups.js";

describe("roll batches", () => {
  it("takes a percentage of the group, rounded down, at least one node", () => {
    expect(nodesPerBatch({ maxUnavailablePercentage: 25 }, 6)).toBe(1);
    expect(rollBatches({ maxUnavailablePercentage: 25 }, 6)).toBe(6);
    expect(rollBatches({ maxUnavailablePercentage: 25 }, 8)).toBe(4);
    expect(rollBatches({ maxUnavailablePercentage: 25 }, 200)).toBe(4);
  });

  it("never updates more than 100 nodes at once, as EKS documents", () => {
    expect(nodesPerBatch({ maxUnavailablePercentage: 50 }, 1000)).toBe(100);
    expect(rollBatches({ maxUnavailablePercentage: 50 }, 1000)).toBe(10);
  });

  it("takes an absolute count as given, never more than the group", () => {
    expect(rollBatches({ maxUnavailable: 2 }, 6)).toBe(3);
    expect(nodesPerBatch({ maxUnavailable: 10 }, 4)).toBe(4);
    expect(rollBatches({ maxUnavailable: 2 }, 0)).toBe(0);
  });
});
