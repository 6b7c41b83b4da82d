/**
 * zod's issues in the project's own words: what the setting must be, what it is, and a fix that
 * names the bounds or the allowed values. Messages the schema writes itself (its regexes, the
 * unquoted-version check) are kept, with the fix they carry after " | fix: ".
 */
import type { z } from "zod";
import { configPath, showValue, type Problem } from "./problems.js";
import { closest } from "./suggest.js";

type Issue = z.core.$ZodIssue;

/** zod's own default messages start like this; anything else was written by baton's schema. */
const ZOD_DEFAULT = /^(Invalid input|Too small|Too big|Invalid option|Invalid string|Invalid key|Invalid element|Invalid number|Invalid type|Unrecognized key)/;

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "text (a quoted string)",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a block of settings",
  record: "a block of settings (name: value lines)",
};

const typeWords = (expected: string) => TYPE_WORDS[expected] ?? expected;

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

const segments = (path: ReadonlyArray<PropertyKey>) => path.map((k) => (typeof k === "number" ? k : String(k)));

const MAPS = new Set(["weights", "labels", "targets", "addons"]);

/** The setting's own name, for sentences: `port`, `instanceTypes[0]`. */
function settingName(path: ReadonlyArray<PropertyKey>): string {
  const last = path[path.length - 1];
  if (last === undefined) return "baton:fleet";
  if (typeof last === "number") return `${settingName(path.slice(0, -1))}[${last}]`;
  // An entry of a map the user names ("weights.blue", "labels.team") reads better with its map.
  const parent = path[path.length - 2];
  if (typeof parent === "string" && MAPS.has(parent)) return `${parent}.${String(last)}`;
  return String(last);
}

const period = (s: string) => s.replace(/([^.?!])$/, "$1.");
const sentence = (s: string) => (s.charAt(0).toUpperCase() + s.slice(1)).replace(/([^.?!])$/, "$1.");

function describeValue(value: unknown): string {
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return `a list (${showValue(value)})`;
  if (typeof value === "object") return "a block of settings";
  if (typeof value === "string") return `the text ${showValue(value)}`;
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? ".nan, YAML's not-a-number" : `${showValue(value)}, YAML's infinity`;
  return `${typeof value === "number" ? "the number" : typeof value === "boolean" ? "the boolean" : typeof value} ${showValue(value)}`;
}

function bound(issue: Extract<Issue, { code: "too_small" | "too_big" }>, value: unknown, name: string): { message: string; fix: string } {
  const small = issue.code === "too_small";
  const limit = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  const inclusive = issue.inclusive !== false;
  const edge = small ? (inclusive ? limit : limit + 1) : (inclusive ? limit : limit - 1);
  switch (issue.origin) {
    case "array":
    case "set": {
      const count = Array.isArray(value) ? value.length : 0;
      return small
        ? { message: `${name} needs at least ${edge} item${edge === 1 ? "" : "s"}; it has ${count}`, fix: `List at least ${edge}` }
        : { message: `${name} takes at most ${edge} item${edge === 1 ? "" : "s"}; it has ${count}`, fix: `Keep at most ${edge}` };
    }
    case "string": {
      const length = typeof value === "string" ? value.length : 0;
      if (small && edge === 1) return { message: `${name} must not be empty`, fix: "Give it a value, or remove the setting" };
      return small
        ? { message: `${name} must be at least ${edge} characters; it has ${length}`, fix: `Lengthen it to ${edge} characters or more` }
        : { message: `${name} must be at most ${edge} characters; it has ${length}`, fix: `Shorten it to ${edge} characters or fewer` };
    }
    default:
      return small
        ? { message: `${name} must be ${inclusive ? "at least" : "more than"} ${limit}`, fix: `Use ${inclusive ? `${limit} or more` : `a value above ${limit}`}` }
        : { message: `${name} must be ${inclusive ? "at most" : "less than"} ${limit}`, fix: `Use ${inclusive ? `${limit} or less` : `a value below ${limit}`}` };
  }
}

