/**
 * The offline preview: run the fleet program on the head config (and on the base config when one
 * is given) under the mock runtime, diff the graphs, and build the review with the spec's plan.
 */
import type { AddonVersionRecord, DeployedAddons } from "../fleet/addon-versions.js";
import { DEPLOYMENT_RECORD_OUTPUT, recordOf } from "../fleet/deployment-record.js";
import type { VersionHistory } from "../fleet/version-history.js";
import { validateFleet } from "../fleet/validate.js";
import { errorsOf, FleetSpecError } from "../fleet/problems.js";
import type { FleetSpec } from "../fleet/types.js";
import { createAll, diffCaptures } from "./diff.js";
import type { Capture } from "./model.js";
import { buildReview, type Review } from "./review.js";

/** Runs the fleet program on a raw `baton:fleet` value, registering its resources. */
export type FleetProgram = (fleet: unknown) => unknown;

/** What the head run knows of the deployment before it, as a real `pulumi up` reads it from the stack. */
export interface CaptureContext {
  /** The base's add-on versions (its `addonVersions` output). */
  readonly previousAddonVersions?: AddonVersionRecord;
}

/**
 * Captures one fleet's resource graph (in this process, or in a worker). `deployed` is the base
 * config: the program treats problems it already has, and that `fleet` does not make worse, as
 * warnings (see the spec's `deployed.ts`). `context` is what the stack's last deployment recorded.
 */
export type FleetCapturer = (fleet: unknown, deployed?: unknown, context?: CaptureContext) => Promise<Capture>;

/** The add-on versions a captured fleet deploys, as the stack's `addonVersions` output records them. */
export function addonVersionsOf(capture: Capture): AddonVersionRecord {
  const versionOf = new Map(capture.resources.filter((r) => r.type === "aws:eks/cluster:Cluster").map((r) => [r.inputs["name"], r.inputs["version"]]));
  const record: Record<string, { kubernetesVersion: string; versions: Record<string, string> }> = {};
  for (const addon of capture.resources.filter((r) => r.type === "aws:eks/addon:Addon")) {
    const { clusterName, addonName, addonVersion } = addon.inputs;
    const kubernetesVersion = versionOf.get(clusterName);
    if (typeof clusterName !== "string" || typeof addonName !== "string" || typeof addonVersion !== "string" || typeof kubernetesVersion !== "string") continue;
    (record[clusterName] ??= { kubernetesVersion, versions: {} }).versions[addonName] = addonVersion;
  }
  return record as Readonly<Record<string, DeployedAddons>>;
}

/** Captures several validated fleets at once (part by part, sharing what they have in common). */
/** Captures fleets; `lastDeployed[i]`, when given, is what was deployed before `fleets[i]` (node group sizes depend on it). */
export type FleetsCapturer = (fleets: readonly FleetSpec[], lastDeployed?: readonly (FleetSpec | undefined)[]) => Promise<readonly Capture[]>;

export interface OfflinePreviewInput {
  /** The raw `baton:fleet` proposed. */
  readonly head: unknown;
  /** The raw `baton:fleet` as deployed; without it, every resource is a create. */
  readonly base?: unknown;
  readonly subject: string;
  readonly capture: FleetCapturer;
  /** When given, used instead of `capture`: base and head in one call, from their validated specs. */
  readonly captureAll?: FleetsCapturer;
  /** The date version support is judged on. */
  readonly today?: string;
  /** Capture base and head at the same time (when the capturer runs each in its own worker). */
  readonly parallel?: boolean;
  /** The proposed config's `baton:override` (raw): refusals it names are warnings in the review. */
  readonly overrides?: unknown;
  /** How each version was reached, from the last deployment's record: dates a version rollback's window. */
  readonly versions?: VersionHistory;
  /** The stack's file is gone from the head: `head` is ignored and the base is judged as removed. */
  readonly removed?: boolean;
}

export interface OfflinePreview {
  readonly review: Review;
  /** The head's graph; undefined when a config was invalid and nothing ran. */
  readonly head?: Capture;
  /**
   * The stack outputs the head's deployment would leave for the next one to be judged against
   * (its deploymentRecord, as the stack program writes it); absent when the change is refused.
   */
  readonly stackOutputs?: Readonly<Record<string, unknown>>;
}

/**
 * A config that fails the spec is not run: the review carries its problems (path, rule, fix) and
 * no resources, instead of a stack trace from inside the program.
 */
export async function offlinePreview(input: OfflinePreviewInput): Promise<OfflinePreview> {
  const prepared = prepare(input);
  if (!("finish" in prepared)) return prepared;
  try {
    if (input.captureAll !== undefined) return prepared.finish(await input.captureAll(prepared.fleets, prepared.lastDeployed));
    if (input.removed) return prepared.finish([await input.capture(input.base, input.base)]);
    if (input.base === undefined) return prepared.finish([await input.capture(input.head)]);
    // Sequential, the head run reads the base's add-on versions as pulumi up reads the stack's last
    // outputs; in parallel it cannot (the offline lookups answer the same for both, so they agree).
    let base: Capture;
    let head: Capture;
    if (input.parallel) [base, head] = await Promise.all([input.capture(input.base, input.base), input.capture(input.head, input.base)]);
    else {
      base = await input.capture(input.base, input.base);
      head = await input.capture(input.head, input.base, { previousAddonVersions: addonVersionsOf(base) });
    }
    return prepared.finish([head, base]);
  } catch (error) {
    return prepared.refused(error);
  }
}

