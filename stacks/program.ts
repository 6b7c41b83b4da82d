/**
 * The fleet program: validate `baton:fleet` with every spec rule, then build the fleet. Shared by
 * the stack (`stacks/index.ts`, run by `pulumi up`) and the offline preview, which runs it
 * in-process under Pulumi's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenFleet, type FleetOutputs } from "../src/components/blue-green-fleet.js";
import type { FleetPart } from "../src/components/fleet-parts.js";
import type { FleetInput, FleetSpec } from "../src/fleet/types.js";
import { InputFileError, readInputFile } from "../src/fleet/input-file.js";
import { recordOf, type DeploymentRecord } from "../src/fleet/deployment-record.js";
import { judgeChange, type LastDeployment } from "../src/fleet/judge.js";
import type { VersionHistory } from "../src/fleet/version-history.js";
import { OVERRIDE_CONFIG_KEY } from "../src/fleet/overrides.js";
import { formatProblem, FleetSpecError, warningsOf, type Problem } from "../src/fleet/problems.js";
import { parseStackConfig } from "../src/fleet/stack-config.js";
import { validateFleet } from "../src/fleet/validate.js";
import { isoDate } from "../src/fleet/versions.js";

export interface FleetProgramOptions {
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
  /**
   * The fleet as deployed (raw `baton:fleet`), when known: problems it already has that this fleet
   * does not make worse are warnings, not errors. The offline preview passes its base config; its
   * review carries the verdict on the change, so the program still draws a refused change.
   */
  readonly deployed?: unknown;
  /**
   * `pulumi up`: what the stack's last deployment applied (its deploymentRecord output), or null
   * when it has none. The config is judged as a change from it with the rules `baton plan` applies
   * (`judgeChange`); a refused change stops the program before it registers anything. Null: the
   * config is judged alone, and a log line says so.
   */
  readonly lastDeployment?: LastDeployment | null;
  /** The stack config's `baton:override` (raw): refusals it names are let through as warnings. */
  readonly overrides?: unknown;
  /** The last deployment's `addonVersions` output (see BlueGreenFleetArgs). */
  readonly previousAddonVersions?: pulumi.Input<unknown>;
  /** The IAM principal `pulumi up` runs as, when the stack names it (see BlueGreenFleetArgs). */
  readonly deployerArn?: string;
  /** A part build's projection of the fleet as last deployed (see BlueGreenFleetArgs.lastDeployed). @default deployed */
  readonly lastDeployed?: unknown;
  /** Problems of the stack config beside the fleet (its `baton:wave`): reported with the fleet's, before anything registers. */
  readonly stackProblems?: readonly Problem[];
}

/** The stack's outputs: the fleet's, and the record the next deployment is judged against. */
export interface FleetProgramOutputs extends FleetOutputs {
  /** Resolves once every resource of the fleet has been applied (see `recordWhenApplied`). */
  readonly deploymentRecord: pulumi.Output<DeploymentRecord>;
}

/** How to override a refusal, at the end of a refused change's message. */
const OVERRIDE_HINT = `To apply a refused change anyway (break-glass), list each refusal under ${OVERRIDE_CONFIG_KEY} in the stack config: `
  + "- rule: <rule>, path: <path>, reason: <why>. The override shows as a warning in the preview and the deployment log; remove it once the change is applied.";

/** Validates (or judges, under `pulumi up`) the config; throws FleetSpecError with every problem. */
function judge(fleetInput: unknown, options: FleetProgramOptions, today: string): { fleet: FleetSpec; deployed?: unknown; warnings: Problem[]; versions?: VersionHistory } {
  if (options.lastDeployment === undefined) {
    const deployed = options.deployed === undefined ? {} : { deployed: options.deployed };
    const validation = validateFleet(fleetInput, { today, ...deployed });
    if (!validation.ok) throw new FleetSpecError(validation.problems);
    return { fleet: validation.fleet, ...deployed, warnings: warningsOf(validation.problems) };
  }
  const last = options.lastDeployment ?? undefined;
  const judgement = judgeChange(last, fleetInput, { today, ...(options.overrides !== undefined ? { overrides: options.overrides } : {}) });
  void pulumi.log.info(judgement.basis);
  // What the deployment log must say beyond the verdict: how a version rollback reaches EKS, and the way outside Pulumi.
  for (const change of judgement.plan?.changes ?? []) for (const note of change.notes ?? []) void pulumi.log.info(`${change.summary}. ${note}`);
  if (!judgement.ok || judgement.fleet === undefined) {
    const refused = judgement.plan !== undefined && judgement.plan.changes.some((c) => c.refusals.length > 0);
    throw refused
      ? new FleetSpecError(judgement.problems, `pulumi up refuses this change, judged against ${last!.source}`, OVERRIDE_HINT)
      : new FleetSpecError(judgement.problems);
  }
  return {
    fleet: judgement.fleet, ...(last !== undefined ? { deployed: last.fleet } : {}), warnings: warningsOf(judgement.problems),
    ...(judgement.versions !== undefined ? { versions: judgement.versions } : {}),
  };
}

/**
 * Runs the fleet program on the raw `baton:fleet` value. Throws FleetSpecError listing every
 * problem before any resource is registered; returns the stack outputs.
 */
