/**
 * The TargetGroupBinding baton writes, checked against the AWS Load Balancer Controller's own CRD
 * schema (the upstream YAML, read from the reference data) with a JSON-schema validator.
 */
import Ajv from "ajv";
import { parse } from "yaml";
import { TARGET_GROUP_BINDING_API_VERSION, TARGET_GROUP_BINDING_KIND, targetGroupBindingSpec } from "../../src/components/target-group-binding.js";
import { runFleetProgram } from "../../stacks/program.js";
import { migrationFleet, TODAY } from "../support/fleets.js";
import { reference } from "../support/reference.js";
import { runMocked } from "./harness.js";

Error.stackTraceLimit = 0;

interface CrdVersion { name: string; storage?: boolean; schema: { openAPIV3Schema: object } }
const CRD_FILE = "targetgroupbindings.elbv2.k8s.aws.crd.yaml";
const ref = reference("the check against the controller's CRD", CRD_FILE);
interface Crd { spec: { group: string; names: { kind: string }; versions: CrdVersion[] } }
// A stand-in with no versions when the CRD is absent: the describe below is skipped then.
const crd: Crd = ref.present ? (parse(ref.read(CRD_FILE)) as Crd) : { spec: { group: "", names: { kind: "" }, versions: [] } };
const [group, version] = TARGET_GROUP_BINDING_API_VERSION.split("/");
const served = crd.spec.versions.find((v) => v.name === version) ?? { name: "", schema: { openAPIV3Schema: {} } };
// The CRD carries Kubernetes' own keywords (x-kubernetes-*), which are annotations to a JSON-schema validator.
const validate = new Ajv({ strict: false, allErrors: true }).compile(served.schema.openAPIV3Schema);

const sample = targetGroupBindingSpec({
  serviceName: "web", port: 8080,
  targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web-blue-1a2b3c4/0123456789abcdef",
  loadBalancerSecurityGroupId: "sg-0a1b2c3d4e5f67890",
});

describe.skipIf(!ref.present)(`the TargetGroupBinding against the upstream CRD${ref.skipNote}`, () => {
  it("targets the CRD's group, kind and stored version", () => {
    expect(crd.spec.group).toBe(group);
    expect(crd.spec.names.kind).toBe(TARGET_GROUP_BINDING_KIND);
    expect(served.storage).toBe(true);
  });

  it("accepts every binding the fleet program registers", async () => {
    const { mocks } = await runMocked(() => runFleetProgram(migrationFleet(), { today: TODAY }));
    const bindings = mocks.resources.filter((r) => r.type === `kubernetes:${TARGET_GROUP_BINDING_API_VERSION}:${TARGET_GROUP_BINDING_KIND}`);
    expect(bindings).toHaveLength(2);
    for (const binding of bindings) {
      const object = { apiVersion: binding.inputs["apiVersion"], kind: binding.inputs["kind"], metadata: binding.inputs["metadata"], spec: binding.inputs["spec"] };
      expect(validate(object), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("is a schema that refuses what the controller refuses (the check can fail)", () => {
    const object = (spec: unknown) => ({ apiVersion: TARGET_GROUP_BINDING_API_VERSION, kind: TARGET_GROUP_BINDING_KIND, metadata: {}, spec });
    expect(validate(object(sample))).toBe(true);
    const { serviceRef: _omitted, ...withoutServiceRef } = sample;
    expect(validate(object(withoutServiceRef))).toBe(false);
    expect(validate(object({ ...sample, targetType: "pod" }))).toBe(false);
    expect(validate(object({ ...sample, networking: { ingress: [{ from: [{ securityGroup: {} }], ports: [{ port: 8080 }] }] } }))).toBe(false);
    expect(validate(object({ ...sample, networking: { ingress: [{ from: [{ securityGroup: { groupID: "sg-1" } }], ports: [{ protocol: "SCTP", port: 8080 }] }] } }))).toBe(false);
  });
});
