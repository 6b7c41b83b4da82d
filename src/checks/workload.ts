import type { ManifestObject } from "./manifest.js";

/**
 * Kinds whose pods a node drain evicts and a controller recreates elsewhere. DaemonSet pods are
 * left in place by a drain, and Jobs run to completion, so the drain-safety rules skip them.
 */
export const REPLICATED_KINDS: ReadonlySet<string> = new Set(["Deployment", "StatefulSet", "ReplicaSet"]);

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);
const child = (v: unknown, key: string): Plain => (isPlain(v) && isPlain(v[key]) ? v[key] : {});

/** A replicated workload as the drain rules see it. */
export interface Workload {
  readonly object: ManifestObject;
  /** Fewest and most pods it runs: `spec.replicas` (Kubernetes default 1), or its HPA's range. */
  readonly replicas: { readonly min: number; readonly max: number };
  /** The HPA that scales it, when the manifests include one. */
  readonly autoscaler?: ManifestObject;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podSpec: Readonly<Plain>;
}

/** Namespace as written; objects without one are applied to the same (unnamed) namespace. */
export const namespaceKey = (object: ManifestObject) => object.namespace ?? "";

const int = (value: unknown): number | undefined => (typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined);

/** The replicated workloads among `objects`, with the HorizontalPodAutoscalers that scale them. */
export function findWorkloads(objects: readonly ManifestObject[]): Workload[] {
  const autoscalers = new Map<string, ManifestObject>();
  for (const object of objects) {
    if (object.kind !== "HorizontalPodAutoscaler" || !object.apiVersion.startsWith("autoscaling/")) continue;
    const ref = child(object.body["spec"], "scaleTargetRef");
    if (typeof ref["kind"] === "string" && typeof ref["name"] === "string") {
      autoscalers.set(`${namespaceKey(object)}/${ref["kind"]}/${ref["name"]}`, object);
    }
  }
  const workloads: Workload[] = [];
  for (const object of objects) {
    if (!REPLICATED_KINDS.has(object.kind)) continue;
    const spec = child(object.body, "spec");
    const template = child(spec, "template");
    const labels = child(template, "metadata")["labels"];
    const autoscaler = autoscalers.get(`${namespaceKey(object)}/${object.kind}/${object.name ?? ""}`);
    let replicas: { min: number; max: number };
    if (autoscaler) {
      const hpaSpec = child(autoscaler.body, "spec");
      const min = int(hpaSpec["minReplicas"]) ?? 1;
      replicas = { min, max: Math.max(min, int(hpaSpec["maxReplicas"]) ?? min) };
    } else {
      const fixed = int(spec["replicas"]) ?? 1;
      replicas = { min: fixed, max: fixed };
    }
    workloads.push({
      object,
      replicas,
      ...(autoscaler ? { autoscaler } : {}),
      podLabels: isPlain(labels) ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) : {},
      podSpec: child(template, "spec"),
    });
  }
  return workloads;
}

export function describeReplicas(workload: Workload): string {
  const { min, max } = workload.replicas;
  if (workload.autoscaler) return `${min}–${max} replicas (HorizontalPodAutoscaler ${workload.autoscaler.name ?? "(unnamed)"})`;
  return `${min} replica${min === 1 ? "" : "s"}`;
}