export function runFleetProgram(fleetInput: unknown, options: FleetProgramOptions = {}): FleetProgramOutputs {
  const today = options.today ?? isoDate(new Date());
  const stackProblems = options.stackProblems ?? [];
  let judged: ReturnType<typeof judge>;
  try {
    judged = judge(fleetInput, options, today);
  } catch (error) {
    if (error instanceof FleetSpecError && stackProblems.length > 0) throw new FleetSpecError([...stackProblems, ...error.problems]);
    throw error;
  }
  if (stackProblems.length > 0) throw new FleetSpecError(stackProblems);
  const { fleet: spec, deployed, warnings, versions } = judged;
  // Warnings (a version in paid extended support, an overridden refusal) do not stop the program; they show in the preview.
  for (const warning of warnings) void pulumi.log.warn(formatProblem(warning));
  const applied: pulumi.Resource[] = [];
  const fleet = new BlueGreenFleet(spec.name, {
    fleet: spec, today, ...(deployed !== undefined ? { deployed: deployed as FleetInput } : {}),
    ...(options.previousAddonVersions !== undefined ? { previousAddonVersions: options.previousAddonVersions } : {}),
    ...(options.deployerArn !== undefined ? { deployerArn: options.deployerArn } : {}),
  }, { transformations: [collectInto(applied)] });
  // `applied` holds the fleet component itself and everything below it.
  // Under pulumi up the record carries how each version was reached, and on which day: the evidence
  // the next run judges a version rollback on.
  return { ...fleet.outputs, deploymentRecord: recordWhenApplied(recordOf(spec, versions), applied) };
}

/** A transformation that changes nothing and notes each resource the fleet registers (its children, theirs, ...). */
function collectInto(resources: pulumi.Resource[]): pulumi.ResourceTransformation {
  return ({ resource }) => { resources.push(resource); return undefined; };
}

/**
 * The record as an output that resolves only once every resource has been applied: a resource's
 * URN resolves when the engine has finished its step (in a preview: planned it). A deployment that
 * fails on any of them never resolves it, so the stack keeps the last complete deployment's record
 * and the next run is judged against what was applied, not against what was attempted.
 */
function recordWhenApplied(record: DeploymentRecord, resources: readonly pulumi.Resource[]): pulumi.Output<DeploymentRecord> {
  return pulumi.all(resources.map((r) => r.urn)).apply(() => record);
}

/** The variable that names the deployed stack config for `pulumi up` (see `deployedFleetFromEnv`). */
export const DEPLOYED_CONFIG_VARIABLE = "BATON_DEPLOYED_CONFIG";
const MAX_STACK_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * A stack last deployed by a baton that recorded nothing (no deploymentRecord output) has no
 * record to judge its next change against. For that one change, BATON_DEPLOYED_CONFIG can name the
 * deployed stack config (e.g. the file from the base branch): the change is then judged against it,
 * as `baton plan` judges it. Once the stack has a record, the record is what counts and the
 * variable is ignored (with a warning). Unset and no record: the config is judged alone.
 */
export function deployedFleetFromEnv(env: NodeJS.ProcessEnv = process.env): { deployed?: unknown } {
  const file = env[DEPLOYED_CONFIG_VARIABLE];
  if (!file) return {};
  const problem = (message: string, fix: string) => new FleetSpecError([{ severity: "error", rule: "deployed-config", path: file, message, fix }], `${DEPLOYED_CONFIG_VARIABLE}=${file}`);
  let text: string;
  try {
    // Bounded, regular files only: a FIFO or a device must not hang or exhaust the program.
    text = readInputFile(file, { maxBytes: MAX_STACK_CONFIG_BYTES });
  } catch (error) {
    if (error instanceof InputFileError) throw problem(`Cannot read it: ${error.message}.`, `Point ${DEPLOYED_CONFIG_VARIABLE} at the deployed stack config, or unset it to judge the config alone.`);
    throw problem(`Cannot read it: ${(error as Error).message}.`, `Point ${DEPLOYED_CONFIG_VARIABLE} at the deployed stack config, or unset it to judge the config alone.`);
  }
  const config = parseStackConfig(text, file);
  if (config.problems.length > 0 || config.fleet === undefined) {
    throw problem("It is not a stack config with a baton:fleet key.", `Point ${DEPLOYED_CONFIG_VARIABLE} at the deployed Pulumi.<stack>.yaml.`);
  }
  return { deployed: config.fleet };
}

/** The URNs of what a part build owns and of the references to other parts it registered. */
export interface PartUrns {
  readonly owned: readonly pulumi.Output<string>[];
  readonly borrowed: readonly pulumi.Output<string>[];
}

/**
 * Builds one part of the fleet from its projection (`partProjection`), as the whole program would
 * build it; the offline preview captures the fleet this way, part by part. Warnings are left to the
 * whole program.
 */
export function runFleetPart(projection: unknown, part: FleetPart, options: FleetProgramOptions = {}): PartUrns {
  const today = options.today ?? isoDate(new Date());
  // The whole config was judged (against its base) before any part runs; a part builds what the whole
  // program builds, so a problem the projection already has is no reason to stop here. The component
  // validates the projection itself (against itself as deployed): validating it here too only doubled
  // a large part's cost.
  // The projection is its own `deployed` for judging only; node group sizes depend on what was last deployed.
  const lastDeployed = options.lastDeployed === undefined ? false : options.lastDeployed as FleetInput;
  const fleet = new BlueGreenFleet((projection as { name: string }).name, { fleet: projection as FleetInput, today, part, deployed: projection as FleetInput, lastDeployed });
  const scope = fleet.partScope!;
  return { owned: scope.owned.map((r) => r.urn), borrowed: scope.borrowed.map((r) => r.urn) };
}
