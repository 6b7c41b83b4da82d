/**
 * The capture engine: runs a Pulumi program in-process under the mock runtime in preview mode and
 * records every resource it registers (type, name, parent, inputs as passed to the provider).
 * Pulumi keeps its runtime in module-global state, so captures in one process run one at a time.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Capture, CapturedResource } from "./model.js";
import type { PartCapturer } from "./parts.js";
import { inTreeOrder } from "./tree-order.js";
import { OfflineMocks, type OfflineMocksOptions } from "./offline-mocks.js";

export interface CaptureOptions extends OfflineMocksOptions {
  /** @default "baton" */
  readonly project?: string;
  /** @default "offline" */
  readonly stack?: string;
}

/** The monitor calls the capture hooks: a narrow view of the mock monitor Pulumi installs. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
  getImportid(): string;
  getRetainondelete(): boolean | undefined;
}
interface RegisterResponse {
  getUrn(): string;
}
type Callback = (error: Error | null, response?: RegisterResponse) => void;
interface HookableMonitor {
  registerResource(request: RegisterRequest, callback: Callback): unknown;
}

/** Serialises captures: Pulumi's runtime is one per process. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` under fresh offline mocks with preview = true and resolves once every resource it
 * registered has been answered. A program that throws rejects with its own error. The program's
 * return value is awaited and then dropped.
 */
export function captureProgram(program: () => unknown, options: CaptureOptions = {}): Promise<Capture> {
  return serialised(() => captureNow(program, options, undefined));
}

/** What a part program returns: the URNs of the components it owns and of the references to other parts it made. */
export interface PartScopeUrns {
  readonly owned: readonly pulumi.Input<string>[];
  readonly borrowed: readonly pulumi.Input<string>[];
}

/**
 * Captures one part of a program: runs `program` like `captureProgram` and keeps the resources
 * whose nearest owned-or-borrowed ancestor (or self) is owned. References to other parts, and the
 * ancestors the part only shares (the fleet component), are left to the parts that own them.
 */
export function capturePart(program: () => PartScopeUrns | Promise<PartScopeUrns>, options: CaptureOptions = {}): Promise<Capture> {
  return serialised(() => captureNow(program, options, async (result) => {
    const scope = result as PartScopeUrns;
    const resolve = (inputs: readonly pulumi.Input<string>[]) => Promise.all(inputs.map((i) => new Promise<string>((done) => { pulumi.output(i).apply(done); })));
    return { owned: new Set(await resolve(scope.owned)), borrowed: new Set(await resolve(scope.borrowed)) };
  }));
}

/** Captures parts one after another in this process (tests, and machines where threads do not pay). */
export function inProcessPartCapturer(run: (projection: unknown, part: PartJobPart, lastDeployed?: unknown) => PartScopeUrns, options: CaptureOptions = {}): PartCapturer {
  return async (jobs, done) => {
    for (const job of jobs) done(job, [...(await capturePart(() => run(job.projection, job.part, job.lastDeployed), options)).resources]);
  };
}
type PartJobPart = Parameters<PartCapturer>[0][number]["part"];

function serialised(capture: () => Promise<Capture>): Promise<Capture> {
  const run = queue.then(capture);
  // Keep only the order, not the capture: a finished run's resources must be free to collect.
  queue = run.then(() => undefined, () => undefined);
  return run;
}

interface Scope {
  readonly owned: ReadonlySet<string>;
  readonly borrowed: ReadonlySet<string>;
}

async function captureNow(program: () => unknown, options: CaptureOptions, scopeOf: ((result: unknown) => Promise<Scope>) | undefined): Promise<Capture> {
  const mocks = new OfflineMocks(options);
  await pulumi.runtime.setMocks(mocks, options.project ?? "baton", options.stack ?? "offline", true);
  // Indexed like the mocks' records, so the capture keeps registration order whatever order answers come in.
  const slots: CapturedResource[] = [];
  hookRegistrations(mocks, slots);
  // Most of the mock runtime's cost is stack traces the SDK records for every promise and resource.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const diagnostics: string[] = [];
  const restoreConsole = collectRuntimeLogs(diagnostics);
  try {
    // The program's own result (stack outputs) is dropped: it holds the whole Pulumi resource graph.
    const result = await program();
    const scope = scopeOf ? await scopeOf(result) : undefined;
    // Waits for every outstanding registration, then closes this capture's mock monitor.
    await pulumi.runtime.disconnect();
    const registered = slots.filter((r) => r !== undefined);
    return { resources: inTreeOrder(scope ? inScope(registered, scope) : registered), diagnostics };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    restoreConsole();
  }
}

/**
 * Records each registration with its parent and URN. The mock monitor asks the mocks for the
 * resource synchronously, before its first await, so the mocks' newest record is this request's.
 */
function hookRegistrations(mocks: OfflineMocks, into: CapturedResource[]): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as HookableMonitor | undefined;
  if (monitor === undefined) throw new Error("Pulumi's mock monitor is not installed; setMocks must run first.");
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const index = mocks.resources.length;
    return register(request, (error, response) => {
      const mocked = mocks.resources[index];
      if (!error && response && mocked) {
        const parent = request.getParent();
        // The options that change what the engine does with a diff: replace on these paths, ignore those.
        const replaceOnChanges = request.getReplaceonchangesList();
        const ignoreChanges = request.getIgnorechangesList();
        const dependencies = [...new Set(request.getDependenciesList())].sort();
        into[index] = {
          urn: response.getUrn(), type: request.getType(), name: request.getName(), custom: request.getCustom(),
          ...(parent ? { parent } : {}), ...(mocked.provider ? { provider: mocked.provider } : {}),
          ...(dependencies.length > 0 ? { dependencies } : {}),
          inputs: mocked.inputs,
          ...(replaceOnChanges.length > 0 ? { replaceOnChanges } : {}),
          ...(ignoreChanges.length > 0 ? { ignoreChanges } : {}),
          ...(request.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {}),
          ...(request.getImportid() ? { importId: request.getImportid() } : {}),
          ...(request.getRetainondelete() ? { retainOnDelete: true } : {}),
        };
      }
      callback(error, response);
    });
  };
}

/** Without an engine, pulumi.log writes "warning: [runtime] …" to the console; the capture keeps those lines instead. */
const RUNTIME_LOG = /^(warning|error|info): \[runtime\] /;

function collectRuntimeLogs(into: string[]): () => void {
  const { warn, error, log } = console;
  const divert = (original: (...args: unknown[]) => void) => (...args: unknown[]) => {
    if (typeof args[0] === "string" && RUNTIME_LOG.test(args[0])) into.push(args[0].replace(RUNTIME_LOG, "$1: "));
    else original(...args);
  };
  console.warn = divert(warn);
  console.error = divert(error);
  console.log = divert(log);
  return () => {
    console.warn = warn;
    console.error = error;
    console.log = log;
  };
}

/** The resources whose nearest owned-or-borrowed ancestor (or self) is owned. */
function inScope(resources: readonly CapturedResource[], scope: Scope): CapturedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const owner = (resource: CapturedResource): boolean => {
    for (let at: CapturedResource | undefined = resource; at !== undefined; at = at.parent !== undefined ? byUrn.get(at.parent) : undefined) {
      if (scope.owned.has(at.urn)) return true;
      if (scope.borrowed.has(at.urn)) return false;
    }
    return false;
  };
  return resources.filter(owner);
}
