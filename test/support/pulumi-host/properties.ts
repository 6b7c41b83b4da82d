/**
 * Pulumi's wire encoding of property values (a protobuf Struct with "special" signature objects),
 * read into plain values a test can compare. The signatures are the SDK's published constants.
 */
import * as rpc from "@pulumi/pulumi/runtime/rpc.js";

/** A value the engine does not know yet (in a preview: an id, or an output of a resource to be created). */
export const UNKNOWN = Object.freeze({ $unknown: true as const });

/** A recorded property value: JSON, with secrets, unknowns, resource references and assets marked. */
export type WireValue =
  | null | boolean | number | string
  | typeof UNKNOWN
  | { readonly $secret: WireValue }
  | { readonly $resource: string; readonly id?: WireValue }
  | { readonly $asset: Record<string, unknown> }
  | readonly WireValue[]
  | { readonly [key: string]: WireValue };

/** Reads one value as the SDK put it on the wire (`Struct.toJavaScript()` form). */
export function readWireValue(value: unknown): WireValue {
  if (value === rpc.unknownValue) return UNKNOWN;
  if (value === null || typeof value !== "object") return value as WireValue;
  if (Array.isArray(value)) return value.map(readWireValue);
  const object = value as Record<string, unknown>;
  switch (object[rpc.specialSigKey]) {
    case undefined:
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, readWireValue(v)]));
    case rpc.specialSecretSig:
      return { $secret: readWireValue(object["value"]) };
    case rpc.specialResourceSig:
      return object["id"] === undefined
        ? { $resource: String(object["urn"]) }
        : { $resource: String(object["urn"]), id: readWireValue(object["id"]) };
    case rpc.specialOutputValueSig: {
      // An Output with its value (absent when unknown); its dependencies are also in propertyDependencies.
      const inner = "value" in object ? readWireValue(object["value"]) : UNKNOWN;
      return object["secret"] === true ? { $secret: inner } : inner;
    }
    case rpc.specialAssetSig:
    case rpc.specialArchiveSig:
      return { $asset: object };
    default:
      throw new Error(`unrecognised Pulumi signature ${String(object[rpc.specialSigKey])} in ${JSON.stringify(object)}`);
  }
}

export function readWireObject(value: unknown): Record<string, WireValue> {
  return (value === undefined || value === null ? {} : readWireValue(value)) as Record<string, WireValue>;
}
