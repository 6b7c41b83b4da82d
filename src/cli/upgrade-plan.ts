import { existsSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { FleetSpecError, formatProblem } from "../fleet/problems.js";
import { colors, EXIT, inputLimits, readTextFile, UsageError, type Io } from "./io.js";
import { clockText, startProgress } from "./progress.js";
import { type StepFolder, StepFilesWriteError, writeStepFiles } from "./step-files.js";
import type { SetExit } from "./main.js";
import { isDirectory, stackFileNames } from "./stack-dirs.js";
import { todayOption } from "./today.js";

interface UpgradePlanFlags {
  readonly to?: string;
  readonly amis?: boolean;
  readonly region?: string;
  readonly method: "in-place" | "node-group" | "blue-green" | "compare";
  readonly out?: string;
  readonly manifests: string[];
  readonly today?: string;
  readonly format: "text" | "json" | "markdown";
  readonly steps: string;
  readonly bake: string;
  readonly newCluster: string[];
  readonly stepInterval: string;
  readonly extendedSupportRate?: string;
  readonly workflow?: string;
  readonly maxParallel?: string;
  readonly runsOn: string;
  readonly insights?: boolean;
  readonly refreshInsights?: boolean;
}

function parseNewClusters(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([a-z][a-z0-9-]*)=([a-z][a-z0-9-]*)$/.exec(pair);
    if (!match) throw new UsageError(`--new-cluster ${JSON.stringify(pair)}: write <old-cluster>=<new-cluster>, e.g. --new-cluster blue=teal`);
    out[match[1]!] = match[2]!;
  }
  return out;
}

