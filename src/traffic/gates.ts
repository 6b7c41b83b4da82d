/**
 * Health gates: what a rollout observes while a step bakes, and the verdict on one observation.
 * Pure: the observation is gathered elsewhere (live from AWS, or scripted in tests).
 */
import type { GatesSpec } from "../fleet/types.js";

/** A CloudWatch alarm's state, or MISSING when no alarm has that name. */
export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA" | "MISSING";

export interface GateObservation {
  readonly alarms: readonly { readonly name: string; readonly state: AlarmState; readonly reason?: string }[];
  /** Healthy targets in the receiving cluster's target group; undefined when it could not be found. */
  readonly healthyTargets?: number;
  /** Why `healthyTargets` is missing, e.g. "no target group tagged baton:cluster=green on the rule". */
  readonly targetsProblem?: string;
  /** Requests and target 5xx responses over the metric window; undefined when CloudWatch has no datapoints. */
  readonly http?: { readonly requests: number; readonly errors5xx: number };
  /** Set when the observation itself failed (throttled after retries, network): nothing can be judged. */
  readonly error?: string;
}

export type GateState = "pass" | "fail" | "no-data";

export interface GateCheck {
  /** e.g. `alarm shop-web-p99`, `healthy targets`, `5xx ratio`. */
  readonly gate: string;
  readonly state: GateState;
  readonly detail: string;
}

export interface GateVerdict {
  /** fail when any check fails; otherwise no-data when any check lacks data; otherwise pass. */
  readonly state: GateState;
  readonly checks: readonly GateCheck[];
}

/**
 * Judges one observation against a service's gates. `receivingTraffic`: whether the receiving
 * cluster has weight; with no traffic there is no 5xx ratio to judge, so that gate is skipped.
 */
export function evaluateGates(gates: GatesSpec, observation: GateObservation, receivingTraffic: boolean): GateVerdict {
  if (observation.error !== undefined) {
    return { state: "no-data", checks: [{ gate: "observation", state: "no-data", detail: observation.error }] };
  }
  const checks: GateCheck[] = [];
  for (const name of gates.alarms) {
    const alarm = observation.alarms.find((a) => a.name === name);
    const state = alarm?.state ?? "MISSING";
    const reason = alarm?.reason ? `: ${alarm.reason}` : "";
    if (state === "OK") checks.push({ gate: `alarm ${name}`, state: "pass", detail: "OK" });
    else if (state === "INSUFFICIENT_DATA") checks.push({ gate: `alarm ${name}`, state: "no-data", detail: `INSUFFICIENT_DATA${reason}` });
    else if (state === "ALARM") checks.push({ gate: `alarm ${name}`, state: "fail", detail: `ALARM${reason}` });
    // A gate on an alarm that does not exist would never fire: treat it as failed, not as OK.
    else checks.push({ gate: `alarm ${name}`, state: "fail", detail: "no CloudWatch alarm has this name (check gates.alarms and the region)" });
  }
  if (gates.minHealthyTargets > 0) {
    const healthy = observation.healthyTargets;
    if (healthy === undefined) {
      checks.push({ gate: "healthy targets", state: "fail", detail: observation.targetsProblem ?? "the receiving cluster's target group was not found" });
    } else {
      checks.push({
        gate: "healthy targets",
        state: healthy >= gates.minHealthyTargets ? "pass" : "fail",
        detail: `${healthy} healthy, at least ${gates.minHealthyTargets} required`,
      });
    }
  }
  if (gates.max5xxRatio !== undefined && receivingTraffic) {
    const http = observation.http;
    if (!http || http.requests === 0) {
      checks.push({ gate: "5xx ratio", state: "no-data", detail: "no requests recorded in the metric window yet" });
    } else {
      const ratio = http.errors5xx / http.requests;
      checks.push({
        gate: "5xx ratio",
        state: ratio <= gates.max5xxRatio ? "pass" : "fail",
        detail: `${http.errors5xx}/${http.requests} = ${(ratio * 100).toFixed(2)}%, ceiling ${(gates.max5xxRatio * 100).toFixed(2)}%`,
      });
    }
  }
  const state: GateState = checks.some((c) => c.state === "fail") ? "fail" : checks.some((c) => c.state === "no-data") ? "no-data" : "pass";
  return { state, checks };
}
