import { describeObject, finding, type Finding } from "../finding.js";
import type { ManifestObject } from "../manifest.js";
import type { FleetSpec } from "../../fleet/types.js";

/** What the fleet binds for one ALB service: the Service, its port, and the pods' port the binding admits. */
export interface BoundService {
  /** The fleet's name for the service (its key under `services:`). */
  readonly service: string;
  readonly namespace: string;
  /** The Kubernetes Service's name. */
  readonly name: string;
  readonly port: number;
  /** The port the binding admits on the pods: the spec's `targetPort`, or its `port`. */
  readonly podPort: number | string;
}

/** The Services a fleet's ALB services bind, and the pod port each binding admits. */
export function boundServices(fleet: FleetSpec): BoundService[] {
  return Object.entries(fleet.services).flatMap(([service, s]) => s.routing !== "alb" ? [] : [{
    service, namespace: s.namespace, name: s.serviceName ?? service, port: s.port, podPort: s.targetPort ?? s.port,
  }]);
}

type Plain = Record<string, unknown>;
const asPlain = (value: unknown): Plain => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Plain) : {});

/**
 * Rule `service-target-port`: the TargetGroupBinding admits only one port on the pods, so the
 * Service the fleet binds must send its `port` to that same pod port; otherwise the load balancer's
 * health checks and requests reach a port the pods' security group does not open, and the cluster
 * gets no traffic.
 */
export function checkServiceTargetPort(object: ManifestObject, bound: readonly BoundService[]): Finding[] {
  if (object.kind !== "Service" || object.apiVersion !== "v1") return [];
  const namespace = object.namespace ?? "default";
  return bound.filter((b) => b.name === object.name && b.namespace === namespace).flatMap((b) => {
    const ports = Array.isArray(asPlain(object.body["spec"])["ports"]) ? (asPlain(object.body["spec"])["ports"] as unknown[]).map(asPlain) : [];
    const entry = ports.find((p) => p["port"] === b.port);
    if (entry === undefined) {
      return [finding(object, "service-target-port",
        `${describeObject(object)} has no port ${b.port}, the port services.${b.service}.port binds (its ports: ${ports.map((p) => String(p["port"])).join(", ") || "none"}).`,
        `Add port ${b.port} to the Service, or set services.${b.service}.port to the Service's port.`)];
    }
    // Kubernetes: an unset targetPort is the port itself.
    const targetPort = (entry["targetPort"] ?? entry["port"]) as number | string;
    if (targetPort === b.podPort) return [];
    return [finding(object, "service-target-port",
      `${describeObject(object)} sends port ${b.port} to targetPort ${JSON.stringify(targetPort)} on the pods, but the TargetGroupBinding admits only ${JSON.stringify(b.podPort)} from the load balancer: the cluster would get no traffic.`,
      `Set services.${b.service}.targetPort to ${JSON.stringify(targetPort)} in the fleet (or the Service's targetPort to ${JSON.stringify(b.podPort)}).`)];
  });
}
