/**
 * The baton library's public API (`import … from "baton"`). Exports only: importing it has no side
 * effects. The policy pack's policies are a second entry, `baton/policy` (src/policy/index.ts): their
 * types come from `@pulumi/policy`, whose declarations a project without `skipLibCheck` cannot
 * compile, so this entry does not reach them.
 */
export * from "./fleet/index.js";
export * from "./checks/index.js";
export * from "./components/index.js";
export * from "./traffic/index.js";
export * from "./preview/index.js";
export * from "./upgrade/index.js";
