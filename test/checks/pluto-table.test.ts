/**
 * baton's removed-API table (written from the Kubernetes Deprecated API Migration Guide) against
 * Pluto's versions.yaml. Every disagreement is listed with the reason baton differs; the test
 * fails on a new disagreement and on a listed one that no longer exists.
 */
import { parse } from "yaml";
import { API_REMOVALS, findApiRemoval } from "../../src/checks/api-removals.js";
import { minorOf } from "../../src/fleet/versions.js";
import { reference } from "../support/reference.js";

interface PlutoEntry {
  version: string;
  kind: string;
  "deprecated-in"?: string;
  "removed-in"?: string;
  "replacement-api"?: string;
  "replacement-available-in"?: string;
  component: string;
}

const ref = reference("the comparison with Pluto's table", "pluto-versions.yaml");
const pluto: PlutoEntry[] = ref.present ? (parse(ref.read("pluto-versions.yaml")) as { "deprecated-versions": PlutoEntry[] })["deprecated-versions"] : [];
const minor = (v: string | undefined) => (v ? v.replace(/^v/, "").replace(/\.\d+$/, "") : "");

/** The newest "Removed APIs by release" section of the guide baton's table was written from. */
const NEWEST_GUIDE_SECTION = "1.32";

type Category =
  /** Pluto tracks add-ons (cert-manager, Istio); the guide and baton cover Kubernetes' own APIs. */
  | "not-kubernetes"
  /** Alpha versions are off by default and removed without notice; the guide lists none. */
  | "alpha-not-in-guide"
  /** audit.k8s.io is the API server's audit policy file format, never applied to a cluster. */
  | "not-a-served-api"
  /** A kind Kubernetes never had. */
  | "no-such-kind"
  /** Removal in a release newer than the guide's newest section, or no removal scheduled. */
  | "beyond-the-guide"
  /** The guide gives a different value; baton follows the guide. */
  | "guide-says-otherwise"
  /** The guide lists it; Pluto does not. */
  | "missing-in-pluto";

interface Disagreement {
  readonly apiVersion: string;
  readonly kind: string;
  readonly field: "entry" | "removedIn" | "replacement";
  readonly category: Category;
  readonly pluto?: string;
  readonly baton?: string;
  readonly reason: string;
}

const group = (kinds: string[], d: Omit<Disagreement, "kind">): Disagreement[] => kinds.map((kind) => ({ ...d, kind }));
const rbacAlphaKinds = ["ClusterRoleBinding", "ClusterRole", "ClusterRoleBindingList", "ClusterRoleList", "Role", "RoleBinding", "RoleList", "RoleBindingList"];
const draKinds = ["ResourceSlice", "ResourceClaim", "DeviceClass", "ResourceClaimTemplate"];

