import { apiStatus } from "../api-removals.js";
import { describeObject, finding, type Finding } from "../finding.js";
import type { ManifestObject } from "../manifest.js";

/** Rules `removed-api` and `deprecated-api`: the object's apiVersion at the target Kubernetes version. */
export function checkApiVersion(object: ManifestObject, target: string): Finding[] {
  const status = apiStatus(object.apiVersion, object.kind, target);
  if (status.state === "served") return [];
  const { removal, use } = status;
  const instead = use
    ? `Change apiVersion to ${use}${removal.note ? `; ${lowerFirst(removal.note)}` : "."}`
    : removal.note ?? "Remove the object.";
  if (status.state === "removed") {
    return [finding(object, "removed-api",
      `${describeObject(object)} uses ${object.apiVersion}, which Kubernetes ${removal.removedIn} stopped serving: the target ${target} rejects it.`,
      instead)];
  }
  return [finding(object, "deprecated-api",
    `${describeObject(object)} uses ${object.apiVersion}, deprecated at Kubernetes ${target} and no longer served from ${removal.removedIn}.`,
    instead)];
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
