import { API_REMOVALS, apiStatus, findApiRemoval } from "../../src/checks/api-removals.js";
import { minorOf } from "../../src/fleet/versions.js";
import { check, rulesOf } from "./support.js";

const object = (apiVersion: string, kind: string, name = "x") => ({ apiVersion, kind, metadata: { name } });

describe("removed-api and deprecated-api", () => {
  it("reports a removed API as an error with the release that removed it and what to use", () => {
    const [finding, ...rest] = check("1.25", object("batch/v1beta1", "CronJob", "nightly"));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: "removed-api", severity: "error", kind: "CronJob", name: "nightly", apiVersion: "batch/v1beta1" });
    expect(finding?.message).toContain("Kubernetes 1.25 stopped serving");
    expect(finding?.fix).toBe("Change apiVersion to batch/v1.");
  });

  it("warns before the removal, from the release that serves the replacement, naming the removal", () => {
    const [finding] = check("1.24", object("batch/v1beta1", "CronJob"));
    expect(finding).toMatchObject({ rule: "deprecated-api", severity: "warning" });
    expect(finding?.message).toContain("no longer served from 1.25");
    expect(check("1.20", object("batch/v1beta1", "CronJob"))).toEqual([]);
  });

  it("passes current APIs and objects baton knows nothing about (custom resources)", () => {
    expect(check("1.35", object("batch/v1", "CronJob"), object("elbv2.k8s.aws/v1beta1", "TargetGroupBinding"), object("v1", "ConfigMap"))).toEqual([]);
  });

  it("follows a replacement that is itself gone at the target (flowcontrol v1beta1 → v1beta3 → v1)", () => {
    expect(check("1.26", object("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"))[0]?.fix).toContain("flowcontrol.apiserver.k8s.io/v1beta3");
    const at132 = check("1.32", object("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"))[0];
    expect(at132?.rule).toBe("removed-api");
    expect(at132?.fix).toContain("Change apiVersion to flowcontrol.apiserver.k8s.io/v1");
    expect(at132?.fix).not.toContain("v1beta3");
    expect(rulesOf(check("1.30", object("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration")))).toEqual(["PriorityLevelConfiguration/x:deprecated-api"]);
    expect(check("1.28", object("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"))).toEqual([]);
  });

  it("says what to do when nothing replaces the API (PodSecurityPolicy)", () => {
    const [finding] = check("1.25", object("policy/v1beta1", "PodSecurityPolicy"));
    expect(finding?.rule).toBe("removed-api");
    expect(finding?.fix).toContain("Pod Security Admission");
    expect(check("1.21", object("policy/v1beta1", "PodSecurityPolicy"))[0]?.rule).toBe("deprecated-api");
  });

  it("covers typed lists through their item kind", () => {
    expect(findApiRemoval("rbac.authorization.k8s.io/v1beta1", "RoleBindingList")?.removedIn).toBe("1.22");
    expect(apiStatus("rbac.authorization.k8s.io/v1beta1", "RoleList", "1.22").state).toBe("removed");
  });

  it("keeps the table consistent: every entry deprecated no later than removed, replacements served before the removal", () => {
    for (const removal of API_REMOVALS) {
      expect(minorOf(removal.deprecatedIn)).toBeLessThanOrEqual(minorOf(removal.removedIn));
      if (removal.replacementSince) expect(minorOf(removal.replacementSince)).toBeLessThanOrEqual(minorOf(removal.removedIn));
      expect(removal.replacement !== undefined || removal.note !== undefined).toBe(true);
      expect(apiStatus(removal.apiVersion, removal.kinds[0] ?? "", removal.removedIn).state).toBe("removed");
      expect(apiStatus(removal.apiVersion, removal.kinds[0] ?? "", `1.${minorOf(removal.removedIn) - 1}`).state).not.toBe("removed");
    }
  });
});