export function registerUpgradePlan(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("upgrade-plan")
    .description("plan the road from a fleet to a Kubernetes version as stack files, each step checked by the spec's plan; compare the methods; exit 0 when ready, 1 when the method cannot reach the target or the plan needs input or attention")
    .argument("<stack-config>", "the stack config as deployed, e.g. stacks/Pulumi.migration.yaml; or a folder of them (every Pulumi.<stack>.yaml, planned in the waves their baton:wave names)")
    .option("--to <version>", "the Kubernetes minor every cluster should reach, e.g. 1.35 (required unless --amis)")
    .option("--amis", "plan an AMI-only road instead of a version: one step per node group, each pinning the AMI release AWS recommends (as `baton amis --refresh` cached it)")
    .option("--region <region>", "the region whose cached AMI release recommendations (baton amis --refresh) --amis and pinned groups on the way use (default: the stack's aws:region)")
    .addOption(new Option("-m, --method <method>", "in-place, node-group (node group blue/green), blue-green (cluster blue/green), or compare").choices(["in-place", "node-group", "blue-green", "compare"]).default("in-place"))
    .option("-o, --out <dir>", "write each step as a complete stack file, 01-<slug>.yaml, 02-…, into this folder (one folder per method with compare)")
    // One path per --manifests, repeatable: a variadic option would swallow the stack config written after it.
    .option("--manifests <path>", "a Kubernetes manifest file or folder to check (baton check --fleet) for the version each step moves to; repeat for more", (value: string, all: string[]) => [...all, value], [] as string[])
    .addOption(todayOption())
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("--steps <percents>", "cluster blue/green: the receiving cluster's share at each traffic step", "10,25,50,100")
    .option("--bake <duration>", "how long each traffic step is watched before the next", "10m")
    .option("--new-cluster <old=new>", "cluster blue/green: the name of the cluster built for <old> (repeatable); default blue ↔ green or <old>-1-NN", (value: string, all: string[]) => [...all, value], [] as string[])
    .option("--step-interval <duration>", "the least time between the starts of two steps (review and apply cadence), e.g. 24h; default back to back", "0")
    .option("--extended-support-rate <usd>", "USD per cluster-hour in EKS extended support (default 0.60, AWS's published rate when written)")
    .option("--workflow <file>", "a folder of stacks with --out: where to write the GitHub Actions workflow that runs the plan in waves (default <out>/baton-upgrade.yml)")
    .option("--max-parallel <n>", "a folder of stacks: the workflow runs at most this many stacks of a wave at once")
    .option("--runs-on <label>", "a folder of stacks: the runner the workflow's jobs run on", "ubuntu-latest")
    .option("--insights", "read EKS's upgrade insights for every minor on each cluster's road (AWS credentials, the stack's aws:region; eks:ListInsights, eks:DescribeInsight): an ERROR insight, or insights that cannot be read, make the plan not ready (exit 1)")
    .option("--refresh-insights", "with --insights: ask EKS to run its checks again first (eks:StartInsightsRefresh) and wait up to 30 s for them")
    .action(async (file: string, flags: UpgradePlanFlags) => {
      if (flags.amis) {
        await planAmiRoad(file, flags, io, setExit);
        return;
      }
      if (flags.to === undefined) throw new UsageError("--to <version> is required: the Kubernetes minor to reach, e.g. --to 1.35 (or --amis for an AMI-only road)");
      const to = flags.to;
      const upgrade = await import("../upgrade/index.js");
      const { parseDuration, parseSteps, ScheduleError } = await import("../traffic/schedule.js");
      // The plan's calendar starts on --today, and every step is judged on it, as `baton plan --today` would.
      const today = flags.today ?? new Date().toISOString().slice(0, 10);
      let options;
      try {
        const rate = flags.extendedSupportRate === undefined ? undefined : Number(flags.extendedSupportRate);
        if (rate !== undefined && !(Number.isFinite(rate) && rate >= 0)) throw new UsageError(`--extended-support-rate ${JSON.stringify(flags.extendedSupportRate)} is not an amount in USD, e.g. 0.60`);
        options = {
          to, today,
          percents: parseSteps(flags.steps),
          newClusters: parseNewClusters(flags.newCluster),
          stepIntervalMinutes: parseDuration(flags.stepInterval, "--step-interval") / 60_000,
          assumptions: { bakeMinutes: parseDuration(flags.bake, "--bake") / 60_000, ...(rate !== undefined ? { extendedSupportUsdPerClusterHour: rate } : {}) },
          ...(flags.manifests.length > 0 ? { manifests: await readManifests(flags.manifests) } : {}),
        };
        upgrade.assertTargetVersion(to, today);
      } catch (error) {
        if (error instanceof ScheduleError || error instanceof upgrade.UpgradePlanError) throw new UsageError(error.message);
        throw error;
      }

      if (flags.refreshInsights && !flags.insights) throw new UsageError("--refresh-insights applies to --insights; add --insights or drop --refresh-insights");
      if (isDirectory(file)) {
        if (flags.insights) throw new UsageError("--insights reads one stack's clusters: run upgrade-plan --insights on each stack config of the folder");
        if (flags.method === "compare") throw new UsageError("--method compare takes one stack config; for a folder of stacks, choose the method (in-place, node-group or blue-green)");
        await planStackDir(file, flags, options, io, setExit);
        return;
      }
      if (flags.workflow !== undefined || flags.maxParallel !== undefined) throw new UsageError("--workflow and --max-parallel apply to a folder of stacks");
      let doc;
      const text = readTextFile(file);
      try {
        doc = upgrade.StackDocument.parse(text, file);
      } catch (error) {
        if (error instanceof FleetSpecError) throw new UsageError(`${file}: ${error.problems.map(formatProblem).join("\n")}`);
        throw error;
      }
      const { validateFleet } = await import("../fleet/validate.js");
      const validation = validateFleet(doc.fleet(), { today });
      if (!validation.fleet) {
        io.err(validation.problems.map(formatProblem).join("\n\n"));
        throw new UsageError(`${file} does not match the fleet schema (${validation.problems.length} problem(s) above); fix it before planning an upgrade`);
      }

      // Pinned AMI releases follow each group's minor: to the recommended release `baton amis --refresh` cached, where it did.
      const releases = await cachedReleases(validation.fleet, text, file, flags, io);
      if (releases !== undefined) options = { ...options, releases };

      const c = colors(io);
      // Checking manifests against every version a step moves to is the slow part: say so on a terminal.
      const progress = options.manifests ? await startProgress(io) : undefined;
      progress?.show((elapsed) => `upgrade-plan: checking ${options.manifests!.length} manifest file(s) against each version the plan moves to · ${clockText(elapsed)}`);
      let plans;
      try {
        plans = flags.method === "compare" ? upgrade.compareUpgrades(doc, options) : [upgrade.planUpgrade(doc, flags.method, options)];
      } finally {
        progress?.stop();
      }
      if (flags.insights) {
        const insights = await readPlanInsights(validation.fleet, text, file, flags, to);
        const { withInsights } = await import("../upgrade/insights.js");
        plans = plans.map((p) => withInsights(p, insights));
      }
      const writable = plans.some((p) => p.ok);
      if (flags.out !== undefined && writable) {
        // Every folder is checked, and every file written, before any is put in place: all or nothing.
        const folders = plans.filter((p) => p.ok).map((planned) => ({ dir: flags.method === "compare" ? path.join(flags.out!, planned.method) : flags.out!, files: planned.files }));
        // The rollback files of in-place version steps go to rollback/ beside the steps they undo.
        const rollbackFolders = plans.filter((p) => p.ok && p.rollbackFiles.length > 0).map((planned) => ({
          dir: path.join(flags.method === "compare" ? path.join(flags.out!, planned.method) : flags.out!, upgrade.ROLLBACK_FOLDER),
          files: planned.rollbackFiles.map((f) => ({ name: path.basename(f.name), text: f.text })),
        }));
        try {
          writeStepFiles(flags.out, [...folders, ...rollbackFolders]);
        } catch (error) {
          if (!(error instanceof StepFilesWriteError)) throw error;
          io.err(c.red(`baton: ${error.message}`));
          setExit(EXIT.io);
          return;
        }
        for (const [i, planned] of plans.filter((p) => p.ok).entries()) {
          io.err(c.dim(`wrote ${planned.files.length} step file(s) to ${folders[i]!.dir}${planned.rollbackFiles.length > 0 ? `, and ${planned.rollbackFiles.length} rollback file(s) to ${path.join(folders[i]!.dir, upgrade.ROLLBACK_FOLDER)}` : ""}`));
          const placeholders = new Set(planned.steps.flatMap((step) => step.inputs.map((input) => input.placeholder)));
          if (placeholders.size > 0) io.err(c.yellow(`fill in ${[...placeholders].join(", ")} (marked TODO) in the step files before applying them: every command and pulumi up refuse them until then`));
        }
      }
      if (flags.method === "compare") {
        io.out(flags.format === "json" ? upgrade.renderCompareJson(plans) : flags.format === "markdown" ? upgrade.renderCompareMarkdown(plans) : upgrade.renderCompareText(plans, c));
        setExit(plans.some((p) => p.status === "ready") ? EXIT.ok : EXIT.failed);
        return;
      }
      const planned = plans[0]!;
      io.out(flags.format === "json" ? upgrade.renderPlanJson(planned) : flags.format === "markdown" ? upgrade.renderPlanMarkdown(planned) : upgrade.renderPlanText(planned, c));
      if (!planned.ok && flags.out !== undefined) io.err(c.red(`no file written: ${upgrade.METHOD_NAMES[planned.method]} cannot reach ${planned.to}`));
      setExit(planned.status === "ready" ? EXIT.ok : EXIT.failed);
    });
}

