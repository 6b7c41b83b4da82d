/**
 * The resource graph the baseline replays: every custom resource baton's fleet program registers,
 * in registration order, with the inputs exactly as the mock runtime received them. Plain data,
 * so the baseline process reads it without loading any baton code.
 */

export interface GraphResource {
  /** Pulumi type token, e.g. `aws:eks/cluster:Cluster`. */
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  /** The explicit provider's type and logical name, when the resource names one. */
  readonly provider?: { readonly type: string; readonly name: string };
  readonly inputs: Record<string, unknown>;
}

export interface Graph {
  readonly clusters: number;
  readonly resources: readonly GraphResource[];
  /** Component resources baton registered around them (the baseline has none). */
  readonly components: number;
}

/**
 * A provider reference as the mock runtime passes it, `<urn>::<id>`, as the provider's type and
 * logical name. A URN ends `::<qualified type>::<name>`, the qualified type being the parents'
 * types joined by `$` and then the resource's own.
 */
export function providerOf(reference: string): { type: string; name: string } {
  const urn = reference.slice(0, reference.lastIndexOf("::"));
  const parts = urn.split("::");
  const name = parts[parts.length - 1];
  const qualifiedType = parts[parts.length - 2];
  if (name === undefined || qualifiedType === undefined || parts.length < 4) throw new Error(`not a provider reference: ${reference}`);
  const type = qualifiedType.split("$").pop()!;
  return { type, name };
}
