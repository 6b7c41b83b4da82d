import { captureProgram } from "../../src/preview/capture.js";
import { mockAddonVersion } from "../../src/preview/offline-mocks.js";
import { offlinePreview, type FleetCapturer } from "../../src/preview/offline-preview.js";
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { runFleetProgram } from "../../stacks/program.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

Error.stackTraceLimit = 0;

/** AWS moved every default between the base's deployment and the head's preview. */
const moved = (addon: string, kubernetesVersion: string) => mockAddonVersion(addon, kubernetesVersion).replace("eksbuild.1", "eksbuild.2");

/** The base runs against yesterday's defaults, the head against today's, as on a real stack. */
function capturer(): FleetCapturer {
  let runs = 0;
  return (fleet, deployed, context) => captureProgram(() => runFleetProgram(fleet, { today: TODAY, ...(deployed !== undefined ? { deployed } : {}), ...context }), runs++ === 0 ? {} : { addonVersion: moved });
}
const addonChanges = (changes: readonly { type: string; op: string; name: string }[]) =>
  changes.filter((c) => c.type === "aws:eks/addon:Addon" && c.op !== "same").map((c) => c.name);

describe("add-ons move only with their cluster's version", () => {
  it("a weight-only change touches no add-on although the looked-up defaults changed between base and head", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.services.web.weights = { blue: 50, green: 50 }; });
    const { review } = await offlinePreview({ base, head, subject: "test", capture: capturer(), today: TODAY });
    expect(addonChanges(review.changes)).toEqual([]);
    expect(review.addons).toEqual([]);
    expect(review.changes.filter((c) => c.op !== "same" && c.custom !== false).map((c) => c.name).sort()).toEqual(["shop-web"]);
  });

  it("without the last deployment's versions, the same change would move all eight add-ons (what the record prevents)", async () => {
    const capture = capturer();
    const head = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 50, green: 50 }; });
    const ignoringRecord: FleetCapturer = (fleet, deployed) => capture(fleet, deployed);
    const { review } = await offlinePreview({ base: migrationFleet(), head, subject: "test", capture: ignoringRecord, today: TODAY });
    expect(addonChanges(review.changes)).toHaveLength(8);
  });

  it("a version bump moves that cluster's unpinned add-ons to the new defaults; offline, the preview says so instead of showing made-up versions", async () => {
    const base = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 100, green: 0 }; f.clusters.blue.addons = { coreDns: "v1.11.4-eksbuild.9" }; });
    const head = edit(base, (f) => { f.clusters.blue.version = "1.34"; });
    const { review } = await offlinePreview({ base, head, subject: "test", capture: capturer(), today: TODAY });
    const standIns = { fromStandIn: { kind: "as-deployed" }, toStandIn: { kind: "eks-default", kubernetes: "1.34" } };
    expect(review.addons).toEqual([
      { cluster: "shop-blue", addon: "eks-pod-identity-agent", from: mockAddonVersion("eks-pod-identity-agent", "1.33"), to: moved("eks-pod-identity-agent", "1.34"), ...standIns },
      { cluster: "shop-blue", addon: "kube-proxy", from: mockAddonVersion("kube-proxy", "1.33"), to: moved("kube-proxy", "1.34"), ...standIns },
      { cluster: "shop-blue", addon: "vpc-cni", from: mockAddonVersion("vpc-cni", "1.33"), to: moved("vpc-cni", "1.34"), ...standIns },
    ]);
    const markdown = renderMarkdown(review);
    expect(markdown).toContain("| shop-blue | vpc-cni | as deployed | **EKS's default for 1.34** |");
    // The mock runtime's formula is never shown as a version.
    expect(markdown).not.toContain(mockAddonVersion("vpc-cni", "1.33"));
    expect(markdown).not.toContain(moved("vpc-cni", "1.34"));
    expect(markdown).toContain("the add-on versions EKS would pick");
  });

  it("a changed pin moves that add-on alone; the pin is a real version, what it replaces is not known offline", async () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.clusters.green.addons = { vpcCni: "v1.20.1-eksbuild.3" }; });
    const { review } = await offlinePreview({ base, head, subject: "test", capture: capturer(), today: TODAY });
    expect(review.addons).toEqual([{ cluster: "shop-green", addon: "vpc-cni", from: mockAddonVersion("vpc-cni", "1.35"), to: "v1.20.1-eksbuild.3", fromStandIn: { kind: "as-deployed" } }]);
    expect(renderMarkdown(review)).toContain("| shop-green | vpc-cni | as deployed | **v1.20.1-eksbuild.3** |");
  });
});