/**
 * `upgrade-plan <stack-config> --amis`: the node groups whose recommended AMI release (from the
 * `baton amis` cache) they do not pin yet, rolled one per step, each step a complete stack file the
 * spec's plan allows, with its estimate.
 */
async function planAmiRoad(file: string, flags: UpgradePlanFlags, io: Io, setExit: SetExit): Promise<void> {
  if (flags.to !== undefined) throw new UsageError("--amis plans no version move: drop --to (plan the version first, then the AMIs)");
  if (flags.method !== "in-place") throw new UsageError("--amis takes no --method: each step rolls one node group in place");
  if (isDirectory(file)) throw new UsageError("--amis takes one stack config, not a folder");
  const [upgrade, { validateFleet }, { nodeGroupReleases }, amis, { parseStackConfig }, { parseDuration, ScheduleError }] = await Promise.all([
    import("../upgrade/index.js"), import("../fleet/validate.js"), import("../fleet/ami-releases.js"), import("./amis.js"),
    import("../fleet/stack-config.js"), import("../traffic/schedule.js"),
  ]);
  const today = flags.today ?? new Date().toISOString().slice(0, 10);
  const text = readTextFile(file);
  let doc;
  try {
    doc = upgrade.StackDocument.parse(text, file);
  } catch (error) {
    if (error instanceof FleetSpecError) throw new UsageError(`${file}: ${error.problems.map(formatProblem).join("\n")}`);
    throw error;
  }
  const validation = validateFleet(doc.fleet(), { today });
  if (!validation.fleet) {
    io.err(validation.problems.map(formatProblem).join("\n\n"));
    throw new UsageError(`${file} does not match the fleet schema (${validation.problems.length} problem(s) above); fix it before planning`);
  }
  const cached = (await amis.openAmiCache(io.err)).cache;
  const region = amis.regionOf(flags, parseStackConfig(text, file).region);
  const rows = await amis.rowsWithRecommendations(nodeGroupReleases(validation.fleet), cached, region ?? amis.newestRegion(cached));
  const unknown = rows.filter((r) => r.status === "unknown").map((r) => `${r.cluster}/${r.nodeGroup}`);
  if (unknown.length === rows.length && rows.length > 0) {
    throw new UsageError(`no recommended AMI release cached for any node group of ${file}: run baton amis ${file} --refresh first (it reads them from SSM)`);
  }
  let stepIntervalMinutes;
  try {
    stepIntervalMinutes = parseDuration(flags.stepInterval, "--step-interval") / 60_000;
  } catch (error) {
    if (error instanceof ScheduleError) throw new UsageError(error.message);
    throw error;
  }
  const planned = upgrade.planAmiRoad(doc, amis.pinsToWrite(rows), { today, stepIntervalMinutes });
  const notes = unknown.length > 0 ? [...planned.notes, `No recommended release cached for ${unknown.join(", ")}: left as they are (baton amis ${file} --refresh).`] : planned.notes;
  const shown = { ...planned, notes };
  const c = colors(io);
  if (flags.out !== undefined && planned.ok && planned.files.length > 0) {
    try {
      writeStepFiles(flags.out, [{ dir: flags.out, files: planned.files }]);
    } catch (error) {
      if (!(error instanceof StepFilesWriteError)) throw error;
      io.err(c.red(`baton: ${error.message}`));
      setExit(EXIT.io);
      return;
    }
    io.err(c.dim(`wrote ${planned.files.length} step file(s) to ${flags.out}`));
  }
  io.out(flags.format === "json" ? upgrade.renderPlanJson(shown) : flags.format === "markdown" ? upgrade.renderPlanMarkdown(shown) : upgrade.renderPlanText(shown, c));
  setExit(planned.status === "ready" ? EXIT.ok : EXIT.failed);
}

