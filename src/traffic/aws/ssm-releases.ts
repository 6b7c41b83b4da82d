/**
 * The recommended AMI releases AWS publishes as SSM public parameters (see `fleet/ami-releases.ts`
 * for which ones), read with GetParameters: ten names a call, the most SSM takes. A name SSM does
 * not know (a Kubernetes minor with no AMI yet, or no more) comes back in `InvalidParameters` and
 * is reported as missing, not guessed.
 */
import { GetParametersCommand, type SSMClient } from "@aws-sdk/client-ssm";

/** GetParameters takes at most this many names a call. */
export const SSM_NAMES_PER_CALL = 10;
/** Names read at most in one run: a fleet has a few dozen node groups, and each minor and AMI type shares one name. */
export const MAX_SSM_NAMES = 200;

export interface PublishedReleases {
  /** Parameter name → its value, as SSM returned it. */
  readonly values: Readonly<Record<string, string>>;
  /** Names SSM does not know. */
  readonly missing: readonly string[];
}

export async function readPublishedReleases(ssm: SSMClient, names: readonly string[]): Promise<PublishedReleases> {
  const unique = [...new Set(names)];
  if (unique.length > MAX_SSM_NAMES) throw new RangeError(`${unique.length} SSM parameters to read; at most ${MAX_SSM_NAMES} in one run`);
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (let i = 0; i < unique.length; i += SSM_NAMES_PER_CALL) {
    const asked = unique.slice(i, i + SSM_NAMES_PER_CALL);
    const answer = await ssm.send(new GetParametersCommand({ Names: asked }));
    for (const parameter of answer.Parameters ?? []) {
      // Only the names asked for, each at most once, with a string value.
      if (parameter.Name !== undefined && asked.includes(parameter.Name) && typeof parameter.Value === "string") values[parameter.Name] = parameter.Value.trim();
    }
    for (const name of asked) if (!(name in values)) missing.push(name);
  }
  return { values, missing };
}
