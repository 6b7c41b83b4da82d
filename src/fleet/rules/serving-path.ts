/**
 * Transition rule `serving-path-replacement`, fed by the replacement table through
 * `servingPathReplacements`: a change that replaces what an ALB service's traffic passes through
 * in a cluster that serves it.
 *
 * - A new target group (a new port): the listener rule forwards that cluster's share to it at
 *   once, before the controller has registered any pod in it and the pods have passed health
 *   checks, so those requests get 503s.
 * - A new binding on the same target group (a new namespace): Pulumi creates the new binding
 *   before deleting the old one, and the controller's webhook refuses a second binding on one
 *   target group, so `pulumi up` fails half-way (whatever the weights).
 *
 * Moving one cluster's weight to 0 first does not help: the port and namespace belong to the
 * service, so every cluster's target group or binding is replaced in the same change. The fix is a
 * new service next to the old one, then removing the old one in a later change.
 */
import { configPath, showValue, type Problem } from "../problems.js";
import type { FleetSpec } from "../types.js";
import { servingPathReplacements, type ServingReplacement } from "../serving-path.js";

function describeCauses(replacements: readonly ServingReplacement[]): { paths: string[]; text: string } {
  const causes = new Map<string, string>();
  for (const r of replacements) {
    for (const c of r.causes) causes.set(c.path, `${c.path.replace(/^baton:fleet\./, "")} (${showValue(c.before)} → ${showValue(c.after)})`);
  }
  return { paths: [...causes.keys()], text: [...causes.values()].join(" and ") };
}

/** Rule `serving-path-replacement` on one ALB service, for a change from `before` to `after`. */
export function checkServingPathReplacements(beforeFleet: FleetSpec, afterFleet: FleetSpec, serviceName: string): Problem[] {
  const before = beforeFleet.services[serviceName];
  const after = afterFleet.services[serviceName];
  if (before?.routing !== "alb" || after?.routing !== "alb") return [];
  const replacements = servingPathReplacements(beforeFleet, afterFleet, serviceName, before, after);
  if (replacements.length === 0) return [];
  // Clusters bound before and after (a cluster added or removed in this change is a create or a delete).
  const bound = Object.keys(after.weights).filter((c) => c in before.weights && c in beforeFleet.clusters && c in afterFleet.clusters);
  const serving = bound.filter((c) => (after.weights[c] ?? 0) > 0);
  const groupReplaced = replacements.some((r) => r.what === "target group");
  if (bound.length === 0 || (groupReplaced && serving.length === 0)) return [];

  const { paths, text } = describeCauses(replacements);
  const what = replacements.map((r) => r.what).join(" and ");
  const consequence = groupReplaced
    ? `the listener rule would forward ${serving.map((c) => `${c}'s share (weight ${after.weights[c]})`).join(" and ")} to new, empty target groups before the AWS Load Balancer Controller registers any pod in them and the pods pass health checks, and those requests get 503s`
    : `Pulumi creates each new binding before deleting the old one, and the AWS Load Balancer Controller refuses a second binding on one target group ("TargetGroup … is already bound"), so pulumi up would fail half-way`;
  return [{
    severity: "error", rule: "serving-path-replacement", path: paths[0] ?? configPath(["services", serviceName]),
    value: after.routing === "alb" && paths[0]?.endsWith(".port") ? after.port : undefined,
    message: `Changing ${text} replaces ${serviceName}'s ${what} in ${(groupReplaced ? serving : bound).join(", ")}: ${consequence}. Setting one cluster's weight to 0 first does not help, because the change replaces them in every cluster of the service at once.`,
    fix: `Keep the old value, and serve the new one as a new service: add it under another name with the same listener conditions and a higher priority number than ${before.alb.priority} (its rule matches only once ${serviceName}'s is gone), apply, check its targets are healthy (baton status), then remove services.${serviceName} in a later change; the listener sends these requests to the new rule at once.`,
  }];
}