/**
 * The recommended AMI releases `baton amis --refresh` cached for the stack's region, by SSM
 * parameter, when the fleet pins any release (undefined otherwise: nothing to re-pin).
 */
async function cachedReleases(fleet: import("../fleet/types.js").FleetSpec, text: string, file: string, flags: UpgradePlanFlags, io: Io): Promise<Record<string, string> | undefined> {
  const pinned = Object.values(fleet.clusters).some((c) => Object.values(c.nodeGroups).some((g) => g.releaseVersion !== undefined));
  if (!pinned) return undefined;
  const [amis, { parseStackConfig }] = await Promise.all([import("./amis.js"), import("../fleet/stack-config.js")]);
  const { cache } = await amis.openAmiCache(io.err);
  const region = amis.regionOf(flags, parseStackConfig(text, file).region) ?? amis.newestRegion(cache);
  const entries = (cache?.entries ?? []).filter((e) => region === undefined || e.region === region);
  return Object.fromEntries(entries.map((e) => [e.parameter, e.value]));
}

/** EKS's upgrade insights of every cluster of the stack below `--to`, read in the stack's `aws:region`. */
async function readPlanInsights(fleet: import("../fleet/types.js").FleetSpec, text: string, file: string, flags: UpgradePlanFlags, to: string) {
  const [{ parseStackConfig }, { eksClusterName }, { createAwsClients }, { readClustersInsights }, { STACK_REGION_FIX }] = await Promise.all([
    import("../fleet/stack-config.js"), import("../fleet/names.js"), import("../traffic/aws/clients.js"), import("../traffic/aws/eks-insights.js"), import("../traffic/aws/errors.js"),
  ]);
  const region = parseStackConfig(text, file).region;
  const { eks } = createAwsClients(region);
  const clusters = Object.entries(fleet.clusters).map(([cluster, spec]) => ({ cluster, eksName: eksClusterName(fleet.name, cluster), version: spec.version }));
  return readClustersInsights(eks, clusters, to, { regionFix: STACK_REGION_FIX, ...(flags.refreshInsights ? { refresh: true } : {}) });
}

