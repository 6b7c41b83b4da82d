/**
 * Part captures spread over worker threads: each worker loads its own Pulumi and the fleet program
 * once, then captures the parts it is handed one at a time, each under a fresh mock runtime, so a
 * finished part's graph is free to collect. Workers take the next part when they finish one, so the
 * cores stay busy however uneven the parts are.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { CapturedResource } from "./model.js";
import type { PartCapturer, PartJob } from "./parts.js";

/** The part program a worker loads: `module`'s `exportName(projection, part, options)` returning the part's scope URNs. */
export interface PartProgramRef {
  /** Absolute path of the module. */
  readonly module: string;
  readonly exportName: string;
  /** Structured-clonable third argument (e.g. `{ today }`). */
  readonly options: unknown;
}

type Request = { readonly index: number; readonly job: PartJob };
type Reply = { readonly index: number; readonly ok: true; readonly resources: CapturedResource[] } | { readonly index: number; readonly ok: false; readonly message: string; readonly name: string };

const WORKER_MARK = "baton-part-worker";

/** Larger parts first, so the last part to finish is a small one. */
const weight = (job: PartJob) => Object.keys(job.projection.clusters).length + Object.keys(job.projection.services).length * 2
  + Object.values(job.projection.clusters).reduce((n, c) => n + Object.keys(c.nodeGroups).length, 0);

export interface PartWorkerOptions {
  /**
   * Start one worker now, before any part is asked for: it loads Pulumi and the fleet program
   * while the caller reads, validates and looks parts up in the cache, so a warm preview's one
   * changed part does not wait for that load. Unused, it is stopped as soon as the capture asks for
   * nothing (every part cached) or the capturer is closed.
   */
  readonly prestart?: boolean;
}

/** A part capturer on worker threads; `close` stops a prestarted worker that was never used. */
export type WorkerPartCapturer = PartCapturer & { readonly close: () => void };

/** Runs part captures on up to `threads` workers (default: one per core). */
export function workerPartCapturer(program: PartProgramRef, threads: number = availableParallelism(), options: PartWorkerOptions = {}): WorkerPartCapturer {
  // Unreferenced until it is given work, so a spare never keeps the process alive.
  let spare: Worker | undefined = options.prestart ? startWorker(program) : undefined;
  spare?.unref();
  const close = () => {
    if (spare !== undefined) void spare.terminate();
    spare = undefined;
  };
  const capture: PartCapturer = (jobs, done) => {
    if (jobs.length === 0) {
      close();
      return Promise.resolve();
    }
    const queue = jobs.map((job, index) => ({ index, job })).sort((a, b) => weight(b.job) - weight(a.job));
    const count = Math.max(1, Math.min(threads, queue.length));
    return new Promise<void>((resolve, reject) => {
      let remaining = jobs.length;
      let failed = false;
      const workers: Worker[] = [];
      const stopAll = () => { for (const w of workers) void w.terminate(); };
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(error);
      };
      for (let i = 0; i < count; i++) {
        const worker = i === 0 && spare !== undefined ? spare : startWorker(program);
        if (worker === spare) {
          spare = undefined;
          worker.ref();
        }
        workers.push(worker);
        const next = () => {
          const request = queue.shift();
          if (request) worker.postMessage(request satisfies Request);
        };
        worker.on("message", (reply: Reply) => {
          if (failed) return;
          if (!reply.ok) {
            fail(Object.assign(new Error(`capturing part ${partName(jobs[reply.index]!)}: ${reply.message}`), { name: reply.name }));
            return;
          }
          done(jobs[reply.index]!, reply.resources);
          remaining -= 1;
          if (remaining === 0) {
            stopAll();
            resolve();
          } else next();
        });
        worker.once("error", fail);
        worker.once("exit", (code) => { if (remaining > 0 && !failed) fail(new Error(`a part capture worker exited with code ${code}`)); });
        next();
      }
    });
  };
  return Object.assign(capture, { close });
}

const partName = (job: PartJob) => (job.part.kind === "fleet" ? "fleet" : `${job.part.kind}:${job.part.name}`);

function startWorker(program: PartProgramRef): Worker {
  const data = { mark: WORKER_MARK, program };
  // From TypeScript sources (tsx, tests, benchmarks) the worker registers tsx first; a build runs the compiled file.
  return path.extname(__filename) === ".ts"
    ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(__filename)});`, { eval: true, workerData: data })
    : new Worker(__filename, { workerData: data });
}

function serveParts(program: PartProgramRef): void {
  const port = parentPort!;
  // require, not import(): the package is CommonJS, and under tsx only the CommonJS hook is registered in the worker.
  const { capturePart } = require("./capture.js") as typeof import("./capture.js");
  type PartProgram = (projection: unknown, part: unknown, options: unknown) => ReturnType<Parameters<typeof capturePart>[0]>;
  let run: PartProgram | undefined;
  const load = () => {
    const loaded = require(program.module) as Record<string, unknown>;
    const fn = loaded[program.exportName];
    if (typeof fn !== "function") throw new Error(`${program.module} does not export a function ${program.exportName}`);
    run = fn as PartProgram;
  };
  // Loaded at start, not on the first part: a prestarted worker is ready when its part comes (a
  // failure to load is reported with that part, below).
  try {
    load();
  } catch {
    run = undefined;
  }
  port.on("message", (request: Request) => {
    void (async (): Promise<Reply> => {
      try {
        if (run === undefined) load();
        const options = request.job.lastDeployed === undefined ? program.options : { ...(program.options as object), lastDeployed: request.job.lastDeployed };
        const capture = await capturePart(() => run!(request.job.projection, request.job.part, options));
        return { index: request.index, ok: true, resources: [...capture.resources] };
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        return { index: request.index, ok: false, message: e.message, name: e.name };
      }
    })().then((reply) => port.postMessage(reply));
  });
}

if (!isMainThread && parentPort && (workerData as { mark?: string } | undefined)?.mark === WORKER_MARK) {
  serveParts((workerData as { program: PartProgramRef }).program);
}