const KNOWN: readonly Disagreement[] = [
  { apiVersion: "scheduling.k8s.io/v1alpha1", kind: "PriorityClass", field: "entry", category: "alpha-not-in-guide", reason: "Alpha API: the guide lists no alpha versions; they are disabled unless a cluster opts in." },
  ...group(rbacAlphaKinds, { apiVersion: "rbac.authorization.k8s.io/v1alpha1", field: "entry", category: "alpha-not-in-guide", reason: "Alpha API: the guide's v1.22 RBAC entry covers rbac.authorization.k8s.io/v1beta1 only." }),
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kind: "FlowControl", field: "entry", category: "no-such-kind", reason: "There is no FlowControl kind: the guide's v1.26 section names FlowSchema and PriorityLevelConfiguration." },
  ...group(["FlowSchema", "PriorityLevelConfiguration"], { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", field: "removedIn", category: "guide-says-otherwise", pluto: "1.29", baton: "1.26", reason: "The guide's v1.26 section: flowcontrol.apiserver.k8s.io/v1beta1 is no longer served as of v1.26." }),
  ...group(["FlowSchema", "PriorityLevelConfiguration"], { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", field: "replacement", category: "guide-says-otherwise", pluto: "flowcontrol.apiserver.k8s.io/v1beta3", baton: "flowcontrol.apiserver.k8s.io/v1", reason: "The guide's v1.29 section names v1 first (v1beta3 only for older clusters); v1beta3 itself is gone in 1.32." }),
  ...group(["Policy", "Policy", "PolicyList", "Event", "EventList"], { apiVersion: "audit.k8s.io/v1alpha1", field: "entry", category: "not-a-served-api", reason: "audit.k8s.io is the API server's --audit-policy-file format and audit event format, not an object applied to a cluster; the guide does not list it." }),
  ...group(["Policy", "PolicyList", "Event", "EventList"], { apiVersion: "audit.k8s.io/v1beta1", field: "entry", category: "not-a-served-api", reason: "audit.k8s.io is the API server's --audit-policy-file format and audit event format, not an object applied to a cluster; the guide does not list it." }),
  ...group(["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"], { apiVersion: "admissionregistration.k8s.io/v1alpha1", field: "entry", category: "alpha-not-in-guide", reason: "Alpha API: the guide lists no alpha versions." }),
  ...group(draKinds, { apiVersion: "resource.k8s.io/v1beta1", field: "entry", category: "beyond-the-guide", pluto: "1.36", reason: "Pluto expects removal in 1.36, a release the guide has no section for yet." }),
  ...group(draKinds, { apiVersion: "resource.k8s.io/v1alpha3", field: "entry", category: "alpha-not-in-guide", reason: "Alpha API: the guide lists no alpha versions." }),
  { apiVersion: "storage.k8s.io/v1beta1", kind: "VolumeAttributesClass", field: "entry", category: "beyond-the-guide", pluto: "", reason: "Deprecated with no removal release: the guide lists removals only." },
  { apiVersion: "storage.k8s.io/v1alpha1", kind: "VolumeAttributesClass", field: "entry", category: "alpha-not-in-guide", reason: "Alpha API: the guide lists no alpha versions." },
  { apiVersion: "storagemigration.k8s.io/v1alpha1", kind: "StorageVersionMigration", field: "entry", category: "alpha-not-in-guide", reason: "Alpha API: the guide lists no alpha versions." },
  ...group(["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview"], { apiVersion: "authorization.k8s.io/v1beta1", field: "entry", category: "missing-in-pluto", baton: "1.22", reason: "The guide's v1.22 section: authorization.k8s.io/v1beta1 SubjectAccessReview resources are no longer served; Pluto omits them." }),
];

/** Every disagreement between the two tables, computed. */
function disagreements(): Disagreement[] {
  const found: Disagreement[] = [];
  for (const entry of pluto) {
    const base = { apiVersion: entry.version, kind: entry.kind };
    if (entry.component !== "k8s") continue; // counted separately below
    const ours = findApiRemoval(entry.version, entry.kind);
    if (!ours) {
      found.push({ ...base, field: "entry", category: "guide-says-otherwise", reason: "" });
      continue;
    }
    if (ours.removedIn !== minor(entry["removed-in"])) found.push({ ...base, field: "removedIn", category: "guide-says-otherwise", pluto: minor(entry["removed-in"]), baton: ours.removedIn, reason: "" });
    if ((ours.replacement ?? "") !== (entry["replacement-api"] ?? "")) found.push({ ...base, field: "replacement", category: "guide-says-otherwise", pluto: entry["replacement-api"] ?? "", baton: ours.replacement ?? "", reason: "" });
  }
  for (const removal of API_REMOVALS) {
    for (const kind of removal.kinds) {
      if (!pluto.some((p) => p.version === removal.apiVersion && p.kind === kind)) {
        found.push({ apiVersion: removal.apiVersion, kind, field: "entry", category: "missing-in-pluto", baton: removal.removedIn, reason: "" });
      }
    }
  }
  return found;
}

const key = (d: Pick<Disagreement, "apiVersion" | "kind" | "field">) => `${d.apiVersion} ${d.kind} ${d.field}`;

describe.skipIf(!ref.present)(`baton's removed-API table against Pluto's${ref.skipNote}`, () => {
  it("differs exactly where a reason is listed", () => {
    const actual = [...new Set(disagreements().map(key))].sort();
    const listed = [...new Set(KNOWN.map(key))].sort();
    expect(actual).toEqual(listed);
  });

  it("skips Pluto's add-on entries (cert-manager, Istio), which are not Kubernetes APIs", () => {
    const addOns = pluto.filter((p) => p.component !== "k8s");
    expect(addOns.length).toBeGreaterThan(0);
    expect(new Set(addOns.map((p) => p.component))).toEqual(new Set(["istio", "cert-manager"]));
    for (const entry of addOns) expect(findApiRemoval(entry.version, entry.kind)).toBeUndefined();
  });

  it("agrees with Pluto on the replacement's first version wherever both give one and the replacement matches", () => {
    const mismatches = pluto.flatMap((entry) => {
      const ours = findApiRemoval(entry.version, entry.kind);
      const since = minor(entry["replacement-available-in"]);
      if (!ours || !since || ours.replacement !== entry["replacement-api"] || !ours.replacementSince) return [];
      return ours.replacementSince === since ? [] : [`${entry.version} ${entry.kind}: ${since} vs ${ours.replacementSince}`];
    });
    expect(mismatches).toEqual([]);
  });

  describe.each(KNOWN.map((d) => [`${d.apiVersion} ${d.kind} (${d.field}, ${d.category})`, d] as const))("%s", (_name, d) => {
    const ours = findApiRemoval(d.apiVersion, d.kind);
    const theirs = pluto.find((p) => p.version === d.apiVersion && p.kind === d.kind);

    it("holds for the reason given", () => {
      expect(d.reason.length).toBeGreaterThan(20);
      switch (d.category) {
        case "alpha-not-in-guide":
          expect(d.apiVersion).toMatch(/\/v\d+alpha\d+$/);
          expect(ours).toBeUndefined();
          break;
        case "not-a-served-api":
          expect(d.apiVersion.startsWith("audit.k8s.io/")).toBe(true);
          expect(ours).toBeUndefined();
          break;
        case "no-such-kind":
          expect(ours).toBeUndefined();
          expect(API_REMOVALS.some((r) => r.apiVersion === d.apiVersion)).toBe(true);
          break;
        case "beyond-the-guide": {
          expect(ours).toBeUndefined();
          const removed = minor(theirs?.["removed-in"]);
          if (removed) expect(minorOf(removed)).toBeGreaterThan(minorOf(NEWEST_GUIDE_SECTION));
          break;
        }
        case "guide-says-otherwise":
          expect(ours).toBeDefined();
          expect(d.reason).toContain(`v${ours?.guideSection.replace(/^v/, "")}`);
          if (d.field === "removedIn") expect([ours?.removedIn, minor(theirs?.["removed-in"])]).toEqual([d.baton, d.pluto]);
          if (d.field === "replacement") expect([ours?.replacement, theirs?.["replacement-api"]]).toEqual([d.baton, d.pluto]);
          break;
        case "missing-in-pluto":
          expect(theirs).toBeUndefined();
          expect(ours?.removedIn).toBe(d.baton);
          expect(d.reason).toContain(`v${ours?.removedIn}`);
          break;
        case "not-kubernetes":
          break;
      }
    });
  });
});
