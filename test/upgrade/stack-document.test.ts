import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { StackDocument } from "../../src/upgrade/stack-document.js";

const migration = readFileSync(path.resolve(__dirname, "../../stacks/Pulumi.migration.yaml"), "utf8");

describe("StackDocument", () => {
  it("writes an unedited file back byte for byte, comments, flow maps and alignment included", () => {
    expect(StackDocument.parse(migration, "m.yaml").text()).toBe(migration);
    const crlf = migration.replace(/\n/g, "\r\n");
    expect(StackDocument.parse(crlf, "m.yaml").text()).toBe(crlf);
    // CR-only line endings are read as YAML and Pulumi read them, and kept.
    const cr = migration.replace(/\n/g, "\r");
    expect(StackDocument.parse(cr, "m.yaml").fleet()).toEqual(StackDocument.parse(migration, "m.yaml").fleet());
    const edited = StackDocument.parse(cr, "m.yaml");
    edited.set(["services", "web", "weights", "teal"], 0);
    expect(edited.text()).not.toContain("\n");
    expect(edited.text()).toContain("teal: 0");
  });

  it("keeps a quoted version quoted and quotes a new one, so YAML never reads 1.30 as 1.3", () => {
    const doc = StackDocument.parse(migration, "m.yaml");
    doc.set(["clusters", "blue", "version"], "1.30");
    doc.set(["clusters", "blue", "nodeGroups", "general", "version"], "1.30");
    const text = doc.text();
    expect(text).toContain('        version: "1.30"');
    const fleet = (parseDocument(text).toJS() as { config: Record<string, { clusters: Record<string, { version: unknown; nodeGroups: Record<string, { version: unknown }> }> }> }).config["baton:fleet"]!;
    expect(fleet.clusters.blue!.version).toBe("1.30");
    expect(fleet.clusters.blue!.nodeGroups.general!.version).toBe("1.30");
    expect(text.startsWith("# A blue/green migration")).toBe(true);
  });

  it("adds to a flow map in flow style and copies a block in its own layout", () => {
    const doc = StackDocument.parse(migration, "m.yaml");
    doc.set(["services", "web", "weights", "teal"], 0);
    doc.copy(["clusters", "green"], ["clusters", "teal"]);
    const text = doc.text();
    expect(text).toContain("        weights: { blue: 90, green: 10, teal: 0 }");
    expect(text).toContain("      teal:\n        version: \"1.35\"\n        nodeGroups:\n          general:\n            instanceTypes: [m7i.large]");
    // Lines the edit did not touch keep the user's spacing.
    expect(text).toContain("            blue:  { dnsName: blue-api-123.us-east-1.elb.amazonaws.com,  zoneId: Z35SXDOTRQ7X7K }");
  });

  it("refuses a file without a fleet or with broken YAML, naming it", () => {
    expect(() => StackDocument.parse("config:\n  aws:region: us-east-1\n", "x.yaml")).toThrow(/x.yaml has no fleet/);
    expect(() => StackDocument.parse("config: [\n", "y.yaml")).toThrow(/y.yaml is not valid YAML/);
  });
});
