/**
 * Upstream reference data (Pluto's versions.yaml, the AWS Load Balancer Controller's CRD, real
 * `pulumi preview --json` samples) lives next to the repository in `../shared/reference/`, never in
 * it. A clone without that folder still passes `npm test`: the cross-checks that need it are
 * skipped, and say so.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const REFERENCE_DIR = path.resolve(__dirname, "../../../shared/reference");

export interface Reference {
  /** True when every file the cross-check needs is there. */
  readonly present: boolean;
  /** A describe-name suffix: empty when present, the reason when skipped. */
  readonly skipNote: string;
  /** The file's text (only call when `present`). */
  read(file: string): string;
}

/**
 * The reference files a cross-check needs. When one is missing, the reason is printed once (so a
 * skipped check is never silent) and `present` is false: use it with `describe.skipIf(!ref.present)`.
 */
export function reference(what: string, ...files: string[]): Reference {
  const missing = files.filter((f) => !existsSync(path.join(REFERENCE_DIR, f)));
  const present = missing.length === 0;
  const reason = `skipped: ${what} needs ${missing.map((f) => `../shared/reference/${f}`).join(", ")} (upstream data kept outside the repository), which this checkout does not have`;
  if (!present) console.log(reason);
  return {
    present,
    skipNote: present ? "" : ` (${reason})`,
    read: (file) => readFileSync(path.join(REFERENCE_DIR, file), "utf8"),
  };
}
