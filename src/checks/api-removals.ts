import { minorOf } from "../fleet/versions.js";

/**
 * One API version of one kind that Kubernetes stopped serving (or will), in baton's words.
 * Written from the Kubernetes "Deprecated API Migration Guide"
 * (kubernetes.io/docs/reference/using-api/deprecation-guide/), section by section.
 */
export interface ApiRemoval {
  /** The `apiVersion` a manifest writes, e.g. `extensions/v1beta1`. */
  readonly apiVersion: string;
  /** The kinds of that API version the removal covers. */
  readonly kinds: readonly string[];
  /** The first Kubernetes minor that no longer serves it (`"1.NN"`). */
  readonly removedIn: string;
  /**
   * The first minor from which baton warns: the one that serves the guide's replacement, so a
   * manifest can move before the removal. For an API with no replacement, the release that
   * announced the deprecation.
   */
  readonly deprecatedIn: string;
  /** The `apiVersion` to use instead (absent: nothing replaces it). */
  readonly replacement?: string;
  /** The first minor that serves `replacement`, as the guide gives it. */
  readonly replacementSince?: string;
  /** What to do when there is no drop-in replacement, or what changes on the way. */
  readonly note?: string;
  /** The guide's section, e.g. `v1.25`. */
  readonly guideSection: string;
}

const at = (removedIn: string, entries: ReadonlyArray<Omit<ApiRemoval, "removedIn" | "guideSection" | "deprecatedIn"> & { deprecatedIn?: string }>): ApiRemoval[] =>
  entries.map((entry) => ({
    ...entry,
    removedIn,
    guideSection: `v${removedIn}`,
    deprecatedIn: entry.deprecatedIn ?? entry.replacementSince ?? removedIn,
  }));

export const API_REMOVALS: readonly ApiRemoval[] = [
  ...at("1.16", [
    { apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], replacement: "networking.k8s.io/v1", replacementSince: "1.8" },
    { apiVersion: "extensions/v1beta1", kinds: ["DaemonSet", "Deployment", "ReplicaSet"], replacement: "apps/v1", replacementSince: "1.9",
      note: "apps/v1 requires spec.selector and makes it immutable; use the template's labels." },
    { apiVersion: "apps/v1beta1", kinds: ["Deployment", "StatefulSet", "ReplicaSet"], replacement: "apps/v1", replacementSince: "1.9",
      note: "apps/v1 requires spec.selector and makes it immutable; use the template's labels." },
    { apiVersion: "apps/v1beta2", kinds: ["DaemonSet", "Deployment", "StatefulSet", "ReplicaSet"], replacement: "apps/v1", replacementSince: "1.9",
      note: "apps/v1 requires spec.selector and makes it immutable; use the template's labels." },
    // Not in the guide's v1.16 section, but in Kubernetes' own v1.16 removal announcement
    // (kubernetes.io/blog/2019/07/18/api-deprecations-in-1-16/).
    { apiVersion: "extensions/v1beta1", kinds: ["PodSecurityPolicy"], replacement: "policy/v1beta1", replacementSince: "1.10" },
  ]),
  ...at("1.22", [
    { apiVersion: "admissionregistration.k8s.io/v1beta1", kinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
      replacement: "admissionregistration.k8s.io/v1", replacementSince: "1.16",
      note: "v1 requires webhooks[*].sideEffects and admissionReviewVersions, and failurePolicy defaults to Fail." },
    { apiVersion: "apiextensions.k8s.io/v1beta1", kinds: ["CustomResourceDefinition"], replacement: "apiextensions.k8s.io/v1", replacementSince: "1.16",
      note: "v1 requires spec.scope and a structural schema under spec.versions[*].schema.openAPIV3Schema." },
    { apiVersion: "apiregistration.k8s.io/v1beta1", kinds: ["APIService"], replacement: "apiregistration.k8s.io/v1", replacementSince: "1.10" },
    { apiVersion: "authentication.k8s.io/v1beta1", kinds: ["TokenReview"], replacement: "authentication.k8s.io/v1", replacementSince: "1.6" },
    { apiVersion: "authorization.k8s.io/v1beta1", kinds: ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview"],
      replacement: "authorization.k8s.io/v1", replacementSince: "1.6", note: "spec.group is spec.groups in v1." },
    { apiVersion: "certificates.k8s.io/v1beta1", kinds: ["CertificateSigningRequest"], replacement: "certificates.k8s.io/v1", replacementSince: "1.19",
      note: "v1 requires spec.signerName and spec.usages." },
    { apiVersion: "coordination.k8s.io/v1beta1", kinds: ["Lease"], replacement: "coordination.k8s.io/v1", replacementSince: "1.14" },
    { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], replacement: "networking.k8s.io/v1", replacementSince: "1.19",
      note: "v1 renames spec.backend to spec.defaultBackend, serviceName/servicePort to service.name/service.port, and requires pathType." },
    { apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress"], replacement: "networking.k8s.io/v1", replacementSince: "1.19",
      note: "v1 renames spec.backend to spec.defaultBackend, serviceName/servicePort to service.name/service.port, and requires pathType." },
    { apiVersion: "networking.k8s.io/v1beta1", kinds: ["IngressClass"], replacement: "networking.k8s.io/v1", replacementSince: "1.19" },
    { apiVersion: "rbac.authorization.k8s.io/v1beta1", kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
      replacement: "rbac.authorization.k8s.io/v1", replacementSince: "1.8" },
    { apiVersion: "scheduling.k8s.io/v1beta1", kinds: ["PriorityClass"], replacement: "scheduling.k8s.io/v1", replacementSince: "1.14" },
    { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIDriver"], replacement: "storage.k8s.io/v1", replacementSince: "1.19" },
    { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSINode"], replacement: "storage.k8s.io/v1", replacementSince: "1.17" },
    { apiVersion: "storage.k8s.io/v1beta1", kinds: ["StorageClass"], replacement: "storage.k8s.io/v1", replacementSince: "1.6" },
    { apiVersion: "storage.k8s.io/v1beta1", kinds: ["VolumeAttachment"], replacement: "storage.k8s.io/v1", replacementSince: "1.13" },
  ]),
  ...at("1.25", [
    { apiVersion: "batch/v1beta1", kinds: ["CronJob"], replacement: "batch/v1", replacementSince: "1.21" },
    { apiVersion: "discovery.k8s.io/v1beta1", kinds: ["EndpointSlice"], replacement: "discovery.k8s.io/v1", replacementSince: "1.21",
      note: "v1 uses each endpoint's nodeName and zone instead of topology." },
    { apiVersion: "events.k8s.io/v1beta1", kinds: ["Event"], replacement: "events.k8s.io/v1", replacementSince: "1.19" },
    { apiVersion: "autoscaling/v2beta1", kinds: ["HorizontalPodAutoscaler"], replacement: "autoscaling/v2", replacementSince: "1.23" },
    { apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], replacement: "policy/v1", replacementSince: "1.21",
      note: "In policy/v1 an empty spec.selector selects every pod in the namespace (in v1beta1 it selected none)." },
    // No replacement API: the guide sends users to Pod Security Admission or a third-party admission webhook.
    { apiVersion: "policy/v1beta1", kinds: ["PodSecurityPolicy"], deprecatedIn: "1.21",
      note: "Nothing replaces it: enforce pod security with Pod Security Admission (namespace labels) or an admission webhook, then delete the policy." },
    { apiVersion: "node.k8s.io/v1beta1", kinds: ["RuntimeClass"], replacement: "node.k8s.io/v1", replacementSince: "1.20" },
  ]),
  ...at("1.26", [
    // The guide names v1beta3 (served from 1.26); v1beta2, served from 1.23, replaced v1beta1 first,
    // so warnings start there rather than in the release that removes it.
    { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: ["FlowSchema", "PriorityLevelConfiguration"],
      replacement: "flowcontrol.apiserver.k8s.io/v1beta3", replacementSince: "1.26", deprecatedIn: "1.23" },
    { apiVersion: "autoscaling/v2beta2", kinds: ["HorizontalPodAutoscaler"], replacement: "autoscaling/v2", replacementSince: "1.23" },
  ]),
  ...at("1.27", [
    { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], replacement: "storage.k8s.io/v1", replacementSince: "1.24" },
  ]),
  ...at("1.29", [
    { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: ["FlowSchema", "PriorityLevelConfiguration"],
      replacement: "flowcontrol.apiserver.k8s.io/v1", replacementSince: "1.29",
      note: "flowcontrol.apiserver.k8s.io/v1beta3 (served 1.26 to 1.31) is the step for clusters older than 1.29." },
  ]),
  ...at("1.32", [
    { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: ["FlowSchema", "PriorityLevelConfiguration"],
      replacement: "flowcontrol.apiserver.k8s.io/v1", replacementSince: "1.29" },
  ]),
];

