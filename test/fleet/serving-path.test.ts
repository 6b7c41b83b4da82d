import { plan } from "../../src/fleet/plan.js";
import {
  classifyUpdate, KUBERNETES_IDENTITY, REPLACEMENT_TABLE, TARGET_GROUP_BINDING_IMMUTABLE_FIELDS, TARGET_GROUP_BINDING_TYPE,
} from "../../src/fleet/replacements.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

const planned = (before: unknown, after: unknown) => plan(before, after, { today: TODAY });

/**
 * The fields the AWS Load Balancer Controller's validating webhook refuses to change on a
 * TargetGroupBinding update (webhooks/elbv2/targetgroupbinding_validator.go, checkImmutableFields),
 * written out here from the controller's source so the table is checked against it.
 */
const CONTROLLER_IMMUTABLE_FIELDS = ["spec.targetGroupARN", "spec.targetType", "spec.ipAddressType", "spec.vpcID"];

describe("the replacement table and the TargetGroupBinding", () => {
  it("lists exactly the controller's immutable fields, and the provider's own rule (name, namespace) as replacing", () => {
    expect([...TARGET_GROUP_BINDING_IMMUTABLE_FIELDS].sort()).toEqual([...CONTROLLER_IMMUTABLE_FIELDS].sort());
    const rule = REPLACEMENT_TABLE[TARGET_GROUP_BINDING_TYPE]!;
    // @pulumi/kubernetes replaces a custom resource only on identity changes; everything else is a patch.
    expect([...rule.replaces].sort()).toEqual([...KUBERNETES_IDENTITY].sort());
    expect([...(rule.refusedUpdates ?? [])].sort()).toEqual([...CONTROLLER_IMMUTABLE_FIELDS].sort());
  });

  it("says a binding whose target group changes is replaced only when replaceOnChanges lists the field", () => {
    for (const field of CONTROLLER_IMMUTABLE_FIELDS) {
      const patched = classifyUpdate(TARGET_GROUP_BINDING_TYPE, [field]);
      expect(patched.op).toBe("may-replace");
      expect(patched.reason).toMatch(/refuses that update/);
      expect(classifyUpdate(TARGET_GROUP_BINDING_TYPE, [field], TARGET_GROUP_BINDING_IMMUTABLE_FIELDS).op).toBe("replace");
    }
    expect(classifyUpdate(TARGET_GROUP_BINDING_TYPE, ["metadata.namespace"]).op).toBe("replace");
    expect(classifyUpdate(TARGET_GROUP_BINDING_TYPE, ["spec.serviceRef.port", "spec.networking.ingress[0].ports[0].port"], TARGET_GROUP_BINDING_IMMUTABLE_FIELDS).op).toBe("update");
  });
});

describe("rule serving-path-replacement", () => {
  it("refuses a port change on a service with traffic: every cluster's target group and binding would be replaced", () => {
    const result = planned(migrationFleet(), edit(migrationFleet(), (f) => { f.services.web.port = 9090; }));
    expect(result.allowed).toBe(false);
    expect(result.refusedRules).toEqual(["serving-path-replacement"]);
    const [problem] = result.changes.flatMap((c) => c.refusals);
    expect(problem).toMatchObject({ rule: "serving-path-replacement", path: "baton:fleet.services.web.port", value: 9090 });
    expect(problem!.message).toMatch(/services\.web\.port \(8080 → 9090\) replaces web's target group and TargetGroupBinding in blue, green/);
    expect(problem!.message).toMatch(/503/);
    expect(problem!.fix).toMatch(/new service/);
  });

  it("refuses a namespace change: the new binding would be refused by the controller while the old one holds the target group", () => {
    const result = planned(migrationFleet(), edit(migrationFleet(), (f) => { f.services.web.namespace = "storefront"; }));
    expect(result.refusedRules).toEqual(["serving-path-replacement"]);
    const [problem] = result.changes.flatMap((c) => c.refusals);
    expect(problem!.path).toBe("baton:fleet.services.web.namespace");
    expect(problem!.message).toMatch(/already bound/);
  });

  it("allows what updates in place: health check, stickiness, the Service's name, and a port change on a Route53 service", () => {
    const head = edit(migrationFleet(), (f) => {
      f.services.web.alb.healthCheck = { path: "/healthz", intervalSeconds: 10 };
      f.services.web.alb.stickinessSeconds = 300;
      f.services.web.serviceName = "storefront";
      f.services.api.port = 9090;
    });
    expect(planned(migrationFleet(), head)).toMatchObject({ allowed: true, refusedRules: [] });
  });
});
