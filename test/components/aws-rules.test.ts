/**
 * The smaller AWS rules the components follow: health-check timeout below the interval, a
 * configurable deregistration delay, the pods' port in the binding, the control-plane log group's
 * retention, and a desired size that pulumi up leaves to the autoscaler.
 */
import { captureProgram } from "../../src/preview/capture.js";
import { offlinePreview } from "../../src/preview/offline-preview.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const capture = (fleet: unknown, deployed?: unknown) => captureProgram(() => runFleetProgram(fleet, { today: TODAY, ...(deployed !== undefined ? { deployed } : {}) }));
const inputsOf = (resources: ReadonlyArray<{ type: string; name: string; inputs: Readonly<Record<string, unknown>> }>, type: string, name: string) => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found.inputs;
};

describe("AWS rules the fleet follows", () => {
  it("sets the health-check timeout and a 30 s deregistration delay, both configurable", async () => {
    const fleet = edit(migrationFleet(), (f) => {
      f.services.web.alb.healthCheck = { intervalSeconds: 10, timeoutSeconds: 4 };
      f.services.web.alb.deregistrationDelaySeconds = 120;
    });
    const [defaults, configured] = [await capture(migrationFleet()), await capture(fleet)];
    expect(inputsOf(defaults.resources, "aws:lb/targetGroup:TargetGroup", "shop-web-blue")).toMatchObject({ deregistrationDelay: 30, healthCheck: { interval: 15, timeout: 5 } });
    expect(inputsOf(configured.resources, "aws:lb/targetGroup:TargetGroup", "shop-web-blue")).toMatchObject({ deregistrationDelay: 120, healthCheck: { interval: 10, timeout: 4 } });
  });

  it("refuses a health-check interval that is not longer than the timeout (the 5 s interval with the 5 s default)", () => {
    const problems = validateFleet(edit(migrationFleet(), (f) => { f.services.web.alb.healthCheck = { intervalSeconds: 5 }; }), { today: TODAY }).problems;
    expect(problems.filter((p) => p.severity === "error")).toMatchObject([{
      rule: "alb-health-check-timeout", path: "baton:fleet.services.web.alb.healthCheck.timeoutSeconds", value: 5,
      fix: "Set timeoutSeconds to at most 4, or intervalSeconds to at least 6.",
    }]);
  });

  it("admits the Service's targetPort on the pods when it differs from the port", async () => {
    const { resources } = await capture(edit(migrationFleet(), (f) => { f.services.web.targetPort = "http"; }));
    const binding = inputsOf(resources, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "shop-web-blue");
    expect(binding["spec"]).toMatchObject({ serviceRef: { name: "web", port: 8080 }, networking: { ingress: [{ ports: [{ protocol: "TCP", port: "http" }] }] } });
  });

  it("creates the control-plane log group with a retention (90 days, configurable)", async () => {
    const { resources } = await capture(edit(migrationFleet(), (f) => { f.clusters.green.logRetentionDays = 365; }));
    expect(inputsOf(resources, "aws:cloudwatch/logGroup:LogGroup", "shop-blue-control-plane")).toMatchObject({ name: "/aws/eks/shop-blue/cluster", retentionInDays: 90 });
    expect(inputsOf(resources, "aws:cloudwatch/logGroup:LogGroup", "shop-green-control-plane")).toMatchObject({ name: "/aws/eks/shop-green/cluster", retentionInDays: 365 });
    expect(validateFleet(edit(migrationFleet(), (f) => { f.clusters.blue.logRetentionDays = 45; }), { today: TODAY }).problems[0]).toMatchObject({
      rule: "invalid-value", path: "baton:fleet.clusters.blue.logRetentionDays",
    });
  });

  it("leaves a node group's desired size to the autoscaler: a desired-only change touches no resource", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.clusters.blue.nodeGroups.general!.scaling.desired = 9; });
    const { review, head: captured } = await offlinePreview({ base, head, subject: "test", capture, today: TODAY });
    const group = captured!.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === "shop-blue-general")!;
    expect(group.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    expect(review.changes.filter((c) => c.op !== "same")).toEqual([]);
    // The review says so, and lists nothing to undo for it.
    const word = review.plan!.changes.find((c) => c.path === "baton:fleet.clusters.blue.nodeGroups.general.scaling.desired")!;
    expect(word.summary).toMatch(/^no change to node group blue\/general: scaling\.desired 6 → 9 is the size at creation only/);
    expect(review.rollback.edits).toEqual([]);
  });

  describe("when min or max move, the desired size sent is the live size clamped into the new bounds", () => {
    // blue/general runs with min 3, max 12; the autoscaler has it at `live` nodes.
    const running = (live: number) => ({ nodeGroups: { "shop-blue": { "shop-blue-general-0a1b2c3": { minSize: 3, desiredSize: live, maxSize: 12 } } } });
    const sent = async (scaling: { min: number; desired: number; max: number }, live: number) => {
      const base = migrationFleet();
      const head = edit(base, (f) => { f.clusters.blue.nodeGroups.general!.scaling = scaling; });
      const captured = await captureProgram(() => runFleetProgram(head, { today: TODAY, deployed: base }), running(live));
      const group = captured.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === "shop-blue-general")!;
      return { scalingConfig: group.inputs["scalingConfig"], ignoreChanges: group.ignoreChanges };
    };

    it("a raised min lifts the live size to it (EKS refuses min above desired)", async () => {
      // The stack file says desired 12; the group was created at 6 and runs 10: 12 is sent, not 6.
      expect(await sent({ min: 12, desired: 12, max: 20 }, 10)).toEqual({ scalingConfig: { minSize: 12, desiredSize: 12, maxSize: 20 } });
    });

    it("a lowered max caps the live size, and does not scale the group down to its creation size", async () => {
      expect(await sent({ min: 3, desired: 6, max: 8 }, 11)).toEqual({ scalingConfig: { minSize: 3, desiredSize: 8, maxSize: 8 } });
      expect(await sent({ min: 3, desired: 6, max: 10 }, 9)).toEqual({ scalingConfig: { minSize: 3, desiredSize: 9, maxSize: 10 } });
    });

    it("keeps ignoring the size while the bounds stay", async () => {
      expect(await sent({ min: 3, desired: 4, max: 12 }, 9)).toEqual({ scalingConfig: { minSize: 3, desiredSize: 4, maxSize: 12 }, ignoreChanges: ["scalingConfig.desiredSize"] });
    });

    it("says in the plan what is sent", async () => {
      const base = migrationFleet();
      const head = edit(base, (f) => { f.clusters.blue.nodeGroups.general!.scaling = { min: 12, desired: 12, max: 20 }; });
      const { review } = await offlinePreview({ base, head, subject: "test", capture, today: TODAY });
      const change = review.plan!.changes.find((c) => c.subject === "node group blue/general")!;
      expect(change.summary).toContain("the group's live size clamped into [12, 20] as read at deploy time");
      // Offline the live size is unknown: the capture sends the spec's desired, and the diff shows it moving with the bounds.
      const diff = review.changes.find((c) => c.name === "shop-blue-general" && c.type === "aws:eks/nodeGroup:NodeGroup")!;
      expect(diff.paths).toEqual(expect.arrayContaining(["scalingConfig.minSize", "scalingConfig.desiredSize", "scalingConfig.maxSize"]));
    });
  });
});
