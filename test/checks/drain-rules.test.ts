import { check, deployment, hpa, pdb, rulesOf } from "./support.js";

const T = "1.32";

describe("pdb-blocks-eviction", () => {
  it("flags maxUnavailable: 0 and 0% even with no workload in view", () => {
    expect(rulesOf(check(T, pdb("web", { maxUnavailable: 0 })))).toEqual(["PodDisruptionBudget/web:pdb-blocks-eviction"]);
    expect(rulesOf(check(T, pdb("web", { maxUnavailable: "0%" })))).toEqual(["PodDisruptionBudget/web:pdb-blocks-eviction"]);
    const [finding] = check(T, pdb("web", { maxUnavailable: 0 }));
    expect(finding).toMatchObject({ severity: "error" });
    expect(finding?.message).toContain("PodEvictionFailure");
    expect(finding?.fix).toContain("maxUnavailable: 1");
  });

  it("flags minAvailable: 100%", () => {
    expect(rulesOf(check(T, pdb("web", { minAvailable: "100%" })))).toEqual(["PodDisruptionBudget/web:pdb-blocks-eviction"]);
  });

  it("flags minAvailable that reaches the selected workload's replicas", () => {
    const findings = check(T, deployment("web", { replicas: 2 }), pdb("web", { minAvailable: 2 }));
    expect(rulesOf(findings)).toEqual(["PodDisruptionBudget/web:pdb-blocks-eviction"]);
    expect(findings[0]?.message).toContain("minAvailable: 2 of the 2 pods it selects [Deployment web (2 replicas)]");
    expect(rulesOf(check(T, deployment("web", { replicas: 1 }), pdb("web", { minAvailable: 1 })))).toContain("PodDisruptionBudget/web:pdb-blocks-eviction");
  });

  it("rounds percentages up, as the disruption controller does", () => {
    expect(rulesOf(check(T, deployment("web", { replicas: 5 }), pdb("web", { minAvailable: "90%" })))).toEqual(["PodDisruptionBudget/web:pdb-blocks-eviction"]);
    expect(check(T, deployment("web", { replicas: 5 }), pdb("web", { minAvailable: "80%" }))).toEqual([]);
    expect(check(T, deployment("web", { replicas: 3 }), pdb("web", { maxUnavailable: "10%" }))).toEqual([]);
  });

  it("judges an autoscaled workload at its largest size", () => {
    expect(check(T, deployment("web", { replicas: null }), hpa("web", 2, 4), pdb("web", { minAvailable: 2 }))).toEqual([]);
    expect(rulesOf(check(T, deployment("web", { replicas: null }), hpa("web", 2, 2), pdb("web", { minAvailable: 2 })))).toEqual(["PodDisruptionBudget/web:pdb-blocks-eviction"]);
  });

  it("near misses: room to evict, another namespace, a selector that does not match, nothing selected", () => {
    expect(check(T, deployment("web", { replicas: 3 }), pdb("web", { minAvailable: 2 }))).toEqual([]);
    expect(check(T, deployment("web", { replicas: 3 }), pdb("web", { maxUnavailable: 1 }))).toEqual([]);
    const elsewhere = check(T, deployment("web", { replicas: 2, namespace: "a" }), pdb("web", { minAvailable: 2 }, { namespace: "b" }));
    expect(rulesOf(elsewhere)).toEqual(["Deployment/web:workload-no-pdb"]);
    expect(rulesOf(check(T, deployment("web", { replicas: 2 }), { ...pdb("web", { minAvailable: 2 }), spec: { minAvailable: 2, selector: { matchLabels: { app: "api" } } } }))).toEqual(["Deployment/web:workload-no-pdb"]);
    expect(check(T, pdb("web", { minAvailable: 2 }))).toEqual([]);
  });
});

describe("workload-no-pdb", () => {
  it("warns for several replicas with no budget, saying what to add", () => {
    const [finding, ...rest] = check(T, deployment("web", { replicas: 3 }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: "workload-no-pdb", severity: "warning", name: "web" });
    expect(finding?.fix).toContain("maxUnavailable: 1");
  });

  it("is satisfied by a budget selecting the pods with matchExpressions, or an empty policy/v1 selector", () => {
    const byExpression = pdb("web", {});
    byExpression["spec"] = { maxUnavailable: 1, selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] } };
    expect(check(T, deployment("web"), byExpression)).toEqual([]);
    const everything = { ...pdb("all", {}), spec: { maxUnavailable: 1, selector: {} } };
    expect(check(T, deployment("web"), everything)).toEqual([]);
  });

  it("is not satisfied by an empty policy/v1beta1 selector, which selected nothing", () => {
    const legacy = { ...pdb("all", {}, { apiVersion: "policy/v1beta1" }), spec: { maxUnavailable: 1, selector: {} } };
    expect(rulesOf(check("1.24", deployment("web"), legacy)).sort()).toEqual(["Deployment/web:workload-no-pdb", "PodDisruptionBudget/all:deprecated-api"]);
  });

  it("applies to StatefulSets and to autoscaled workloads that can grow past one pod", () => {
    expect(rulesOf(check(T, deployment("db", { kind: "StatefulSet" })))).toEqual(["StatefulSet/db:workload-no-pdb"]);
    expect(rulesOf(check(T, deployment("web", { replicas: null }), hpa("web", 2, 5)))).toEqual(["Deployment/web:workload-no-pdb"]);
  });
});

