/**
 * A test double of the Pulumi engine's side of a `pulumi preview`: the resource monitor and the
 * engine services a Node.js program talks to over gRPC, on 127.0.0.1, built from the published
 * protocol stubs in `@pulumi/pulumi/proto`. It records what the program asks for and answers the
 * way the engine does in a preview: a resource to be created has no id yet, and every output it
 * does not get from its inputs stays unknown. It creates nothing and calls no provider.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb.js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb.js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb.js";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb.js";
import { InvokeResponse } from "@pulumi/pulumi/proto/provider_pb.js";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb.js";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb.js";
import { readWireObject, type WireValue } from "./properties.js";

/** One `RegisterResource` call, as the monitor received it. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The parent's URN ("" for the stack root). */
  readonly parent: string;
  readonly custom: boolean;
  /** `<provider urn>::<provider id>`, or "" when the engine's default provider serves it. */
  readonly provider: string;
  /** Per-package providers a component passed down (`providers` option). */
  readonly providers: Readonly<Record<string, string>>;
  readonly inputs: Record<string, WireValue>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly deleteBeforeReplace: boolean;
  readonly replaceOnChanges: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly aliases: readonly RecordedAlias[];
  readonly protect: boolean | undefined;
  readonly retainOnDelete: boolean | undefined;
  readonly deletedWith: string;
  readonly additionalSecretOutputs: readonly string[];
  readonly version: string;
}

export type RecordedAlias =
  | { readonly urn: string }
  | { readonly name: string; readonly type: string; readonly stack: string; readonly project: string; readonly parentUrn: string; readonly noParent: boolean };

export interface Invocation {
  readonly token: string;
  readonly args: Record<string, WireValue>;
  readonly provider: string;
  readonly version: string;
}

export interface LogEntry {
  /** 0 debug, 1 info, 2 warning, 3 error (pulumirpc.LogSeverity). */
  readonly severity: number;
  readonly message: string;
  readonly urn: string;
}

/** Answers a data-source call (`Invoke`) the way the provider would: its result object. */
export type InvokeAnswer = (args: Record<string, WireValue>) => Record<string, unknown>;

/** Data sources the fleet program calls, answered with values shaped like the provider's. */
export const DEFAULT_INVOKE_ANSWERS: Readonly<Record<string, InvokeAnswer>> = {
  // EKS's default add-on version for a Kubernetes version (eks:DescribeAddonVersions): "v<semver>-eksbuild.<n>".
  "aws:eks/getAddonVersion:getAddonVersion": (args) => {
    const kubernetesVersion = String(args["kubernetesVersion"]);
    const minor = Number(kubernetesVersion.split(".")[1] ?? 0);
    const versions: Record<string, string> = {
      "kube-proxy": `v${kubernetesVersion}.0-eksbuild.2`,
      "vpc-cni": "v1.19.5-eksbuild.1",
      "coredns": `v1.${minor - 21}.1-eksbuild.1`,
      "eks-pod-identity-agent": "v1.3.7-eksbuild.2",
    };
    const version = versions[String(args["addonName"])];
    if (version === undefined) throw new Error(`no default version known for add-on ${String(args["addonName"])}`);
    return { addonName: args["addonName"], kubernetesVersion, mostRecent: args["mostRecent"] ?? false, version, id: String(args["addonName"]) };
  },
  // A new account: no control-plane log group exists yet (logs:DescribeLogGroups by prefix).
  "aws:cloudwatch/getLogGroups:getLogGroups": (args) => ({ logGroupNamePrefix: args["logGroupNamePrefix"], logGroupNames: [], arns: [], id: String(args["logGroupNamePrefix"]), region: "us-east-1" }),
  // No node group runs yet (eks:ListNodegroups).
  "aws:eks/getNodeGroups:getNodeGroups": (args) => ({ clusterName: args["clusterName"], names: [], id: String(args["clusterName"]), region: "us-east-1" }),
};

/**
 * The features the engine that ships with this SDK reports through `SupportsFeature`; the SDK
 * changes what it sends (output values, resource references, alias specs) on these answers.
 */
