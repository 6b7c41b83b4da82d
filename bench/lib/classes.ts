/**
 * The provider SDK class for a Pulumi type token, found by the token alone, so a program can
 * construct `@pulumi/aws` and `@pulumi/kubernetes` resources from recorded data:
 *   aws:eks/cluster:Cluster              -> aws.eks.Cluster
 *   aws:index/provider                   -> aws.Class (module "index" is the package root)
 *   kubernetes:apps/v1:Deployment        -> k8s.apps.v1.Deployment
 *   kubernetes:elbv2.k8s.aws/v1beta1:X   -> k8s.apiextensions.CustomResource (a CRD the SDK has no class for)
 *   pulumi:providers:aws | kubernetes    -> aws.Provider | k8s.Provider
 * Looking a class up touches its module, which @pulumi/aws loads lazily: resolving every class
 * before the timer starts keeps module loading out of the timed region.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Every provider resource class has this constructor shape. */
export type ResourceClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** A namespace object of an SDK, walked by name. */
type Namespace = Readonly<Record<string, unknown>>;

function member(namespace: unknown, key: string): unknown {
  return namespace !== null && (typeof namespace === "object" || typeof namespace === "function") ? (namespace as Namespace)[key] : undefined;
}

function asClass(candidate: unknown, type: string): ResourceClass {
  if (typeof candidate !== "function") throw new Error(`no SDK class for the type token ${type}`);
  return candidate as ResourceClass;
}

export function classFor(type: string): ResourceClass {
  const [pkg, modulePath = "", className = ""] = type.split(":");
  if (pkg === "pulumi" && modulePath === "providers") {
    if (className === "aws") return asClass(aws.Provider, type);
    if (className === "kubernetes") return asClass(k8s.Provider, type);
  }
  if (pkg === "aws") {
    const module = modulePath.split("/")[0] ?? "";
    return asClass(member(module === "index" ? aws : member(aws, module), className), type);
  }
  if (pkg === "kubernetes") {
    const [group = "", version = ""] = modulePath.split("/");
    const known = member(member(member(k8s, group.split(".")[0] ?? ""), version), className);
    return asClass(known ?? k8s.apiextensions.CustomResource, type);
  }
  throw new Error(`no SDK class for the type token ${type}`);
}

/** Every type's class, looked up once. */
export function classesFor(types: Iterable<string>): Map<string, ResourceClass> {
  return new Map([...new Set(types)].map((type) => [type, classFor(type)]));
}
