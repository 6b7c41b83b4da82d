/**
 * Writes the `pulumi preview --json` documents in this folder, so `baton comment` can be tried
 * (and is tested) from the repository alone, with no Pulumi CLI or AWS account:
 *
 *   npx tsx examples/previews/write.ts
 *
 * The shape is Pulumi's preview digest (pulumi/pulumi `pkg/display/json.go`): `config` (values as
 * strings, `baton:fleet` as JSON), `steps` (`op`, `urn`, `provider`, `oldState`/`newState` with
 * `type`, `custom`, `parent`, `inputs`; `diffReasons`, `replaceReasons`, `detailedDiff`), `duration`
 * and `changeSummary`. A replacement is three steps for one URN (create-replacement, replace,
 * delete-replaced); deletions come last. The resources are what baton's fleet program registers for
 * the example stacks, captured offline: the outputs, IDs and provider-computed values a real
 * engine adds are not known here and are left out.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { captureProgram } from "../../src/preview/capture.js";
import { diffCaptures } from "../../src/preview/diff.js";
import type { CapturedResource } from "../../src/preview/model.js";
import { runFleetProgram } from "../../stacks/program.js";

type StackConfig = { "aws:region": string; "baton:fleet": FleetInput };
interface FleetInput {
  clusters: Record<string, unknown>;
  services: Record<string, { weights: Record<string, number>; route53?: { targets: Record<string, unknown> } }>;
}

/** The date the example configs are judged on, so the documents do not change with the calendar. */
const TODAY = "2026-11-23";
const STACK = "prod";
const STACK_URN = `urn:pulumi:${STACK}::baton::pulumi:pulumi:Stack::baton-${STACK}`;
const PROVIDER_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_VERSIONS: Record<string, string> = { aws: "7_48_0", kubernetes: "4_34_2" };

const repo = path.resolve(__dirname, "../..");
const inStack = (urn: string) => urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${STACK}::`);
const defaultProvider = (type: string) => {
  const pkg = type.split(":")[0]!;
  return `urn:pulumi:${STACK}::baton::pulumi:providers:${pkg}::default_${PROVIDER_VERSIONS[pkg] ?? "0_0_0"}::${PROVIDER_ID}`;
};
const providerOf = (r: CapturedResource) => (r.custom ? { provider: r.provider ? inStack(r.provider) : defaultProvider(r.type) } : {});
const state = (r: CapturedResource) => ({ urn: inStack(r.urn), custom: r.custom, type: r.type, parent: r.parent ? inStack(r.parent) : STACK_URN, ...providerOf(r), inputs: r.inputs });
const topLevel = (paths: readonly string[]) => [...new Set(paths.map((p) => p.split(/[.[]/)[0]!))];

async function previewDigest(base: StackConfig, head: StackConfig): Promise<unknown> {
  const capture = (config: StackConfig) => captureProgram(() => runFleetProgram(config["baton:fleet"], { today: TODAY }));
  const before = await capture(base);
  const after = await capture(head);
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const now = new Map(after.resources.map((r) => [r.urn, r]));
  const stack = { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", inputs: {} };
  const steps: Record<string, unknown>[] = [{ op: "same", urn: STACK_URN, oldState: stack, newState: stack }];
  const deletes: Record<string, unknown>[] = [];
  const summary: Record<string, number> = { same: 1 };
  for (const change of diffCaptures(before, after)) {
    const b = old.get(change.urn);
    const a = now.get(change.urn);
    const head = { urn: inStack(change.urn), ...providerOf((a ?? b)!) };
    const op = change.op === "may-replace" ? "update" : change.op;
    summary[op] = (summary[op] ?? 0) + 1;
    if (op === "same") steps.push({ op, ...head, oldState: state(b!), newState: state(a!) });
    else if (op === "create") steps.push({ op, ...head, newState: state(a!) });
    else if (op === "delete") deletes.push({ op, ...head, oldState: state(b!) });
    else if (op === "update") {
      steps.push({ op, ...head, oldState: state(b!), newState: state(a!), diffReasons: topLevel(change.paths),
        detailedDiff: Object.fromEntries(change.paths.map((p) => [p, { kind: "update", inputDiff: true }])) });
    } else {
      const forcing = change.replacePaths ?? [];
      const replace = { ...head, oldState: state(b!), newState: state(a!), diffReasons: topLevel(change.paths), replaceReasons: topLevel(forcing),
        detailedDiff: Object.fromEntries(change.paths.map((p) => [p, { kind: forcing.includes(p) ? "update-replace" : "update", inputDiff: true }])) };
      steps.push({ op: "create-replacement", ...replace }, { op: "replace", ...replace }, { op: "delete-replaced", ...head, oldState: state(b!) });
    }
  }
  return {
    config: { "aws:region": head["aws:region"], "baton:fleet": JSON.stringify(head["baton:fleet"]) },
    steps: [...steps, ...deletes],
    duration: 0,
    changeSummary: summary,
  };
}

const load = (file: string) => (parse(readFileSync(path.join(repo, "stacks", file), "utf8")) as { config: StackConfig }).config;
const copy = (config: StackConfig): StackConfig => JSON.parse(JSON.stringify(config)) as StackConfig;

async function main(): Promise<void> {
  const migration = load("Pulumi.migration.yaml");
  // blue's node group moves to a larger instance type: EKS replaces the group.
  const biggerNodes = copy(migration);
  (biggerNodes["baton:fleet"].clusters["blue"] as { nodeGroups: { general: { instanceTypes: string[] } } }).nodeGroups.general.instanceTypes = ["m7i.xlarge"];
  // The migration's last step: blue drained, then removed.
  const drained = copy(migration);
  for (const service of Object.values(drained["baton:fleet"].services)) service.weights = { blue: 0, green: 100 };
  const decommissioned = copy(drained);
  delete decommissioned["baton:fleet"].clusters["blue"];
  for (const service of Object.values(decommissioned["baton:fleet"].services)) {
    service.weights = { green: 100 };
    delete service.route53?.targets["blue"];
  }
  const out = __dirname;
  mkdirSync(out, { recursive: true });
  const write = async (file: string, base: StackConfig, head: StackConfig) =>
    writeFileSync(path.join(out, file), `${JSON.stringify(await previewDigest(base, head), null, 2)}\n`);
  await write("shift.json", migration, load("Pulumi.migration-next.yaml"));
  await write("nodegroup-replacement.json", migration, biggerNodes);
  await write("decommission.json", drained, decommissioned);
}

void main();
