/**
 * What a deployment leaves behind for the next one to be judged against. The stack writes it as a
 * stack output once everything it registered has been applied, and reads it back (through its own
 * stack reference) before it registers anything: `pulumi up` then judges the change from the
 * last deployment to this config with the same rules `baton plan` applies between two files.
 *
 * The record is a versioned object so that later facts can join the fleet without breaking a
 * reader: a reader ignores members it does not know, and refuses a `schema` newer than its own.
 * `versions` joined that way (still schema 1): per control plane and node group, how the version it
 * runs was reached and on which day (version-history.ts), the evidence a rollback is judged on. A
 * baton that predates it reads the fleet and drops the member; a record without it (written by such
 * a baton, or before it existed) reads as "not known", never as "created here".
 */
import { z } from "zod";
import type { Problem } from "./problems.js";
import type { FleetSpec } from "./types.js";
import type { VersionHistory } from "./version-history.js";

/** The stack output that carries the record from one deployment to the next. */
export const DEPLOYMENT_RECORD_OUTPUT = "deploymentRecord";

/** The record's layout version; bump it only for a change an older reader would misread. */
export const DEPLOYMENT_RECORD_SCHEMA = 1;

export interface DeploymentRecord {
  readonly schema: typeof DEPLOYMENT_RECORD_SCHEMA;
  /** The fleet as validated (defaults filled in), JSON only: what the deployment applied. */
  readonly fleet: unknown;
  /** How each control plane and node group reached its version, when recorded (see version-history.ts). */
  readonly versions?: VersionHistory;
}

/**
 * The record of a deployment of `fleet` (validated): a plain JSON copy, as a stack output stores it,
 * with the version history the deployment leaves when the caller knows it.
 */
export function recordOf(fleet: FleetSpec, versions?: VersionHistory): DeploymentRecord {
  return {
    schema: DEPLOYMENT_RECORD_SCHEMA, fleet: JSON.parse(JSON.stringify(fleet)) as unknown,
    ...(versions !== undefined ? { versions: JSON.parse(JSON.stringify(versions)) as VersionHistory } : {}),
  };
}

/** Where a record's problems point: the output, as `pulumi stack output` names it. */
export const RECORD_PATH = `stack output ${DEPLOYMENT_RECORD_OUTPUT}`;

/** What the stack's last deployment left: nothing (its first deployment), a record, or one this baton cannot read. */
export type RecordReading =
  | { readonly kind: "none" }
  | { readonly kind: "record"; readonly record: DeploymentRecord }
  | { readonly kind: "unreadable"; readonly problem: Problem };

// Members a later baton adds are kept (loose), not refused: an older reader still judges the fleet.
const Version = z.string().regex(/^1\.(0|[1-9]\d*)$/);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Move = z.looseObject({ version: Version, how: z.enum(["created", "upgraded", "rolled-back", "unknown"]), from: Version.optional(), at: Day.optional() });
const Envelope = z.looseObject({ schema: z.number().int().positive(), fleet: z.record(z.string(), z.unknown()), versions: z.record(z.string(), Move).optional() });

/**
 * Reads the record from the last deployment's output value. Absent (undefined or null): none. A
 * record from a newer baton, or a value that is not a record at all, is unreadable: judging the
 * change against a guess would defeat the guard, so the caller stops with the problem.
 */
export function readDeploymentRecord(value: unknown): RecordReading {
  if (value === undefined || value === null) return { kind: "none" };
  const parsed = Envelope.safeParse(value);
  if (!parsed.success) {
    return {
      kind: "unreadable",
      problem: {
        severity: "error", rule: "deployment-record-unreadable", path: RECORD_PATH,
        message: `The stack's last deployment left a deploymentRecord output that is not a baton deployment record ({ schema, fleet, versions? }: ${parsed.error.issues.map((i) => `${i.path.join(".") || "record"}: ${i.message}`).slice(0, 3).join("; ")}), so the change cannot be judged against it.`,
        fix: "Check that this stack is deployed only by baton's stack program; `pulumi stack output deploymentRecord --json` shows what is there.",
      },
    };
  }
  if (parsed.data.schema > DEPLOYMENT_RECORD_SCHEMA) {
    return {
      kind: "unreadable",
      problem: {
        severity: "error", rule: "deployment-record-newer", path: `${RECORD_PATH}.schema`, value: parsed.data.schema,
        message: `The stack was last deployed by a newer baton (deployment record schema ${parsed.data.schema}; this baton reads schema ${DEPLOYMENT_RECORD_SCHEMA}).`,
        fix: "Deploy this stack with the baton version that deployed it last, or a newer one.",
      },
    };
  }
  const versions = parsed.data.versions;
  return {
    kind: "record",
    record: {
      schema: DEPLOYMENT_RECORD_SCHEMA, fleet: parsed.data.fleet,
      ...(versions !== undefined ? { versions: Object.fromEntries(Object.entries(versions).map(([key, m]) => [key, {
        version: m.version, how: m.how, ...(m.from !== undefined ? { from: m.from } : {}), ...(m.at !== undefined ? { at: m.at } : {}),
      }])) } : {}),
    },
  };
}
