import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { classFor, classesFor } from "../../bench/lib/classes.js";

describe("classFor: the SDK class a type token names", () => {
  it("finds @pulumi/aws classes by module and name", () => {
    expect(classFor("aws:eks/cluster:Cluster")).toBe(aws.eks.Cluster);
    expect(classFor("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toBe(aws.iam.RolePolicyAttachment);
    expect(classFor("aws:route53/record:Record")).toBe(aws.route53.Record);
  });
  it("finds @pulumi/kubernetes classes by group, version and kind", () => {
    expect(classFor("kubernetes:apps/v1:Deployment")).toBe(k8s.apps.v1.Deployment);
    expect(classFor("kubernetes:core/v1:Namespace")).toBe(k8s.core.v1.Namespace);
    expect(classFor("kubernetes:rbac.authorization.k8s.io/v1:Role")).toBe(k8s.rbac.v1.Role);
  });
  it("falls back to CustomResource for a CRD the SDK has no class for", () => {
    expect(classFor("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")).toBe(k8s.apiextensions.CustomResource);
  });
  it("finds the provider resources", () => {
    expect(classFor("pulumi:providers:kubernetes")).toBe(k8s.Provider);
    expect(classFor("pulumi:providers:aws")).toBe(aws.Provider);
  });
  it("refuses a token with no class rather than guessing", () => {
    expect(() => classFor("aws:eks/nothing:Nothing")).toThrow(/no SDK class for the type token aws:eks\/nothing:Nothing/);
    expect(() => classFor("random:index/randomId:RandomId")).toThrow(/no SDK class/);
  });
  it("looks each type up once", () => {
    expect([...classesFor(["aws:kms/key:Key", "aws:kms/key:Key"]).keys()]).toEqual(["aws:kms/key:Key"]);
  });
});
