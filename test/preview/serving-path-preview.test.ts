import { captureProgram } from "../../src/preview/capture.js";
import { offlinePreview } from "../../src/preview/offline-preview.js";
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { TARGET_GROUP_BINDING_IMMUTABLE_FIELDS } from "../../src/fleet/replacements.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const capture = (fleet: unknown) => captureProgram(() => runFleetProgram(fleet, { today: TODAY }));

describe("offline preview of a port change on a serving cluster", () => {
  it("shows each target group and binding replaced, and refuses the change with the fix", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.services.web.port = 9090; });
    const { review, head: captured } = await offlinePreview({ base, head, subject: "test", capture, today: TODAY });

    // The binding is registered the way a real engine replaces it: replaceOnChanges on the controller's immutable fields.
    const binding = captured!.resources.find((r) => r.type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")!;
    expect(binding.replaceOnChanges).toEqual([...TARGET_GROUP_BINDING_IMMUTABLE_FIELDS]);
    expect(binding.deleteBeforeReplace).toBeUndefined();

    const ops = review.changes.filter((c) => c.op !== "same" && c.custom !== false).map((c) => `${c.op} ${c.type.split(":").pop()} ${c.name}`).sort();
    expect(ops).toEqual([
      "replace TargetGroup shop-web-blue",
      "replace TargetGroup shop-web-green",
      "replace TargetGroupBinding shop-web-blue",
      "replace TargetGroupBinding shop-web-green",
      "update ListenerRule shop-web",
    ]);
    const blueBinding = review.changes.find((c) => c.name === "shop-web-blue" && c.type.startsWith("kubernetes:"))!;
    expect(blueBinding.replacePaths).toEqual(["spec.targetGroupARN"]);
    expect(review.verdict).toMatchObject({ allowed: false, refusedRules: ["serving-path-replacement"] });
    const md = renderMarkdown(review);
    expect(md).toContain("serving-path-replacement");
    expect(md).toMatch(/\*\*replace\*\* k8s TargetGroupBinding `shop-web-blue`: spec\.targetGroupARN changed/);
  });

  it("a health-check change updates each target group in place and touches no binding", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.services.web.alb.healthCheck = { path: "/healthz" }; });
    const { review } = await offlinePreview({ base, head, subject: "test", capture, today: TODAY });
    const ops = review.changes.filter((c) => c.op !== "same" && c.custom !== false).map((c) => `${c.op} ${c.type.split(":").pop()} ${c.name}`).sort();
    expect(ops).toEqual(["update TargetGroup shop-web-blue", "update TargetGroup shop-web-green"]);
    expect(review.verdict?.allowed).toBe(true);
  });
});
