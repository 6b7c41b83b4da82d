/**
 * How each control plane and node group reached the Kubernetes version it runs, as the stack's
 * deployments recorded it. EKS rolls a control plane back one minor (N → N-1) only after an
 * in-place upgrade, and only within 7 days of that upgrade's completion (AWS user guide "Roll back
 * a cluster to a previous Kubernetes version", as of 2026-12): a cluster created at N has nothing
 * to roll back to. A stack file cannot say which it was; the record the stack's last deployment
 * left can, once a deployment has seen the version move.
 *
 * Keys: a cluster's name (`blue`), a node group's cluster and name (`blue/general`).
 */
import { effectiveNodeGroupVersion } from "./nodegroups.js";
import type { FleetSpec } from "./types.js";
import { compareVersions } from "./versions.js";

/** How many days after an in-place upgrade's completion EKS still rolls it back. */
export const ROLLBACK_WINDOW_DAYS = 7;

/**
 * - `created`: created at this version by a recorded deployment (EKS cannot roll it back);
 * - `upgraded`: moved up in place from `from` by the deployment of `at`;
 * - `rolled-back`: moved down in place from `from` by the deployment of `at`;
 * - `unknown`: it ran this version before the stack recorded how it got there.
 */
export type VersionMoveKind = "created" | "upgraded" | "rolled-back" | "unknown";

export interface VersionMove {
  /** The version it runs now ("1.NN"). */
  readonly version: string;
  readonly how: VersionMoveKind;
  /** The version before the move (`upgraded`, `rolled-back`). */
  readonly from?: string;
  /**
   * The day (ISO, UTC) of the deployment that made the move. The record is written only once the
   * deployment has applied every resource, so the move completed that day or, for a run across
   * midnight, the day after: a window counted from it never ends later than EKS's own.
   */
  readonly at?: string;
}

export type VersionHistory = Readonly<Record<string, VersionMove>>;

export const nodeGroupKey = (cluster: string, group: string) => `${cluster}/${group}`;

/** `date` (ISO) plus `days`, as an ISO date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The first day on which a recorded upgrade can no longer be rolled back: 7 days after the day it
 * was deployed. Undefined when the move is not a dated in-place upgrade.
 */
export function rollbackClosesOn(move: VersionMove | undefined): string | undefined {
  return move?.how === "upgraded" && move.at !== undefined ? addDays(move.at, ROLLBACK_WINDOW_DAYS) : undefined;
}

function moveOf(previous: VersionMove | undefined, before: string | undefined, after: string, existed: boolean, today: string): VersionMove {
  if (!existed) return { version: after, how: "created", at: today };
  if (before === undefined) return previous?.version === after ? previous : { version: after, how: "unknown" };
  if (before === after) return previous?.version === after ? previous : { version: after, how: "unknown" };
  return { version: after, how: compareVersions(after, before) > 0 ? "upgraded" : "rolled-back", from: before, at: today };
}

/**
 * The history a deployment of `after` leaves, from the one the last deployment left (`previous`)
 * and the fleet it applied (`before`; undefined when the stack has no record, so nothing is known
 * about how the versions it runs were reached). Deployed on `today` (ISO, UTC).
 */
export function nextHistory(previous: VersionHistory | undefined, before: FleetSpec | undefined, after: FleetSpec, today: string): VersionHistory {
  const history: Record<string, VersionMove> = {};
  for (const [name, cluster] of Object.entries(after.clusters)) {
    const was = before?.clusters[name];
    const clusterExisted = before === undefined || was !== undefined;
    history[name] = moveOf(previous?.[name], was?.version, cluster.version, clusterExisted, today);
    for (const [groupName, group] of Object.entries(cluster.nodeGroups)) {
      const key = nodeGroupKey(name, groupName);
      const wasGroup = was?.nodeGroups[groupName];
      const groupExisted = before === undefined || wasGroup !== undefined;
      const wasVersion = was && wasGroup ? effectiveNodeGroupVersion(was, wasGroup) : undefined;
      history[key] = moveOf(previous?.[key], wasVersion, effectiveNodeGroupVersion(cluster, group), groupExisted, today);
    }
  }
  return history;
}
