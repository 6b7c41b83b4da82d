/**
 * Starts a stack's program the way the Pulumi CLI's Node.js language host (pulumi-language-nodejs)
 * does, against the engine double: the project's `Pulumi.yaml` decides the node arguments, the
 * entry point and its directory, and the stack's config file becomes `PULUMI_CONFIG`.
 *
 * What the Go language host does, and this copies:
 * - the CLI splits `main` into a working directory and an entry point: a directory becomes
 *   `--pwd <main>` with entry point `.`, a file `--pwd <its directory>` with its base name;
 * - runtime options: `nodeargs` (split like a shell would) go before the run script;
 *   `typescript` (default true) sets `PULUMI_NODEJS_TYPESCRIPT=true`; `tsconfig` sets
 *   `PULUMI_NODEJS_TSCONFIG_PATH`;
 * - config keys `<namespace>:<name>` are passed as `<namespace>:config:<name>`, every value a
 *   string (objects and lists JSON-encoded), and the secret keys as a JSON list.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseShellWords } from "shell-quote";
import { parse as parseYaml } from "yaml";
import { startEngineDouble, type EngineRecord, type InvokeAnswer } from "./engine.js";

export interface PulumiProject {
  readonly root: string;
  readonly name: string;
  readonly runtime: string;
  readonly options: { readonly typescript: boolean; readonly tsconfig?: string; readonly nodeargs: readonly string[] };
  /** `main` as written in Pulumi.yaml (undefined: the project root). */
  readonly main: string | undefined;
  /** The directory the program runs in (`--pwd`) and the entry point the CLI passes for `main`. */
  readonly programDirectory: string;
  readonly entryPoint: string;
  readonly stackConfigDir: string;
}

/** Reads `Pulumi.yaml` in `root` as the CLI does for a Node.js project. */
export function readPulumiProject(root: string): PulumiProject {
  const file = path.join(root, "Pulumi.yaml");
  const project = parseYaml(readFileSync(file, "utf8")) as Record<string, unknown>;
  const runtime = project["runtime"];
  const runtimeName = typeof runtime === "string" ? runtime : String((runtime as Record<string, unknown>)["name"]);
  if (runtimeName !== "nodejs") throw new Error(`${file}: runtime ${runtimeName} is not the Node.js runtime`);
  const raw = (typeof runtime === "object" && runtime !== null ? (runtime as Record<string, unknown>)["options"] : undefined) as Record<string, unknown> | undefined ?? {};
  const typescript = raw["typescript"] ?? true;
  if (typeof typescript !== "boolean") throw new Error(`${file}: runtime.options.typescript must be a boolean`);
  const nodeargs = raw["nodeargs"] ?? "";
  if (typeof nodeargs !== "string") throw new Error(`${file}: runtime.options.nodeargs must be a string`);
  const words = parseShellWords(nodeargs, (name) => `$${name}`);
  if (!words.every((word): word is string => typeof word === "string")) throw new Error(`${file}: runtime.options.nodeargs ${JSON.stringify(nodeargs)} holds shell operators`);
  const tsconfig = raw["tsconfig"];
  if (tsconfig !== undefined && typeof tsconfig !== "string") throw new Error(`${file}: runtime.options.tsconfig must be a string`);

  const main = project["main"] as string | undefined;
  let programDirectory = root;
  let entryPoint = ".";
  if (main !== undefined && main !== "") {
    const target = path.resolve(root, main);
    if (statSync(target).isDirectory()) {
      programDirectory = target;
    } else {
      programDirectory = path.dirname(target);
      entryPoint = path.basename(target);
    }
  }
  return {
    root, name: String(project["name"]), runtime: runtimeName,
    options: { typescript, nodeargs: words, ...(tsconfig === undefined ? {} : { tsconfig }) },
    main, programDirectory, entryPoint, stackConfigDir: String(project["stackConfigDir"] ?? "."),
  };
}

/**
 * The stack's config as the CLI hands it to the language host: namespaced keys (a bare key takes
 * the project's namespace), every value a string; objects and lists as JSON.
 */
