/**
 * `--today YYYY-MM-DD` for every command that judges Kubernetes versions against EKS's calendar:
 * the date support is judged on, so a plan can be checked as of a release day or the day after
 * support ends. Refused (exit 2) unless it is a real calendar date.
 */
import { InvalidArgumentError, Option } from "commander";
import { isIsoDate } from "../fleet/versions.js";

export function parseToday(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError(`"${value}" is not a date: write it as YYYY-MM-DD, e.g. 2027-01-31`);
  return value;
}

export function todayOption(): Option {
  return new Option("--today <date>", "judge EKS version support as of this date (YYYY-MM-DD, UTC) instead of today").argParser(parseToday);
}

/** The `today` to pass to the spec: the option when given, else nothing (the spec uses the clock). */
export function todayOf(options: { today?: string }): { today?: string } {
  return options.today === undefined ? {} : { today: options.today };
}