/** One zod issue (other than unknown keys) as a problem at its config path. */
function issueProblem(input: unknown, issue: Issue): Problem {
  const value = valueAt(input, issue.path);
  const path = configPath(segments(issue.path));
  const name = settingName(issue.path);
  // Messages start with the setting's own name, written as in the file (not capitalised).
  const problem = (rule: string, message: string, fix: string): Problem => ({
    severity: "error", rule, path, value, message: period(message), fix: sentence(fix),
  });

  // The schema's own words (a regex's description, the unquoted-version check).
  if (!ZOD_DEFAULT.test(issue.message)) {
    const [text = "", fix] = issue.message.split(" | fix: ");
    const message = text.startsWith("must ") ? `${name} ${text}; got ${showValue(value)}` : text;
    // A description of the expected form ('an instance type looks like "m7i.large"') is the fix.
    return fix !== undefined ? problem("invalid-value", message, fix) : problem("invalid-value", `${name} ${showValue(value)} is not in the expected form`, text);
  }
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) {
        return problem("required", `${name} is required and missing`, `Add ${name}: ${typeWords(issue.expected)}; the README's config reference describes it`);
      }
      if (issue.expected === "int" && typeof value === "number") {
        return problem("invalid-value", `${name} must be a whole number; got ${value}`, `Use a whole number such as ${Math.round(value)}`);
      }
      return problem("invalid-value", `${name} must be ${typeWords(issue.expected)}; got ${describeValue(value)}`,
        typeof value === "string" && issue.expected === "number" && value.trim() !== "" && !Number.isNaN(Number(value))
          ? `Remove the quotes: ${String(issue.path[issue.path.length - 1])}: ${value}`
          : `Write ${name} as ${typeWords(issue.expected)}`);
    case "too_small":
    case "too_big": {
      const { message, fix } = bound(issue, value, name);
      return problem("invalid-value", message, fix);
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const guess = typeof value === "string" ? closest(value, issue.values.map(String)) : undefined;
      return problem("invalid-value",
        allowed.length === 1 ? `${name} must be ${allowed[0]}; got ${showValue(value)}` : `${name} must be one of ${allowed.join(", ")}; got ${showValue(value)}`,
        guess !== undefined ? `Did you mean "${guess}"? Write ${name}: ${guess}` : `Use ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(", ")}`}`);
    }
    case "invalid_format": {
      const format = issue.format === "starts_with" ? `start with "${(issue as { prefix?: string }).prefix ?? ""}"`
        : issue.format === "ends_with" ? `end with "${(issue as { suffix?: string }).suffix ?? ""}"`
        : `match ${(issue as { pattern?: string }).pattern ?? issue.format}`;
      return problem("invalid-value", `${name} must ${format}; got ${showValue(value)}`, `Correct ${name} so it does`);
    }
    case "invalid_key": {
      const [inner = "that name is not allowed", innerFix] = (issue.issues.map((i) => i.message).find((m) => !ZOD_DEFAULT.test(m)) ?? "").split(" | fix: ");
      const key = String(issue.path[issue.path.length - 1] ?? "");
      return { severity: "error", rule: "invalid-value", path, value: key, message: sentence(`The name "${key}" is not allowed: ${inner || "that name is not allowed"}`), fix: sentence(innerFix ? `Rename "${key}": ${innerFix}` : `Rename "${key}"`) };
    }
    case "not_multiple_of":
      return problem("invalid-value", `${name} must be a multiple of ${String(issue.divisor)}; got ${showValue(value)}`, `Use a multiple of ${String(issue.divisor)}`);
    default:
      return problem("invalid-value", `${name} is not valid (${issue.message})`, `Correct ${name}; the README's config reference lists what it takes`);
  }
}

/** Turns zod's issues into problems a user can act on: one per unknown key, one per bad value. */
export function schemaProblems(input: unknown, issues: readonly Issue[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      // The strict objects of the schema put one line per key in the message, with a suggestion.
      for (const line of issue.message.split("\n")) {
        const key = /^unknown key "(.*?)"/.exec(line)?.[1] ?? "";
        const guess = /did you mean "(.*?)"/.exec(line)?.[1];
        problems.push({
          severity: "error", rule: "unknown-key", path: configPath([...segments(issue.path), key]),
          value: valueAt(input, [...issue.path, key]),
          message: sentence(line),
          fix: guess ? `Rename it to "${guess}".` : "Remove it, or move it to where it belongs (see the config reference in the README).",
        });
      }
      continue;
    }
    problems.push(issueProblem(input, issue));
  }
  // "verison" next to a missing "version" is one mistake: the unknown key's rename says it all.
  const renamedTo = new Set(problems.filter((p) => p.rule === "unknown-key" && p.fix.startsWith("Rename it to")).map((p) => {
    const guess = /Rename it to "(.*)"\./.exec(p.fix)?.[1] ?? "";
    return `${p.path.slice(0, p.path.lastIndexOf("."))}.${guess}`;
  }));
  return problems.filter((p) => !(p.rule === "required" && renamedTo.has(p.path)));
}

/** The key a strict object's unknown-key line suggests, if any. */
export function suggestedKey(line: string): { key: string; guess?: string } | undefined {
  const key = /^unknown key "(.*?)"/.exec(line)?.[1];
  if (key === undefined) return undefined;
  const guess = /did you mean "(.*?)"/.exec(line)?.[1];
  return guess === undefined ? { key } : { key, guess };
}