const SUPPORTED_FEATURES = new Set([
  "secrets", "resourceReferences", "outputValues", "deletedWith", "replaceWith", "aliasSpecs",
  "transforms", "invokeTransforms", "parameterization", "resourceHooks", "errorHooks",
]);

export interface EngineRecord {
  readonly registrations: Registration[];
  /** `RegisterResourceOutputs` per URN: a component's (or the stack's) outputs. */
  readonly outputs: Map<string, Record<string, WireValue>>;
  readonly invokes: Invocation[];
  readonly logs: LogEntry[];
  readonly features: string[];
  /** URN the engine was told is the stack root (`SetRootResource`). */
  rootResource: string | undefined;
  /** Whether the program signalled a clean end (`SignalAndWaitForShutdown`). */
  shutdownSignalled: boolean;
  /** Resources read rather than registered (a StackReference). */
  readonly reads: Array<{ readonly urn: string; readonly type: string; readonly id: string }>;
  /** The CLI version ranges the program required (`requirePulumiVersion`), in order. */
  readonly requiredVersions: string[];
  /** Calls the double does not implement, and requests the real engine would refuse: each fails the run. */
  readonly refusals: string[];
}

export interface EngineDouble {
  readonly monitorAddress: string;
  readonly engineAddress: string;
  readonly record: EngineRecord;
  /** Stops both servers; in-flight calls are cancelled after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export interface EngineDoubleOptions {
  readonly project: string;
  readonly stack: string;
  readonly invokeAnswers?: Readonly<Record<string, InvokeAnswer>>;
  /** What a StackReference reads as the stack's last outputs. @default none (a stack never deployed) */
  readonly stackOutputs?: Readonly<Record<string, unknown>>;
  /** The CLI version the engine reports to `requirePulumiVersion` (ranges `>=x.y.z` only). @default one that satisfies every range */
  readonly cliVersion?: string;
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

function refuse<Res>(record: EngineRecord, callback: grpc.sendUnaryData<Res>, code: grpc.status, message: string): void {
  record.refusals.push(message);
  callback({ code, details: message, name: "EngineDoubleError", message });
}

/** A JSON value with every object's keys in sorted order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}

/** The URN the engine gives a resource: the parent's type chain (without the stack) and the name. */
export function urnOf(stack: string, project: string, type: string, name: string, parentUrn: string): string {
  const parentType = parentUrn === "" ? "" : parentUrn.split("::")[2] ?? "";
  const qualifiedType = parentType === "" || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

function readAlias(alias: import("@pulumi/pulumi/proto/alias_pb.js").Alias): RecordedAlias {
  const spec = alias.getSpec();
  if (spec === undefined) return { urn: alias.getUrn() };
  return { name: spec.getName(), type: spec.getType(), stack: spec.getStack(), project: spec.getProject(), parentUrn: spec.getParenturn(), noParent: spec.getNoparent() };
}

/** Starts the resource monitor and the engine on 127.0.0.1 (ports the kernel picks). */
export async function startEngineDouble(options: EngineDoubleOptions): Promise<EngineDouble> {
  const { project, stack } = options;
  const answers = options.invokeAnswers ?? DEFAULT_INVOKE_ANSWERS;
  const record: EngineRecord = {
    registrations: [], reads: [], requiredVersions: [], outputs: new Map(), invokes: [], logs: [], features: [],
    rootResource: undefined, shutdownSignalled: false, refusals: [],
  };
  const byUrn = new Map<string, Registration>();

  const registerResource: Unary<resourcePb.RegisterResourceRequest, resourcePb.RegisterResourceResponse> = (call, callback) => {
    const req = call.request;
    const parent = req.getParent();
    const urn = urnOf(stack, project, req.getType(), req.getName(), parent);
    // The engine refuses these before it plans anything; so does the double, so a test sees them.
    if (byUrn.has(urn)) return refuse(record, callback, grpc.status.INVALID_ARGUMENT, `Duplicate resource URN '${urn}'; try giving it a unique name`);
    if (parent !== "" && !byUrn.has(parent)) return refuse(record, callback, grpc.status.INVALID_ARGUMENT, `${urn}: parent ${parent} was never registered`);
    const provider = req.getProvider();
    if (provider !== "") {
      const providerUrn = provider.slice(0, provider.lastIndexOf("::"));
      if (!byUrn.get(providerUrn)?.type.startsWith("pulumi:providers:")) {
        return refuse(record, callback, grpc.status.INVALID_ARGUMENT, `${urn}: provider reference ${provider} names no registered provider`);
      }
    }
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, deps] of req.getPropertydependenciesMap().entries()) propertyDependencies[key] = deps.getUrnsList();
    const providers: Record<string, string> = {};
    for (const [pkg, ref] of req.getProvidersMap().entries()) providers[pkg] = ref;
    const inputs = readWireObject(req.getObject()?.toJavaScript());
    const registration: Registration = {
      urn, type: req.getType(), name: req.getName(), parent, custom: req.getCustom(), provider, providers, inputs,
      dependencies: req.getDependenciesList(), propertyDependencies,
      deleteBeforeReplace: req.getDeletebeforereplace(), replaceOnChanges: req.getReplaceonchangesList(),
      ignoreChanges: req.getIgnorechangesList(), aliases: req.getAliasesList().map(readAlias),
      protect: req.hasProtect() ? req.getProtect() : undefined,
      retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
      deletedWith: req.getDeletedwith(), additionalSecretOutputs: req.getAdditionalsecretoutputsList(), version: req.getVersion(),
    };
    byUrn.set(urn, registration);
    record.registrations.push(registration);

    // Preview: a resource to be created has no id; its outputs are its inputs as the provider would
    // plan them, and every other output (ARNs, endpoints, generated names) is left out, so unknown.
    const response = new resourcePb.RegisterResourceResponse();
    response.setUrn(urn);
    response.setId("");
    response.setObject(req.getCustom() && req.getObject() ? req.getObject()! : new Struct());
    response.setResult(resourcePb.Result.SUCCESS);
    callback(null, response);
  };

