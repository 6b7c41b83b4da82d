/**
 * Runs the pack's policies over resources without the Pulumi CLI, the way the analyzer server
 * does: every resource policy on every resource's inputs, then every stack policy on the whole
 * resource list. The offline preview and the tests use it on resources captured under Pulumi's
 * mock runtime; the real `pulumi preview --policy-pack` path does not go through here.
 */
import type {
  EnforcementLevel, Policies, PolicyPackConfig, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy,
  StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import type { Resource, Unwrap } from "@pulumi/pulumi";
import type { ResolvedResource } from "@pulumi/pulumi/queryable/index.js";

/** A resource as a policy sees it: type token, name, and its property values. */
export interface EvaluatedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs, for resource policies. */
  readonly inputs: Record<string, unknown>;
  /** Outputs, for stack policies. @default the inputs */
  readonly outputs?: Record<string, unknown>;
  /** URNs each property's value came from, as the engine records them. @default none */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly parent?: string;
}

export interface PolicyViolation {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
  /** The resource at fault; undefined for a stack-wide violation. */
  readonly urn?: string;
}

export interface EvaluateOptions {
  /** Per-policy config, as in a `--policy-pack-config` file: an enforcement level, or `{ enforcementLevel, ...properties }`. */
  readonly config?: PolicyPackConfig;
}

type ResourceClass<TResource extends Resource> = { new (...rest: any[]): TResource };

/** Whether a resource of `type` is an instance of `resourceClass`: the generated `isInstance` compares type tokens. */
function isTypeOf<TResource extends Resource>(type: string, resourceClass: ResourceClass<TResource>): boolean {
  if (!("isInstance" in resourceClass) || typeof resourceClass.isInstance !== "function") return false;
  return resourceClass.isInstance({ __pulumiType: type }) === true;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function levelOf(policy: ResourceValidationPolicy | StackValidationPolicy, config: PolicyPackConfig): EnforcementLevel {
  const entry = config[policy.name];
  const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
  return configured ?? policy.enforcementLevel ?? "advisory";
}

function configOf(policy: { name: string }, config: PolicyPackConfig): object {
  const entry = config[policy.name];
  if (entry === undefined || typeof entry === "string") return {};
  const { enforcementLevel: _level, ...properties } = entry;
  return properties;
}

function resourceArgs(resource: EvaluatedResource, getConfig: () => object): ResourceValidationArgs {
  const props: Record<string, any> = resource.inputs;
  function asType<TResource extends Resource, TArgs>(resourceClass: { new (name: string, args: TArgs, ...rest: any[]): TResource }): Unwrap<NonNullable<TArgs>> | undefined;
  function asType(resourceClass: ResourceClass<Resource>): Record<string, any> | undefined {
    return isTypeOf(resource.type, resourceClass) ? props : undefined;
  }
  return {
    type: resource.type, name: resource.name, urn: resource.urn, props,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], ...(resource.parent ? { parent: resource.parent } : {}) },
    stackTags: new Map(),
    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
    asType,
    getConfig: <T extends object>(): T => getConfig() as T,
    notApplicable,
  };
}

function policyResources(resources: readonly EvaluatedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const out = resources.map((resource) => {
    const props: Record<string, any> = resource.outputs ?? resource.inputs;
    function asType<TResource extends Resource>(resourceClass: ResourceClass<TResource>): ResolvedResource<TResource> | undefined;
    function asType(resourceClass: ResourceClass<Resource>): Record<string, any> | undefined {
      return isTypeOf(resource.type, resourceClass) ? props : undefined;
    }
    const policyResource: PolicyResource = {
      type: resource.type, name: resource.name, urn: resource.urn, props,
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [], propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType,
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  resources.forEach((resource, i) => {
    const policyResource = out[i];
    if (!policyResource) return;
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    if (parent) policyResource.parent = parent;
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      const deps = urns.flatMap((urn) => byUrn.get(urn) ?? []);
      policyResource.propertyDependencies[property] = deps;
      policyResource.dependencies.push(...deps.filter((d) => !policyResource.dependencies.includes(d)));
    }
  });
  return out;
}

const isStackPolicy = (p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy => "validateStack" in p;

/** Every violation the policies report on these resources, with each policy's effective enforcement level. */
export async function evaluatePolicies(policies: Policies, resources: readonly EvaluatedResource[], options: EvaluateOptions = {}): Promise<PolicyViolation[]> {
  const config = options.config ?? {};
  const violations: PolicyViolation[] = [];
  const stackResources = policyResources(resources);
  for (const policy of policies) {
    const enforcementLevel = levelOf(policy, config);
    if (enforcementLevel === "disabled") continue;
    const reporter = (urn?: string): ReportViolation => (message, reportedUrn) => {
      violations.push({ policyName: policy.name, enforcementLevel, message, ...(reportedUrn ?? urn ? { urn: reportedUrn ?? urn } : {}) });
    };
    const getConfig = () => configOf(policy, config);
    try {
      if (isStackPolicy(policy)) {
        const args: StackValidationArgs = { resources: stackResources, stackTags: new Map(), getConfig: <T extends object>(): T => getConfig() as T, notApplicable };
        await policy.validateStack(args, reporter());
        continue;
      }
      const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
      for (const resource of resources) {
        for (const validate of validations) {
          try {
            await validate(resourceArgs(resource, getConfig), reporter(resource.urn));
          } catch (error) {
            if (!(error instanceof NotApplicable)) throw error;
          }
        }
      }
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return violations;
}

/** Violations that would stop `pulumi up`. */
export function mandatoryViolations(violations: readonly PolicyViolation[]): PolicyViolation[] {
  return violations.filter((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate");
}
