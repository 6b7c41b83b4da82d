/**
 * `--record <json-file>`: the last deployment's record, saved with `pulumi stack output
 * deploymentRecord --json > record.json`, so `plan` and `preview` judge a version rollback with the
 * evidence `pulumi up` has (how each version was reached, and on which day).
 */
import type { VersionHistory } from "../fleet/version-history.js";
import { readTextFile, UsageError } from "./io.js";

export const RECORD_OPTION_HELP = "the last deployment's record (`pulumi stack output deploymentRecord --json`): dates a version rollback's 7-day window and says how each version was reached";

/**
 * The version history in a deployment record saved as JSON (`pulumi stack output deploymentRecord
 * --json > record.json`); a file that is not a record this baton reads is a usage error naming it.
 */
export async function versionsFromRecord(file: string): Promise<VersionHistory | undefined> {
  const { readDeploymentRecord } = await import("../fleet/deployment-record.js");
  let value: unknown;
  try {
    value = JSON.parse(readTextFile(file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--record ${file} is not JSON (${(error as Error).message}); save it with: pulumi stack output deploymentRecord --json > ${file}`);
  }
  const reading = readDeploymentRecord(value);
  if (reading.kind === "unreadable") throw new UsageError(`--record ${file}: ${reading.problem.message} ${reading.problem.fix}`);
  if (reading.kind === "none") throw new UsageError(`--record ${file} holds no record (null): the stack has not been deployed by baton yet; leave --record out.`);
  return reading.record.versions;
}

