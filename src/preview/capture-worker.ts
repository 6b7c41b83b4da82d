/**
 * A capture in a worker thread: each worker loads its own copy of Pulumi, so its runtime state is
 * its own and two captures (base and head) run side by side on two cores.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import path from "node:path";
import { captureProgram } from "./capture.js";
import type { Capture } from "./model.js";

/** A program a worker can load by itself: a module, one of its exported functions, and its arguments. */
export interface ProgramRef {
  /** Absolute path of the module. */
  readonly module: string;
  readonly exportName: string;
  /** Structured-clonable arguments. */
  readonly args: readonly unknown[];
}

type WorkerReply = { readonly ok: true; readonly capture: Capture } | { readonly ok: false; readonly message: string; readonly name: string };

/** Runs the capture of `program` in a new worker thread. */
export function captureInWorker(program: ProgramRef): Promise<Capture> {
  // The worker runs this same file: compiled .js in a build; from TypeScript sources (tsx, benchmarks) it registers tsx first.
  const worker = path.extname(__filename) === ".ts"
    ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(__filename)});`, { eval: true, workerData: program })
    : new Worker(__filename, { workerData: program });
  return new Promise<Capture>((resolve, reject) => {
    worker.once("message", (reply: WorkerReply) => {
      if (reply.ok) resolve(reply.capture);
      else reject(Object.assign(new Error(reply.message), { name: reply.name }));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => { if (code !== 0) reject(new Error(`the capture worker exited with code ${code}`)); });
  });
}

async function runInWorker(program: ProgramRef): Promise<WorkerReply> {
  try {
    // require, not import(): the package is CommonJS, and under tsx only the CommonJS hook is registered in the worker.
    const loaded = require(program.module) as Record<string, unknown>;
    const fn = loaded[program.exportName];
    if (typeof fn !== "function") throw new Error(`${program.module} does not export a function ${program.exportName}`);
    const capture = await captureProgram(() => (fn as (...args: readonly unknown[]) => unknown)(...program.args));
    return { ok: true, capture };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, message: e.message, name: e.name };
  }
}

if (!isMainThread && parentPort && (workerData as Partial<ProgramRef> | undefined)?.exportName !== undefined) {
  const port = parentPort;
  void runInWorker(workerData as ProgramRef).then((reply) => port.postMessage(reply));
}
