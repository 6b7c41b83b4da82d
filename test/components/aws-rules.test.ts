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

const capture = (fleet: unknown) => captureProgram(() => runFleetProgram(fleet, { today: TODAY }));
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
  });
});