/** One stack of many for `offlinePreviews`: the same input as `offlinePreview`, without the capturers. */
export type StackPreviewInput = Omit<OfflinePreviewInput, "capture" | "captureAll" | "parallel">;

/**
 * The offline previews of many stacks, captured together: every stack's validated configs go to
 * `captureAll` in one call, so the stacks share its workers, its cache and the parts they have in
 * common. A part the fleet program refuses fails that call; the stacks are then captured one by
 * one, so the refusal lands on its own stack's review.
 */
export async function offlinePreviews(inputs: readonly StackPreviewInput[], captureAll: FleetsCapturer): Promise<OfflinePreview[]> {
  const prepared = inputs.map((input) => prepare({ ...input, capture: () => Promise.reject(new Error("unused")), captureAll }));
  const pending = prepared.flatMap((p) => ("finish" in p ? [p] : []));
  let captures: readonly Capture[];
  try {
    captures = await captureAll(pending.flatMap((p) => p.fleets), pending.flatMap((p) => p.lastDeployed));
  } catch (error) {
    if (!(error instanceof FleetSpecError)) throw error;
    return Promise.all(prepared.map(async (p) => {
      if (!("finish" in p)) return p;
      try {
        return p.finish(await captureAll(p.fleets, p.lastDeployed));
      } catch (stackError) {
        return p.refused(stackError);
      }
    }));
  }
  let at = 0;
  return prepared.map((p) => {
    if (!("finish" in p)) return p;
    const own = captures.slice(at, at + p.fleets.length);
    at += p.fleets.length;
    return p.finish(own);
  });
}

interface ToCapture {
  /** The validated fleets to capture: the head then the base (or the base alone for a removed stack). */
  readonly fleets: readonly FleetSpec[];
  /** What was deployed before each of `fleets` (the base, when there is one). */
  readonly lastDeployed: readonly (FleetSpec | undefined)[];
  /** The preview from the captures of `fleets`, in the same order. */
  readonly finish: (captures: readonly Capture[]) => OfflinePreview;
  /** The preview when capturing failed: the fleet program's refusal, or the error thrown on. */
  readonly refused: (error: unknown) => OfflinePreview;
}

/** Validates the configs: a finished review when one fails the spec, else what to capture and how to finish. */
function prepare(input: OfflinePreviewInput): OfflinePreview | ToCapture {
  const options = input.today === undefined ? {} : { today: input.today };
  const common = {
    offline: true, subject: input.subject, validate: options,
    ...(input.removed ? { removed: true } : { after: input.head }),
    ...(input.base !== undefined ? { before: input.base } : {}), ...(input.overrides !== undefined && !input.removed ? { overrides: input.overrides } : {}),
    ...(input.versions !== undefined ? { versions: input.versions } : {}),
  };
  const refused = (error: unknown): OfflinePreview => {
    // The program validates too; its problems are the spec's, so report them the same way.
    // A component may refuse what the fleet-wide check let through: that refusal blocks the change.
    if (error instanceof FleetSpecError) return { review: refusedByProgram(buildReview({ ...common, changes: [] }), error) };
    throw error;
  };
  const baseFleet = input.base === undefined ? undefined : validateFleet(input.base, options).fleet;
  if (input.removed) {
    // Nothing is proposed: what the base deploys is what destroying the stack deletes.
    if (baseFleet === undefined) return { review: buildReview({ ...common, changes: [] }) };
    const deleted = (base: Capture) => diffCaptures(base, { resources: [] }).map((c) => ({ ...c, reason: "deleted with the stack (its file is removed)" }));
    return { fleets: [baseFleet], lastDeployed: [baseFleet], refused, finish: ([base]) => ({ review: buildReview({ ...common, changes: deleted(base!) }) }) };
  }
  // The head is judged against the base (a problem the base already has is not the change's); the
  // base only has to parse, since it is what is deployed.
  const headSpec = validateFleet(input.head, { ...options, ...(input.base === undefined ? {} : { deployed: input.base }) });
  if (!headSpec.ok || (input.base !== undefined && baseFleet === undefined)) return { review: buildReview({ ...common, changes: [] }) };
  // What the stack program records once it has applied the head: the same function, on the same spec.
  const previewed = (review: Review, head: Capture): OfflinePreview => ({
    review, head, ...(review.verdict?.allowed === false ? {} : { stackOutputs: { [DEPLOYMENT_RECORD_OUTPUT]: recordOf(headSpec.fleet) } }),
  });
  return {
    // Both are judged against the base, which is what is deployed (and so its own last deployment).
    fleets: baseFleet ? [headSpec.fleet, baseFleet] : [headSpec.fleet],
    lastDeployed: baseFleet ? [baseFleet, baseFleet] : [undefined],
    refused,
    finish: ([head, base]) => previewed(buildReview({ ...common, changes: base === undefined ? createAll(head!) : diffCaptures(base, head!) }), head!),
  };
}

/** The review of a config the fleet program refused: not allowed, with the program's problems as blocking. */
function refusedByProgram(review: Review, error: FleetSpecError): Review {
  const errors = errorsOf(error.problems);
  const verdict = review.verdict;
  return {
    ...review,
    verdict: {
      allowed: false,
      refusedRules: [...new Set([...(verdict?.refusedRules ?? []), ...errors.map((p) => p.rule)])],
      blocking: [...(verdict?.blocking ?? []), ...errors],
      warnings: verdict?.warnings ?? [],
      basis: verdict?.basis ?? "the fleet program",
    },
  };
}
