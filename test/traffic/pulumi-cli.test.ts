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
import { reference } from "../support/reference.js";

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
/** The listener rule's inputs as `pulumi preview --json` writes them in oldState and newState. */
const ruleInputs = (weights: [number, number], hosts = ["shop.example.com"]) => ({
  actions: [{ type: "forward", forward: { targetGroups: [{ arn: tg("blue"), weight: weights[0] }, { arn: tg("green"), weight: weights[1] }] } }],
  conditions: [{ hostHeader: { values: hosts } }],
  listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2",
  priority: 10, tags: { "baton:fleet": "shop", "baton:service": "web" },
});
/** A real-shaped update step of the rule: both states' inputs, diffReasons and detailedDiff. */
function ruleUpdate(before: ReturnType<typeof ruleInputs>, after: ReturnType<typeof ruleInputs>, detailedDiff: Record<string, { kind: string }> | undefined, diffReasons: string[]) {
  const type = "aws:lb/listenerRule:ListenerRule";
  return {
    op: "update", urn: RULE, oldState: { urn: RULE, type, custom: true, inputs: before }, newState: { urn: RULE, type, custom: true, inputs: after },
    diffReasons, ...(detailedDiff ? { detailedDiff } : {}),
  };
}
const weightDiff = { "actions[0].forward.targetGroups[0].weight": { kind: "update" }, "actions[0].forward.targetGroups[1].weight": { kind: "update" } };
const weightsOnly = { steps: [step("same", "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", "pulumi:pulumi:Stack"), ruleUpdate(ruleInputs([90, 10]), ruleInputs([50, 50]), weightDiff, ["actions"])] };
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

  it("refuses any field of the service's own listener rule besides its weights, naming the field", () => {
    // The hostHeaders edit rides in the same update as a weight change: refused, the field named.
    const hostEdit = ruleUpdate(ruleInputs([90, 10]), ruleInputs([50, 50], ["evil.example.com"]),
      { ...weightDiff, "conditions[0].hostHeader.values[0]": { kind: "update" } }, ["actions", "conditions"]);
    expect(otherChangesIn({ steps: [hostEdit] }, [RULE])).toEqual([
      "update aws:lb/listenerRule:ListenerRule shop-web: conditions[0].hostHeader.values[0] would change too, and a step may change only the weights",
    ]);
    // Alone, without a weight change; and with no detailedDiff (diffReasons only): the inputs name the field.
    const alone = ruleUpdate(ruleInputs([90, 10]), ruleInputs([90, 10], ["evil.example.com"]), undefined, ["conditions"]);
    expect(otherChangesIn({ steps: [alone] }, [RULE])[0]).toContain("conditions, conditions[0].hostHeader.values[0] would change too");
    // A change hidden inside "actions" (diffReasons only): the inputs show it is not a weight.
    const fixed = ruleInputs([50, 50]);
    const notForward = { ...fixed, actions: [{ ...fixed.actions[0]!, type: "fixed-response" }] };
    expect(otherChangesIn({ steps: [ruleUpdate(ruleInputs([90, 10]), notForward, undefined, ["actions"])] }, [RULE])[0]).toContain("actions[0].type would change too");
    // "actions" with no inputs to tell what in it changes is not assumed to be weights.
    expect(otherChangesIn({ steps: [step("update", RULE, "aws:lb/listenerRule:ListenerRule")] }, [RULE])).toEqual([
      "update aws:lb/listenerRule:ListenerRule shop-web: actions (the preview does not say which of its fields change) would change too, and a step may change only the weights",
    ]);
  });

  it("lets weights through however Pulumi names them: detailedDiff paths, diffReasons with the inputs, target groups in another order", () => {
    expect(otherChangesIn(weightsOnly, [RULE])).toEqual([]);
    expect(otherChangesIn({ steps: [ruleUpdate(ruleInputs([90, 10]), ruleInputs([50, 50]), undefined, ["actions"])] }, [RULE])).toEqual([]);
    const swapped = ruleInputs([50, 50]);
    const reordered = { ...swapped, actions: [{ ...swapped.actions[0]!, forward: { targetGroups: [...swapped.actions[0]!.forward.targetGroups].reverse() } }] };
    expect(otherChangesIn({ steps: [ruleUpdate(ruleInputs([90, 10]), reordered, undefined, ["actions"])] }, [RULE])).toEqual([]);
    // A target group added to the rule is not a weight.
    const added = ruleInputs([50, 50]);
    const three = { ...added, actions: [{ ...added.actions[0]!, forward: { targetGroups: [...added.actions[0]!.forward.targetGroups, { arn: tg("teal"), weight: 0 }] } }] };
    expect(otherChangesIn({ steps: [ruleUpdate(ruleInputs([90, 10]), three, undefined, ["actions"])] }, [RULE])[0]).toContain("actions[0].forward.targetGroups (a target group added, removed or not known yet)");
  });

  it("lets a Route53 record's weight through and names anything else of it", () => {
    const urn = "urn:pulumi:prod::shop::aws:route53/record:Record::shop-api-green";
    const record = (weight: number, alias = "green-api-456.us-east-1.elb.amazonaws.com") => ({
      name: "api.example.com", setIdentifier: "shop-green", type: "A", zoneId: "Z0123456789ABCDEFGHIJ",
      aliases: [{ name: alias, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }], weightedRoutingPolicies: [{ weight }],
    });
    const update = (after: ReturnType<typeof record>, detailedDiff: Record<string, { kind: string }>) => ({ steps: [{
      op: "update", urn, oldState: { type: "aws:route53/record:Record", custom: true, inputs: record(0) },
      newState: { type: "aws:route53/record:Record", custom: true, inputs: after }, detailedDiff,
    }] });
    expect(otherChangesIn(update(record(10), { "weightedRoutingPolicies[0].weight": { kind: "update" } }), [urn])).toEqual([]);
    expect(otherChangesIn(update(record(10, "elsewhere.example.net"), { "weightedRoutingPolicies[0].weight": { kind: "update" }, "aliases[0].name": { kind: "update" } }), [urn])).toEqual([
      "update aws:route53/record:Record shop-api-green: aliases[0].name would change too, and a step may change only the weights",
    ]);
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

const samples = reference("the rollout's gate on a real pulumi preview --json", "pulumi-preview/sample-preview-update.json");
describe.skipIf(!samples.present)(`the gate on real \`pulumi preview --json\` output${samples.skipNote}`, () => {
  it("names the field a real update step changes, even for a resource the step may update", () => {
    const preview = JSON.parse(samples.read("pulumi-preview/sample-preview-update.json")) as { steps: { op: string; urn: string }[] };
    const updated = preview.steps.find((s) => s.op === "update")!;
    // A Lambda function's code, not a weight: refused by name, whether or not its URN is a target.
    expect(otherChangesIn(preview, [])).toEqual(["update aws:lambda/function:Function docsHandler (code)"]);
    expect(otherChangesIn(preview, [updated.urn])).toEqual(["update aws:lambda/function:Function docsHandler: code would change too, and a step may change only the weights"]);
  });

  it("lets the repository's weight-step sample through", () => {
    const shift = JSON.parse(readFileSync(path.resolve(__dirname, "../../examples/previews/shift.json"), "utf8")) as { steps: { op: string; urn: string }[] };
    const rule = shift.steps.find((s) => s.op === "update")!.urn;
    expect(otherChangesIn(shift, [rule])).toEqual([]);
  });
});
