import { parseStackConfig } from "../spec/stack-config.js";
import { validateFleet, type Validation } from "../spec/validate.js";
import { readTextFile } from "./io.js";

/** Reads a stack config file and validates its `baton:fleet`. Unreadable files throw UsageError. */
export function loadFleetFile(path: string, today?: string): Validation {
  const config = parseStackConfig(readTextFile(path), path);
  if (config.problems.length > 0) return { ok: false, problems: config.problems };
  return validateFleet(config.fleet, today === undefined ? {} : { today });
}
