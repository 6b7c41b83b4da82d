/**
 * Parsing one part of a fleet (a cluster, a node group, a service) on its own, for the components
 * that take that part directly. Kept apart from `validate.ts` because its signature names zod's
 * types: no declaration a library user compiles against imports this file.
 */
import type { z } from "zod";
import type { Problem } from "./problems.js";
import { schemaProblems } from "./schema-messages.js";

export type PartParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

/** Parses `input` against `schema`; problems carry the part's full config path `at`. */
export function parsePart<Schema extends z.ZodType>(schema: Schema, input: unknown, at: ReadonlyArray<string | number>): PartParse<z.output<Schema>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  // Nest the part where it sits in a fleet, so paths and values read as they do for a whole fleet.
  const root = at.reduceRight<unknown>((inner, key) => (typeof key === "number" ? Object.assign([], { [key]: inner }) : { [key]: inner }), input);
  const issues = parsed.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] }));
  return { ok: false, problems: schemaProblems(root, issues) };
}
