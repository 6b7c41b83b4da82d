import type { z } from "zod";
import { configPath, FleetSpecError, type Problem } from "../fleet/problems.js";
import { tooLong } from "../fleet/rules/names.js";
import { checkService } from "../fleet/rules/service.js";
import { checkPlaceholders } from "../fleet/rules/placeholders.js";
import { derivedServiceNames } from "../fleet/names.js";
import type { ApiAccessSpec, ClusterSpec, FleetSpec, ServiceSpec } from "../fleet/types.js";
import { checkApiReachable } from "../fleet/rules/api-access.js";
import { parsePart } from "../fleet/parse-part.js";
import { throwIfInvalid } from "./validation.js";

/** What a route needs to know about the clusters it weights: their validated specs. */
export interface RoutedCluster {
  readonly spec: ClusterSpec;
  /** Present when the route creates objects in the cluster (a TargetGroupBinding), so the deployer must reach its API. */
  readonly kubernetesProvider?: unknown;
  readonly apiAccess?: ApiAccessSpec;
}

/**
 * Parses a service on its own and applies the spec's service rules against the clusters the
 * route was given, exactly as `validateFleet` applies them to a whole fleet.
 */
export function validateService<Schema extends z.ZodType<ServiceSpec>>(
  schema: Schema, component: string, fleetName: string, serviceName: string, input: unknown,
  clusters: Readonly<Record<string, RoutedCluster>>,
): z.output<Schema> {
  const at = ["services", serviceName];
  const parsed = parsePart(schema, input, at);
  if (!parsed.ok) throw new FleetSpecError(parsed.problems, `${component} ${serviceName}: the spec is invalid`);
  const service = parsed.value;
  const fleet: FleetSpec = {
    name: fleetName,
    network: { vpcId: "vpc-00000000", subnetIds: [] },
    clusters: Object.fromEntries(Object.entries(clusters).map(([name, c]) => [name, c.spec])),
    services: { [serviceName]: service },
  };
  const path = configPath(at);
  const problems: Problem[] = [...checkService(fleet, serviceName, service, path), ...checkPlaceholders(service, at)];
  if (service.routing === "alb") {
    for (const cluster of Object.keys(service.weights)) problems.push(...tooLong(derivedServiceNames(fleetName, serviceName, cluster), path, serviceName));
    for (const [name, cluster] of Object.entries(clusters)) {
      if (cluster.kubernetesProvider !== undefined) problems.push(...checkApiReachable(name, cluster.spec.publicAccessCidrs, cluster.apiAccess, [serviceName], cluster.spec.loadBalancerController.install));
    }
  }
  throwIfInvalid(problems, `${component} ${serviceName}`);
  return service;
}

/** The clusters a service lists, in a stable order (so reordering YAML keys changes nothing). */
export function listedClusters(service: ServiceSpec): string[] {
  return Object.keys(service.weights).sort();
}
