/**
 * The rollout's Pulumi side, against a stand-in `pulumi` executable: the preview that guards each
 * step, the targeted update in its own process group, a deliberate cancel, and the weights read
 * back from the stack's state.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateFleet } from "../../src/fleet/validate.js";
import { pulumiCliApplier } from "../../src/traffic/pulumi-stack.js";
import { otherChangesIn, serviceState } from "../../src/traffic/stack-state.js";
import { migrationFleet, TODAY } from "../support/fleets.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-pulumi-"));
const fake = path.join(dir, "pulumi");
writeFileSync(fake, `#!/bin/sh
echo "$@" >> "${dir}/calls"
case "$1" in
  stack) cat "${dir}/export.json" ;;
  preview) cat "${dir}/preview.json" ;;
  up)
    trap 'echo cancelled >&2; exit 3' INT
    cut -d' ' -f5 /proc/$$/stat > "${dir}/up-pgid"
    if [ -f "${dir}/up-slow" ]; then i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; fi
    if [ -f "${dir}/up-fails" ]; then echo "error: update failed: listener rule: ValidationError" >&2; exit 255; fi
    echo "Updating (prod)"; echo "Resources: 1 updated" ;;
esac
`);
chmodSync(fake, 0o755);

const validation = validateFleet(migrationFleet(), { today: TODAY });
if (!validation.ok) throw new Error("fixture fleet is invalid");
const fleet = validation.fleet;
const RULE = "urn:pulumi:prod::shop::baton:components:BlueGreenFleet$baton:components:WeightedAlbRoute$aws:lb/listenerRule:ListenerRule::shop-web";
const tg = (cluster: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web-${cluster}/0123456789abcdef`;
const exported = {
  version: 3,
  deployment: {
    resources: [
      { urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", type: "pulumi:pulumi:Stack", custom: false },
      ...["blue", "green"].map((c) => ({ urn: `urn:pulumi:prod::shop::aws:lb/targetGroup:TargetGroup::shop-web-${c}`, type: "aws:lb/targetGroup:TargetGroup", custom: true, outputs: { arn: tg(c), tags: { "baton:fleet": "shop", "baton:cluster": c, "baton:service": "web" } } })),
      { urn: RULE, type: "aws:lb/listenerRule:ListenerRule", custom: true, outputs: { tags: { "baton:fleet": "shop", "baton:service": "web" }, actions: [{ type: "forward", forward: { targetGroups: [{ arn: tg("blue"), weight: 90 }, { arn: tg("green"), weight: 10 }] } }] } },
      ...["blue", "green"].map((c, i) => ({ urn: `urn:pulumi:prod::shop::aws:route53/record:Record::shop-api-${c}`, type: "aws:route53/record:Record", custom: true, outputs: { zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com", setIdentifier: `shop-${c}`, weightedRoutingPolicies: [{ weight: i === 0 ? 100 : 0 }] } })),
    ],
  },
};
const step = (op: string, urn: string, type: string) => ({ op, urn, newState: { type, custom: true }, ...(op === "update" ? { diffReasons: ["actions"] } : {}) });
const weightsOnly = { steps: [step("same", "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", "pulumi:pulumi:Stack"), step("update", RULE, "aws:lb/listenerRule:ListenerRule")] };
const withVersionBump = { steps: [...weightsOnly.steps, { ...step("update", "urn:pulumi:prod::shop::aws:eks/cluster:Cluster::shop-green", "aws:eks/cluster:Cluster"), diffReasons: ["version"] }] };

const applier = pulumiCliApplier({ workDir: dir, stackName: "prod" }, fleet, "web", { command: fake });
const calls = () => readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");

beforeEach(() => {
  for (const f of ["calls", "up-fails", "up-slow", "up-pgid"]) rmSync(path.join(dir, f), { force: true });
  writeFileSync(path.join(dir, "export.json"), JSON.stringify(exported));
  writeFileSync(path.join(dir, "preview.json"), JSON.stringify(weightsOnly));
});

describe("the stack's state", () => {
  it("gives each service's weight resources and the weights they were last applied with", () => {
    expect(serviceState(exported, fleet, "web")).toEqual({ urns: [RULE], weights: { blue: 90, green: 10 } });
    expect(serviceState(exported, fleet, "api")).toEqual({
      urns: ["urn:pulumi:prod::shop::aws:route53/record:Record::shop-api-blue", "urn:pulumi:prod::shop::aws:route53/record:Record::shop-api-green"],
      weights: { blue: 100, green: 0 },
    });
  });

  it("names every change in a preview besides an in-place update of the weight resources", () => {
    expect(otherChangesIn(weightsOnly, [RULE])).toEqual([]);
    expect(otherChangesIn(withVersionBump, [RULE])).toEqual(["update aws:eks/cluster:Cluster shop-green (version)"]);
    // Replacing the listener rule is not a weight change either.
    expect(otherChangesIn({ steps: [step("replace", RULE, "aws:lb/listenerRule:ListenerRule")] }, [RULE])).toHaveLength(1);
  });
});

describe("pulumi, driven by the rollout", () => {
  it("previews the stack and refuses a step when anything else would change", async () => {
    expect(await applier.otherChanges()).toEqual([]);
    writeFileSync(path.join(dir, "preview.json"), JSON.stringify(withVersionBump));
    expect(await applier.otherChanges()).toEqual(["update aws:eks/cluster:Cluster shop-green (version)"]);
    expect(calls()).toContain("preview --json --stack prod --non-interactive");
  });

  it("runs pulumi up targeted to the service's weight resources, in a process group of its own", async () => {
    const lines: string[] = [];
    await applier.up((line) => lines.push(line));
    expect(lines).toContain("Resources: 1 updated");
    expect(calls().at(-1)).toBe(`up --yes --skip-preview --color never --target ${RULE} --stack prod --non-interactive`);
    const ourGroup = readFileSync("/proc/self/stat", "utf8").split(" ")[4];
    const childGroup = readFileSync(path.join(dir, "up-pgid"), "utf8").trim();
    // A Ctrl-C or SIGTERM to baton's group does not reach the update.
    expect(childGroup).not.toBe(ourGroup);
  });

  it("rejects with Pulumi's own words when the update fails, and reads the stack's weights back", async () => {
    writeFileSync(path.join(dir, "up-fails"), "");
    await expect(applier.up(() => undefined)).rejects.toThrow("pulumi up exited 255: error: update failed: listener rule: ValidationError");
    expect(await applier.stackWeights()).toEqual({ blue: 90, green: 10 });
  });

  it("cancels a running update only when asked to, through Pulumi's own interrupt", async () => {
    writeFileSync(path.join(dir, "up-slow"), "");
    const cancel = new AbortController();
    const started = Date.now();
    const running = applier.up(() => undefined, cancel.signal);
    while (!existsSync(path.join(dir, "up-pgid"))) await new Promise((r) => setTimeout(r, 20));
    cancel.abort();
    await expect(running).rejects.toThrow("pulumi up was stopped on request; baton sent SIGINT to its process group: cancelled");
    expect(Date.now() - started).toBeLessThan(20_000);
    // Once cancelled, no further update starts.
    await expect(applier.up(() => undefined, cancel.signal)).rejects.toThrow(/cancelled by a second signal/);
  });
});