export function stackConfig(project: PulumiProject, stack: string, override: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  const file = path.join(project.root, project.stackConfigDir, `Pulumi.${stack}.yaml`);
  const document = parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const merged = { ...(document?.config ?? {}), ...override };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) {
    const name = key.includes(":") ? key : `${project.name}:${key}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      throw new Error(`${file}: ${name} is a secret; the engine double cannot decrypt secrets`);
    }
    config[name] = typeof value === "string" ? value : value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return config;
}

/** `PULUMI_CONFIG` as pulumi-language-nodejs writes it: `<namespace>:config:<name>` keys. */
export function pulumiConfigVariable(config: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(config).map(([key, value]) => {
    const colon = key.indexOf(":");
    return [`${key.slice(0, colon)}:config:${key.slice(colon + 1)}`, value];
  })));
}

export interface LanguageHostRun {
  readonly stack: string;
  /** Override or add stack config keys (`"baton:fleet"`, `"aws:region"`): values as in the YAML. */
  readonly configOverride?: Readonly<Record<string, unknown>>;
  /** The project root holding Pulumi.yaml. @default this repository */
  readonly root?: string;
  /** Kill the program and fail after this long. @default 60 s */
  readonly timeoutMs?: number;
  readonly invokeAnswers?: Readonly<Record<string, InvokeAnswer>>;
  /**
   * The stack's last outputs, as a StackReference to it reads them (see `recordedStackOutputs`).
   * @default none: a stack never deployed
   */
  readonly stackOutputs?: Readonly<Record<string, unknown>>;
  /** The Pulumi CLI version the engine reports (see EngineDoubleOptions). */
  readonly cliVersion?: string;
}

export interface LanguageHostResult extends Pick<EngineRecord, "registrations" | "reads" | "requiredVersions" | "invokes" | "logs" | "outputs" | "features" | "rootResource" | "shutdownSignalled" | "refusals"> {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The command line, environment additions and working directory the program was started with. */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

const REPOSITORY_ROOT = path.resolve(__dirname, "../../..");
const OUTPUT_LIMIT = 1 << 20;

/** The parts of the environment a test runner adds that the CLI would not pass to the program. */
function baseEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) =>
    key !== "NODE_OPTIONS" && !key.startsWith("VITEST") && !key.startsWith("PULUMI_") && key !== "TSX_TSCONFIG_PATH"));
}

/**
 * Runs a stack's program through `@pulumi/pulumi/cmd/run` as `pulumi preview` would start it, against
 * a resource monitor and an engine on 127.0.0.1, and returns everything the program asked of them.
 * Always stops the program and both servers, also on a timeout.
 */
export async function runStackThroughLanguageHost(run: LanguageHostRun): Promise<LanguageHostResult> {
  const project = readPulumiProject(run.root ?? REPOSITORY_ROOT);
  const config = stackConfig(project, run.stack, run.configOverride);
  const engine = await startEngineDouble({
    project: project.name, stack: run.stack,
    ...(run.invokeAnswers ? { invokeAnswers: run.invokeAnswers } : {}), ...(run.stackOutputs ? { stackOutputs: run.stackOutputs } : {}),
    ...(run.cliVersion ? { cliVersion: run.cliVersion } : {}),
  });
  const started = Date.now();
  try {
    // The language host resolves the run script from the program's directory, as `node -e require.resolve(...)` there.
    const runScript = require.resolve("@pulumi/pulumi/cmd/run", { paths: [project.programDirectory] });
    const args = [
      ...project.options.nodeargs, runScript,
      "--monitor", engine.monitorAddress, "--engine", engine.engineAddress,
      "--organization", "organization", "--project", project.name, "--root-directory", project.root,
      "--stack", run.stack, "--pwd", project.programDirectory, "--dry-run",
      // Any value but 1 lets the SDK register resources concurrently, as the CLI does by default.
      "--parallel", "16",
      project.entryPoint,
    ];
    const env: Record<string, string> = {
      PULUMI_CONFIG: pulumiConfigVariable(config),
      PULUMI_CONFIG_SECRET_KEYS: "[]",
      ...(project.options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
      ...(project.options.tsconfig !== undefined ? { PULUMI_NODEJS_TSCONFIG_PATH: project.options.tsconfig } : {}),
    };
    // The CLI starts the language host plugin, and so the program, in the program's directory.
    const child = spawn(process.execPath, args, { cwd: project.programDirectory, env: { ...baseEnvironment(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const output = { stdout: "", stderr: "" };
    child.stdout.on("data", (chunk: Buffer) => { if (output.stdout.length < OUTPUT_LIMIT) output.stdout += chunk.toString("utf8"); });
    child.stderr.on("data", (chunk: Buffer) => { if (output.stderr.length < OUTPUT_LIMIT) output.stderr += chunk.toString("utf8"); });
    const timeoutMs = run.timeoutMs ?? 60_000;
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill("SIGKILL"); resolve({ code: null, signal: "SIGKILL", timedOut: true }); }, timeoutMs);
      child.once("error", (error) => { clearTimeout(timer); reject(error); });
      child.once("close", (code, signal) => { clearTimeout(timer); resolve({ code, signal, timedOut: false }); });
    });
    if (exit.timedOut) {
      throw new Error(`the program did not finish within ${timeoutMs} ms; killed it.\nstderr:\n${output.stderr}\nlast engine logs:\n${engine.record.logs.slice(-5).map((l) => l.message).join("\n")}`);
    }
    const { registrations, reads, requiredVersions, invokes, logs, outputs, features, rootResource, shutdownSignalled, refusals } = engine.record;
    return {
      exitCode: exit.code, signal: exit.signal, command: [process.execPath, ...args], env, ...output,
      durationMs: Date.now() - started, registrations, reads, requiredVersions, invokes, logs, outputs, features, rootResource, shutdownSignalled, refusals,
    };
  } finally {
    await engine.close();
  }
}

/** True when a recorded value holds something the engine would not store as plain JSON (an unknown, a secret, a reference). */
function holdsMarker(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(holdsMarker);
  if (["$unknown", "$secret", "$resource", "$asset"].some((marker) => marker in value)) return true;
  return Object.values(value).some(holdsMarker);
}

/**
 * The stack outputs a run registered, to answer the next run's StackReference with: what the
 * engine would hold for the stack after this run. A preview leaves some outputs unknown (an
 * endpoint before its cluster exists) that an up would know; the double cannot know them, so
 * those outputs are left out rather than made up. Throws when the run registered no stack outputs.
 */
export function recordedStackOutputs(run: Pick<LanguageHostResult, "rootResource" | "outputs">): Record<string, unknown> {
  const outputs = run.rootResource === undefined ? undefined : run.outputs.get(run.rootResource);
  if (outputs === undefined) throw new Error("the run registered no stack outputs to record");
  return Object.fromEntries(Object.entries(outputs).filter(([, value]) => !holdsMarker(value)));
}
