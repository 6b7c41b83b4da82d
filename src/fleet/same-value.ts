/**
 * Whether two spec values are the same as config: JSON values compared by content, not by the
 * order their keys were written in. A fleet read back from the stack's last deployment comes with
 * its keys in the order the state stores them (sorted), not the order of the YAML; and a
 * reordered `weights:` block in a stack file is no change either.
 */
import { isDeepStrictEqual } from "node:util";

/** The value as JSON holds it: `undefined` members dropped, as in a stack file or a stack output. */
const asJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

export function sameValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(asJson(a), asJson(b));
}
