import type { Plan } from "../fleet/plan.js";

export interface PlannedFleets {
  /** The raw `baton:fleet` of the proposed and the deployed config. */
  readonly after: unknown;
  readonly before: unknown;
  readonly today?: string;
}

/**
 * A word for stderr when the two configs look swapped (see src/fleet/swapped.ts), ending with
 * `fix`: which option names which file, and the command the other way round. Undefined when they
 * do not look swapped.
 */
export async function swappedFilesHint(planned: Plan, fleets: PlannedFleets, fix: string): Promise<string | undefined> {
  // The spec loads only when a command runs, never at start-up.
  const { swappedDowngrade, isOneStepRollback } = await import("../fleet/swapped.js");
  const downgrade = swappedDowngrade(planned, fleets.before, fleets.after, fleets.today === undefined ? {} : { today: fleets.today });
  if (downgrade === undefined) return undefined;
  return `baton: this change moves ${downgrade.subject} down from ${String(downgrade.before)} to ${String(downgrade.after)}, and the other way round it is allowed. `
    + `Are the files swapped? ${fix}`
    + (isOneStepRollback(downgrade) ? `. If you mean to roll back an in-place upgrade: roll its node groups back to ${String(downgrade.after)} first, in their own change, then the control plane.` : "");
}

/** The fix `plan` and `preview` name: the proposed config first, the deployed one after --from. */
export const fromFix = (command: string, proposed: string, deployed: string) =>
  `The proposed config comes first, the deployed one after --from: baton ${command} ${proposed} --from ${deployed}`;