  const monitor: import("@pulumi/pulumi/proto/resource_grpc_pb.js").IResourceMonitorServer = {
    supportsFeature: (call, callback) => {
      const id = call.request.getId();
      record.features.push(id);
      callback(null, new resourcePb.SupportsFeatureResponse().setHassupport(SUPPORTED_FEATURES.has(id)));
    },
    registerResource,
    registerResourceOutputs: (call, callback) => {
      const urn = call.request.getUrn();
      if (!byUrn.has(urn)) return refuse(record, callback, grpc.status.INVALID_ARGUMENT, `outputs for unregistered resource ${urn}`);
      record.outputs.set(urn, readWireObject(call.request.getOutputs()?.toJavaScript()));
      callback(null, new Empty());
    },
    invoke: (call, callback) => {
      const token = call.request.getTok();
      const args = readWireObject(call.request.getArgs()?.toJavaScript());
      record.invokes.push({ token, args, provider: call.request.getProvider(), version: call.request.getVersion() });
      const answer = answers[token];
      if (answer === undefined) {
        return refuse(record, callback, grpc.status.UNIMPLEMENTED, `the engine double has no answer for data source ${token}; add one to its invoke answers`);
      }
      let result: Record<string, unknown>;
      try { result = answer(args); } catch (error) {
        return refuse(record, callback, grpc.status.INVALID_ARGUMENT, `${token}: ${(error as Error).message}`);
      }
      callback(null, new InvokeResponse().setReturn(Struct.fromJavaScript(result as Record<string, never>)));
    },
    signalAndWaitForShutdown: (_call, callback) => {
      record.shutdownSignalled = true;
      callback(null, new Empty());
    },
    getDeploymentInfo: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "GetDeploymentInfo is not implemented by the engine double"),
    call: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "Call (methods on remote components) is not implemented by the engine double"),
    readResource: (call, callback) => {
      const req = call.request;
      // The engine's builtin provider answers a StackReference with the named stack's last outputs
      // (none for a stack that has not been deployed); the double answers from its options.
      if (req.getType() !== "pulumi:pulumi:StackReference") {
        return refuse(record, callback, grpc.status.UNIMPLEMENTED, `ReadResource (${req.getType()} ${req.getName()}) is not implemented by the engine double`);
      }
      const urn = urnOf(stack, project, req.getType(), req.getName(), req.getParent());
      record.reads.push({ urn, type: req.getType(), id: req.getId() });
      // The engine answers from its state, not in the order the program wrote the outputs (the state's
      // JSON has sorted keys; protobuf maps keep no order): the double sorts them, so a program that
      // reads them back cannot depend on the order it wrote.
      const properties = { name: req.getId(), outputs: sortedKeys(options.stackOutputs ?? {}), secretOutputNames: [] };
      callback(null, new resourcePb.ReadResourceResponse().setUrn(urn).setProperties(Struct.fromJavaScript(properties as unknown as Record<string, never>)));
    },
    registerStackTransform: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "RegisterStackTransform is not implemented by the engine double"),
    registerStackInvokeTransform: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "RegisterStackInvokeTransform is not implemented by the engine double"),
    registerResourceHook: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "RegisterResourceHook is not implemented by the engine double"),
    registerErrorHook: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "RegisterErrorHook is not implemented by the engine double"),
    registerPackage: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "RegisterPackage (parameterized providers) is not implemented by the engine double"),
  };

  const engine: import("@pulumi/pulumi/proto/engine_grpc_pb.js").IEngineServer = {
    log: (call, callback) => {
      record.logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
      callback(null, new Empty());
    },
    setRootResource: (call, callback) => {
      record.rootResource = call.request.getUrn();
      callback(null, new enginePb.SetRootResourceResponse());
    },
    getRootResource: (_call, callback) => {
      callback(null, new enginePb.GetRootResourceResponse().setUrn(record.rootResource ?? ""));
    },
    startDebugging: (_call, callback) => refuse(record, callback, grpc.status.UNIMPLEMENTED, "StartDebugging is not implemented by the engine double"),
    requirePulumiVersion: (call, callback) => {
      const range = call.request.getPulumiVersionRange();
      record.requiredVersions.push(range);
      if (options.cliVersion === undefined) return callback(null, new enginePb.RequirePulumiVersionResponse());
      const minimum = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(range);
      if (minimum === null) return refuse(record, callback, grpc.status.UNIMPLEMENTED, `the engine double compares >=x.y.z ranges only, not ${range}`);
      const [have, want] = [options.cliVersion.split(".").map(Number), minimum.slice(1).map(Number)];
      const older = have.findIndex((part, i) => part !== want[i]);
      // The engine answers a range its version does not satisfy with an error the SDK raises.
      if (older !== -1 && have[older]! < want[older]!) {
        return callback({ code: grpc.status.FAILED_PRECONDITION, details: `Pulumi CLI version ${options.cliVersion} does not satisfy the version range "${range}"`, name: "Error", message: "" });
      }
      callback(null, new enginePb.RequirePulumiVersionResponse());
    },
  };

  const monitorServer = new grpc.Server();
  monitorServer.addService(ResourceMonitorService, monitor);
  const engineServer = new grpc.Server();
  engineServer.addService(EngineService, engine);
  const servers = [monitorServer, engineServer];
  const bind = (server: grpc.Server) => new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });

  const close = async (graceMs = 2_000) => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
      const force = setTimeout(() => { server.forceShutdown(); resolve(); }, graceMs);
      server.tryShutdown(() => { clearTimeout(force); resolve(); });
    })));
  };

  try {
    const [monitorPort, enginePort] = await Promise.all([bind(monitorServer), bind(engineServer)]);
    return { monitorAddress: `127.0.0.1:${monitorPort}`, engineAddress: `127.0.0.1:${enginePort}`, record, close };
  } catch (error) {
    await close(0);
    throw error;
  }
}
