import { parseManifests } from "../../src/checks/manifest.js";

const summary = (text: string) => parseManifests(text, "m.yaml").objects.map((o) => ({ kind: o.kind, name: o.name, document: o.document, line: o.line }));

describe("reading manifests", () => {
  it("reads every document of a multi-document file, with its number and start line", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\n\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n  namespace: ns\n";
    expect(summary(text)).toEqual([
      { kind: "ConfigMap", name: "a", document: 1, line: 1 },
      { kind: "Secret", name: "b", document: 2, line: 6 },
    ]);
    expect(parseManifests(text, "m.yaml").objects[1]?.namespace).toBe("ns");
  });

  it("expands kind: List and typed lists to their items, at the items' lines", () => {
    const text = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: { name: a }\n  - apiVersion: v1\n    kind: Service\n    metadata: { name: b }\n";
    expect(summary(text)).toEqual([
      { kind: "List", name: undefined, document: 1, line: 1 },
      { kind: "Deployment", name: "a", document: 1, line: 4 },
      { kind: "Service", name: "b", document: 1, line: 7 },
    ]);
    const typed = "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleList\nitems:\n  - apiVersion: rbac.authorization.k8s.io/v1beta1\n    kind: Role\n    metadata: { name: r }\n";
    expect(summary(typed).map((o) => o.kind)).toEqual(["RoleList", "Role"]);
  });

  it("keeps Helm's # Source: comment for each rendered document", () => {
    const text = "---\n# Source: shop/templates/web.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\n---\n# Source: shop/templates/pdb.yaml\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: web }\n";
    const objects = parseManifests(text, "-").objects;
    expect(objects.map((o) => [o.source, o.line])).toEqual([["shop/templates/web.yaml", 3], ["shop/templates/pdb.yaml", 8]]);
  });

  it("reads CRLF line endings with the same lines and values", () => {
    const lf = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: b }\n";
    const crlf = lf.replace(/\n/g, "\r\n");
    expect(summary(crlf)).toEqual(summary(lf));
    expect(parseManifests(crlf, "m.yaml").objects[1]?.name).toBe("b");
  });

  it("reads JSON", () => {
    const text = JSON.stringify({ apiVersion: "batch/v1beta1", kind: "CronJob", metadata: { name: "c" } }, null, 2);
    expect(summary(text)).toEqual([{ kind: "CronJob", name: "c", document: 1, line: 1 }]);
  });

  it("reports a document that does not parse with its number and line, and reads the rest of the file", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n";
    const parsed = parseManifests(text, "m.yaml");
    expect(parsed.objects.map((o) => o.name)).toEqual(["a", "c"]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ file: "m.yaml", document: 2 });
    expect(parsed.errors[0]?.line).toBeGreaterThanOrEqual(5);
    expect(parsed.errors[0]?.message).toMatch(/flow sequence|unclosed|\]/i);
  });

  it("skips documents that are not Kubernetes objects, and empty files, quietly", () => {
    expect(parseManifests("replicaCount: 2\nimage: { tag: 1 }\n", "values.yaml")).toEqual({ objects: [], errors: [] });
    expect(parseManifests(JSON.stringify({ name: "pkg", version: "1.0.0" }), "package.json")).toEqual({ objects: [], errors: [] });
    expect(parseManifests("", "empty.yaml")).toEqual({ objects: [], errors: [] });
    expect(parseManifests("# only a comment\n---\n", "c.yaml")).toEqual({ objects: [], errors: [] });
    expect(parseManifests("- a\n- b\n", "list.yaml")).toEqual({ objects: [], errors: [] });
  });
});
