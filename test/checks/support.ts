import { stringify } from "yaml";
import { checkObjects } from "../../src/checks/check.js";
import type { Finding } from "../../src/checks/finding.js";
import { parseManifests } from "../../src/checks/manifest.js";

type Plain = Record<string, unknown>;

/** A Deployment with a readiness probe and zone spread: clean unless a test takes something away. */
export function deployment(name: string, options: { replicas?: number | null; labels?: Plain; namespace?: string; podSpec?: Plain; kind?: string; apiVersion?: string } = {}): Plain {
  const labels = options.labels ?? { app: name };
  const spec: Plain = {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: options.podSpec ?? {
        containers: [{ name, image: "nginx:1.27", readinessProbe: { httpGet: { path: "/healthz", port: 8080 } } }],
        topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }],
      },
    },
  };
  if (options.replicas !== null) spec["replicas"] = options.replicas ?? 3;
  return {
    apiVersion: options.apiVersion ?? "apps/v1",
    kind: options.kind ?? "Deployment",
    metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}) },
    spec,
  };
}

export function pdb(name: string, spec: Plain, options: { namespace?: string; apiVersion?: string } = {}): Plain {
  return {
    apiVersion: options.apiVersion ?? "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}) },
    spec: { selector: { matchLabels: { app: name } }, ...spec },
  };
}

export function hpa(target: string, minReplicas: number | undefined, maxReplicas: number): Plain {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: target },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas },
  };
}

export const yamlOf = (...objects: Plain[]) => objects.map((o) => stringify(o)).join("---\n");

/** Checks objects as one manifest file would be checked. */
export function check(target: string, ...objects: Plain[]): Finding[] {
  const parsed = parseManifests(yamlOf(...objects), "manifests.yaml");
  expect(parsed.errors).toEqual([]);
  return checkObjects(parsed.objects, target);
}

export const rulesOf = (findings: readonly Finding[]) => findings.map((f) => `${f.kind}/${f.name ?? ""}:${f.rule}`);
