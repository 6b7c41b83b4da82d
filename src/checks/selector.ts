/** A Kubernetes label selector as manifests write it (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] }>;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a selector from manifest data; undefined when absent or not a selector. */
export function readSelector(value: unknown): LabelSelector | undefined {
  if (!isPlain(value)) return undefined;
  const labels = isPlain(value["matchLabels"]) ? value["matchLabels"] : undefined;
  const expressions = Array.isArray(value["matchExpressions"]) ? value["matchExpressions"] : undefined;
  return {
    ...(labels ? { matchLabels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) } : {}),
    ...(expressions ? {
      matchExpressions: expressions.filter(isPlain).map((e) => ({
        key: String(e["key"]),
        operator: String(e["operator"]),
        ...(Array.isArray(e["values"]) ? { values: e["values"].map(String) } : {}),
      })),
    } : {}),
  };
}

/** Whether `selector` selects a pod with `labels`. An empty selector selects every pod. */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok = operator === "In" ? has && values.includes(labels[key] ?? "")
      : operator === "NotIn" ? !has || !values.includes(labels[key] ?? "")
      : operator === "Exists" ? has
      : operator === "DoesNotExist" ? !has
      : false; // an unknown operator selects nothing, as the API server would reject it
    if (!ok) return false;
  }
  return true;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
