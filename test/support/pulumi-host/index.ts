/**
 * Runs a stack's program the way `pulumi preview` starts it (Pulumi.yaml's runtime options, main and
 * the stack's config, through `@pulumi/pulumi/cmd/run`) against a test double of the engine on
 * 127.0.0.1, and returns what it registered, invoked and logged.
 */
export { runStackThroughLanguageHost, readPulumiProject, recordedStackOutputs, stackConfig, pulumiConfigVariable } from "./language-host.js";
export type { LanguageHostRun, LanguageHostResult, PulumiProject } from "./language-host.js";
export { DEFAULT_INVOKE_ANSWERS, startEngineDouble, urnOf } from "./engine.js";
export type { Registration, Invocation, LogEntry, InvokeAnswer, EngineDouble } from "./engine.js";
export { UNKNOWN, readWireValue } from "./properties.js";
export type { WireValue } from "./properties.js";