describe("single-replica", () => {
  it("warns when replicas is 1 or left to the default", () => {
    expect(rulesOf(check(T, deployment("web", { replicas: 1 })))).toEqual(["Deployment/web:single-replica"]);
    const [finding] = check(T, deployment("web", { replicas: null }));
    expect(finding).toMatchObject({ rule: "single-replica", severity: "warning" });
    expect(finding?.fix).toContain("spec.replicas to 2");
  });

  it("warns when an autoscaler may scale down to one pod, and points at minReplicas", () => {
    const findings = check(T, deployment("web", { replicas: null }), hpa("web", undefined, 4), pdb("web", { maxUnavailable: 1 }));
    expect(rulesOf(findings)).toEqual(["Deployment/web:single-replica"]);
    expect(findings[0]?.fix).toContain("minReplicas");
  });

  it("near misses: two replicas, zero replicas (stopped on purpose), a DaemonSet", () => {
    expect(check(T, deployment("web", { replicas: 2 }), pdb("web", { maxUnavailable: 1 }))).toEqual([]);
    expect(check(T, deployment("web", { replicas: 0 }))).toEqual([]);
    expect(check(T, deployment("agent", { kind: "DaemonSet", replicas: null }))).toEqual([]);
  });
});

describe("no-readiness-probe", () => {
  const podSpec = (containers: unknown[]) => ({
    containers,
    initContainers: [{ name: "migrate", image: "migrate:1" }],
    topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway" }],
  });

  it("names every container without a readiness probe", () => {
    const findings = check(T, deployment("web", { podSpec: podSpec([{ name: "app" }, { name: "proxy", readinessProbe: { tcpSocket: { port: 80 } } }, { name: "log" }]) }), pdb("web", { maxUnavailable: 1 }));
    expect(rulesOf(findings)).toEqual(["Deployment/web:no-readiness-probe"]);
    expect(findings[0]?.message).toContain(`containers "app", "log"`);
    expect(findings[0]?.message).not.toContain("proxy");
  });

  it("ignores init containers and passes when every container has one", () => {
    expect(check(T, deployment("web", { podSpec: podSpec([{ name: "app", readinessProbe: { exec: { command: ["true"] } } }]) }), pdb("web", { maxUnavailable: 1 }))).toEqual([]);
  });
});

describe("no-zone-spread", () => {
  const containers = [{ name: "app", readinessProbe: { tcpSocket: { port: 80 } } }];

  it("warns for several replicas with nothing spreading them across zones", () => {
    const findings = check(T, deployment("web", { podSpec: { containers } }), pdb("web", { maxUnavailable: 1 }));
    expect(rulesOf(findings)).toEqual(["Deployment/web:no-zone-spread"]);
    expect(findings[0]?.fix).toContain("topology.kubernetes.io/zone");
  });

  it("is not satisfied by spreading over hostnames only", () => {
    const podSpec = { containers, topologySpreadConstraints: [{ topologyKey: "kubernetes.io/hostname", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" }] };
    expect(rulesOf(check(T, deployment("web", { podSpec }), pdb("web", { maxUnavailable: 1 })))).toEqual(["Deployment/web:no-zone-spread"]);
  });

  it("accepts zone anti-affinity, required or preferred, and the legacy zone label", () => {
    const preferred = { containers, affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "topology.kubernetes.io/zone", labelSelector: { matchLabels: { app: "web" } } } }] } } };
    const required = { containers, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "failure-domain.beta.kubernetes.io/zone", labelSelector: { matchLabels: { app: "web" } } }] } } };
    expect(check(T, deployment("web", { podSpec: preferred }), pdb("web", { maxUnavailable: 1 }))).toEqual([]);
    expect(check(T, deployment("web", { podSpec: required }), pdb("web", { maxUnavailable: 1 }))).toEqual([]);
  });

  it("does not apply to a single replica", () => {
    expect(rulesOf(check(T, deployment("web", { replicas: 1, podSpec: { containers } })))).toEqual(["Deployment/web:single-replica"]);
  });
});