async function readManifests(paths: readonly string[]) {
  const { manifestFiles, readInput, UnreadableInputError } = await import("../checks/inputs.js");
  try {
    const { files, errors } = manifestFiles(paths);
    const inputs = [];
    for (const file of files) {
      const input = readInput(file, inputLimits());
      if ("text" in input) inputs.push(input);
      else errors.push(input);
    }
    // The plan's findings must cover every manifest: an unreadable one stops it, named.
    if (errors.length > 0) throw new UsageError(errors.map((e) => `cannot read ${e.file}: ${e.message}`).join("\n"));
    return inputs;
  } catch (error) {
    if (error instanceof UnreadableInputError) throw new UsageError(error.message);
    throw error;
  }
}

type PlanOptions = import("../upgrade/upgrade-plan.js").UpgradePlanOptions;

/**
 * `baton upgrade-plan <dir> --out <out>`: every stack's road to the target, by one method, in the
 * waves the stack files name. Each stack's steps go to `<out>/<stack>/` (each a complete stack file
 * `plan` accepts, with the stack's `plan.json` and the `original.yaml` it starts from), the summary
 * ordered by wave to `<out>/README.md`, and the GitHub Actions workflow that runs it. Nothing is
 * written unless every stack can reach the target.
 */
async function planStackDir(dir: string, flags: UpgradePlanFlags, options: PlanOptions, io: Io, setExit: SetExit): Promise<void> {
  const maxParallel = flags.maxParallel === undefined ? undefined : Number(flags.maxParallel);
  if (maxParallel !== undefined && !(Number.isInteger(maxParallel) && maxParallel >= 1 && maxParallel <= 256)) {
    throw new UsageError(`--max-parallel ${JSON.stringify(flags.maxParallel)} is not a whole number from 1 to 256`);
  }
  if (flags.workflow !== undefined && flags.out === undefined) throw new UsageError("--workflow needs --out: the workflow runs the steps written there");
  const [upgrade, fleetPlan, { parseStackConfig }, { validateFleet }] = await Promise.all([
    import("../upgrade/index.js"), import("../upgrade/fleet-plan.js"), import("../fleet/stack-config.js"), import("../fleet/validate.js"),
  ]);
  const names = await stackFileNames(dir);
  if (names.size === 0) throw new UsageError(`no stack files (Pulumi.<stack>.yaml) in ${dir}`);
  // Every stack file is read and checked before anything is planned; all problems at once.
  const problems: string[] = [];
  const inputs: import("../upgrade/fleet-plan.js").FleetStackInput[] = [];
  for (const [name, stackFile] of names) {
    try {
      const text = readTextFile(stackFile);
      const config = parseStackConfig(text, stackFile);
      const doc = upgrade.StackDocument.parse(text, stackFile);
      const validation = validateFleet(doc.fleet(), { today: options.today });
      const found = [...config.waveProblems, ...(validation.fleet ? [] : validation.problems.filter((p) => p.severity === "error"))];
      if (found.length > 0) {
        problems.push(`${stackFile}:\n${found.map((p) => formatProblem(p).replace(/^/gm, "    ")).join("\n")}`);
        continue;
      }
      inputs.push({ name, file: stackFile, text, doc, ...(config.wave !== undefined ? { wave: config.wave } : {}), ...(config.region !== undefined ? { region: config.region } : {}) });
    } catch (error) {
      if (error instanceof UsageError) problems.push(error.message);
      else if (error instanceof FleetSpecError) problems.push(`${stackFile}: ${error.problems.map((p) => p.message).join("; ")}`);
      else throw error;
    }
  }
  if (problems.length > 0) throw new UsageError(`${problems.length} stack file(s) cannot be planned; fix them first:\n  ${problems.join("\n  ")}`);

  const c = colors(io);
  const fleet = fleetPlan.planFleetUpgrade(inputs, flags.method as import("../upgrade/upgrade-plan.js").UpgradeMethod, options);
  io.out(flags.format === "json" ? fleetPlan.renderFleetPlanJson(fleet) : flags.format === "markdown" ? fleetPlan.renderFleetPlanMarkdown(fleet) : fleetPlan.renderFleetPlanText(fleet, c));
  setExit(fleet.ok ? EXIT.ok : EXIT.failed);
  if (flags.out === undefined) return;
  if (!fleet.ok) {
    io.err(c.red("no file written: every stack must reach the target before any wave runs"));
    return;
  }
  const out = flags.out;
  const stacks = fleet.waves.flatMap((w) => w.stacks);
  for (const stack of stacks) {
    if (existsSync(path.join(out, stack.name, "run-state.json"))) throw new UsageError(`${path.join(out, stack.name)} holds an earlier run's state (run-state.json); plan into an empty folder`);
  }
  const { githubWorkflow, HOSTED_JOB_LIMIT_MINUTES, waveMinutesNeeded } = await import("../upgrade/workflow.js");
  for (const wave of fleetPlan.wavesWithSteps(fleet)) {
    const needed = waveMinutesNeeded(wave);
    if (needed > HOSTED_JOB_LIMIT_MINUTES) io.err(c.yellow(`${wave.wave === undefined ? "the last wave" : `wave ${wave.wave}`} may need ${upgrade.formatMinutes(needed)}, more than the 6 h a GitHub-hosted job runs: its job stops there, and running it again resumes where it stopped`));
  }
  // The workflow runs at the repository root: paths are written relative to where this command runs.
  const relative = (p: string) => path.relative(process.cwd(), path.resolve(p)).split(path.sep).join("/");
  const workflowFile = flags.workflow ?? path.join(out, "baton-upgrade.yml");
  const workflow = githubWorkflow(fleet, {
    planDir: relative(out), stackFiles: new Map(stacks.map((s) => [s.name, relative(s.file)])), runsOn: flags.runsOn,
    ...(maxParallel !== undefined ? { maxParallel } : {}),
  });
  // Every stack's steps, the summary and the workflow land together or not at all, as a single stack's do.
  const folders: StepFolder[] = stacks.map((stack) => {
    const stackDir = path.join(out, stack.name);
    const runnable = fleetPlan.runnablePlan(stack, path.relative(stackDir, stack.file));
    return {
      dir: stackDir,
      files: [
        ...stack.plan.files.map((step) => ({ name: step.name, text: step.text })),
        { name: "original.yaml", text: stack.text },
        { name: "plan.json", text: `${JSON.stringify(runnable, null, 2)}\n` },
      ],
    };
  });
  // Each stack's in-place version steps' rollback files, in its rollback/ folder.
  for (const stack of stacks.filter((s) => s.plan.rollbackFiles.length > 0)) {
    folders.push({ dir: path.join(out, stack.name, upgrade.ROLLBACK_FOLDER), files: stack.plan.rollbackFiles.map((f) => ({ name: path.basename(f.name), text: f.text })) });
  }
  folders.push({ dir: out, files: [{ name: "README.md", text: fleetPlan.renderFleetPlanMarkdown(fleet) }] });
  folders.push({ dir: path.dirname(path.resolve(workflowFile)), files: [{ name: path.basename(workflowFile), text: workflow }] });
  try {
    writeStepFiles(out, folders);
  } catch (error) {
    if (!(error instanceof StepFilesWriteError)) throw error;
    io.err(c.red(`baton: ${error.message}`));
    setExit(EXIT.io);
    return;
  }
  const steps = stacks.reduce((n, s) => n + s.plan.steps.length, 0);
  io.err(c.dim(`wrote ${steps} step file(s) for ${stacks.length} stack(s) to ${out}, the summary to ${path.join(out, "README.md")} and the workflow to ${workflowFile}`));
}