const byKey = new Map<string, ApiRemoval>();
for (const removal of API_REMOVALS) for (const kind of removal.kinds) byKey.set(`${removal.apiVersion} ${kind}`, removal);

/**
 * The removal that covers an object, if any. A typed list (`RoleList`) follows its item kind,
 * since the API server serves both from the same API version.
 */
export function findApiRemoval(apiVersion: string, kind: string): ApiRemoval | undefined {
  return byKey.get(`${apiVersion} ${kind}`) ?? (kind.endsWith("List") ? byKey.get(`${apiVersion} ${kind.slice(0, -4)}`) : undefined);
}

export type ApiStatus =
  | { readonly state: "served" }
  | { readonly state: "deprecated"; readonly removal: ApiRemoval; readonly use?: string }
  | { readonly state: "removed"; readonly removal: ApiRemoval; readonly use?: string };

/** Whether Kubernetes `target` (`"1.NN"`) serves `apiVersion`/`kind`, and what to use instead. */
export function apiStatus(apiVersion: string, kind: string, target: string): ApiStatus {
  const removal = findApiRemoval(apiVersion, kind);
  if (!removal) return { state: "served" };
  const minor = minorOf(target);
  const use = replacementAt(removal, kind, target);
  if (minor >= minorOf(removal.removedIn)) return { state: "removed", removal, ...(use ? { use } : {}) };
  if (minor >= minorOf(removal.deprecatedIn)) return { state: "deprecated", removal, ...(use ? { use } : {}) };
  return { state: "served" };
}

/**
 * The replacement to recommend at `target`: the guide's, followed along the chain when that one is
 * itself removed by `target` (flowcontrol v1beta1 → v1beta3 → v1).
 */
function replacementAt(removal: ApiRemoval, kind: string, target: string): string | undefined {
  let current: ApiRemoval | undefined = removal;
  let use: string | undefined;
  for (let hops = 0; current?.replacement && hops < 5; hops++) {
    use = current.replacement;
    const next = findApiRemoval(use, kind);
    current = next && minorOf(target) >= minorOf(next.deprecatedIn) ? next : undefined;
  }
  return use;
}
