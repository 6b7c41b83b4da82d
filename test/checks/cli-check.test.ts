import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Log } from "sarif";
import { main } from "../../src/cli/main.js";
import { CHECK_RULES } from "../../src/checks/finding.js";
import { captureIo } from "../support/io.js";
import { deployment, pdb, yamlOf } from "./support.js";
import { packagesReached } from "../support/import-graph.js";

const root = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "baton-check-"));
function write(relative: string, text: string): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}
async function run(args: string[], stdin = "") {
  const io = captureIo(stdin);
  const code = await main(["node", "baton", "check", ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const clean = yamlOf(deployment("web"), pdb("web", { maxUnavailable: 1 }));
const cronV1beta1 = yamlOf({ apiVersion: "batch/v1beta1", kind: "CronJob", metadata: { name: "nightly" } });

describe("baton check", () => {
  it("names an unrendered Helm template that happens to parse, instead of checking it as a manifest", async () => {
    const template = [
      "apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: web", "spec:",
      "  replicas: {{ .Values.replicas }}",
      "  template:", "    spec:", "      containers:", "        - name: web", "          image: repo/web:{{ .Values.tag }}", "",
    ].join("\n");
    const file = write("chart/templates/web.yaml", template);
    const result = await run([file, "--target", "1.32"]);
    expect(result.code).toBe(2);
    expect(result.out + result.err).toContain("{{ .Values.replicas }} is an unrendered Helm template; baton check reads rendered manifests: check the output of helm template");
    expect(result.out).toMatch(/^ {3}6  error {4}document 1 is not checked: /m);
    expect(result.out).toContain("1 unrendered template not checked");
    // No finding about a Deployment whose replicas are a map: it is not checked at all.
    expect(result.out).toContain("0 errors, 0 warnings, 1 unrendered template not checked in 0 objects from 1 file");
    // Rendered data that only looks like a template (a Prometheus alert's annotation) is read as it is.
    const rule = yamlOf({ apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "alerts" }, spec: { groups: [{ name: "g", rules: [{ alert: "Down", expr: "up == 0", annotations: { summary: "{{ $labels.instance }} is down" } }] }] } });
    expect((await run([write("rendered/rule.yaml", rule), "--target", "1.32"])).code).toBe(0);
    // A quoted value naming Helm's own objects is a template too.
    const quoted = write("chart/templates/cm.yaml", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ .Release.Name }}-config"\n');
    expect((await run([quoted, "--target", "1.32"])).out).toContain('"{{ .Release.Name }}-config" is an unrendered Helm template');
  });

  it("exits 0 on clean manifests and prints a summary", async () => {
    const result = await run([write("clean/app.yaml", clean), "--target", "1.32"]);
    expect(result.code).toBe(0);
    expect(result.out).toContain("0 errors, 0 warnings in 2 objects from 1 file, target Kubernetes 1.32");
  });

  it("exits 1 on an error finding, grouped under its file with the fix", async () => {
    const file = write("old/cron.yaml", cronV1beta1);
    const result = await run([file, "--target", "1.25"]);
    expect(result.code).toBe(1);
    expect(result.out.split("\n")[0]).toBe(file);
    expect(result.out).toContain("error    CronJob nightly uses batch/v1beta1");
    expect(result.out).toContain("fix: Change apiVersion to batch/v1.");
    expect(result.out).toContain("[removed-api]");
  });

  it("exits 0 when there are warnings only", async () => {
    const result = await run([write("warn/cron.yaml", cronV1beta1), "--target", "1.24"]);
    expect(result.code).toBe(0);
    expect(result.out).toContain("0 errors, 1 warning");
  });

  it("searches folders recursively for .yaml, .yml and .json, skipping hidden folders and other files", async () => {
    write("tree/a.yaml", cronV1beta1);
    write("tree/nested/b.yml", yamlOf({ apiVersion: "policy/v1beta1", kind: "PodSecurityPolicy", metadata: { name: "psp" } }));
    write("tree/nested/deeper/c.json", JSON.stringify({ apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "ing" } }));
    write("tree/.git/d.yaml", cronV1beta1);
    write("tree/notes.txt", cronV1beta1);
    write("tree/values.yaml", "replicaCount: 3\n");
    const result = await run([path.join(dir, "tree"), "--target", "1.25", "--format", "json"]);
    const report = JSON.parse(result.out) as { findings: Array<{ file: string; name: string }>; summary: { files: number } };
    expect(report.findings.map((f) => f.name).sort()).toEqual(["ing", "nightly", "psp"]);
    expect(report.summary.files).toBe(4);
    expect(result.code).toBe(1);
  });

  it("reads rendered output from standard input with -, keeping Helm sources", async () => {
    const rendered = `---\n# Source: shop/templates/cron.yaml\n${cronV1beta1}`.replace(/\n/g, "\r\n");
    const result = await run(["-", "--target", "1.25", "--format", "json"], rendered);
    const report = JSON.parse(result.out) as { findings: Array<Record<string, unknown>> };
    expect(report.findings).toEqual([expect.objectContaining({ file: "-", line: 3, source: "shop/templates/cron.yaml", rule: "removed-api", kind: "CronJob", name: "nightly", apiVersion: "batch/v1beta1", severity: "error" })]);
    expect(result.code).toBe(1);
  });

  it("takes the target from --fleet: the newest version among clusters with traffic", async () => {
    // The example migration fleet serves from blue (1.33) and green (1.35); 1.35 is the target.
    const result = await run([write("fleet/cron.yaml", yamlOf({ apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kind: "FlowSchema", metadata: { name: "f" } })), "--fleet", path.join(root, "stacks/Pulumi.migration.yaml")]);
    expect(result.out).toContain("target Kubernetes 1.35");
    expect(result.code).toBe(1);
  });

  it("reports a document that does not parse, checks the rest, and exits 2", async () => {
    const file = write("broken/mixed.yaml", `${cronV1beta1}---\nkind: [oops\n---\n${clean}`);
    const result = await run([file, "--target", "1.25", "--format", "json"]);
    const report = JSON.parse(result.out) as { findings: Array<{ rule: string }>; errors: Array<{ file: string; document: number; line: number; message: string }> };
    expect(report.errors).toEqual([expect.objectContaining({ file, document: 2 })]);
    expect(report.findings.map((f) => f.rule)).toEqual(["removed-api"]);
    expect(result.code).toBe(2);
  });

  it("exits 2 with a clear message on bad usage or unreadable input", async () => {
    const file = write("usage/app.yaml", clean);
    const missingTarget = await run([file]);
    expect(missingTarget.code).toBe(2);
    expect(missingTarget.err).toContain("--target 1.NN");
    const badTarget = await run([file, "--target", "v1.32"]);
    expect(badTarget.code).toBe(2);
    expect(badTarget.err).toContain(`--target "v1.32" is not a Kubernetes minor version`);
    expect((await run([path.join(dir, "nope.yaml"), "--target", "1.32"])).err).toContain("no such file or folder");
    expect((await run([path.join(dir, "nope.yaml"), "--target", "1.32"])).code).toBe(2);
    expect((await run([file, "--target", "1.32", "--fleet", path.join(root, "stacks/Pulumi.migration.yaml")])).code).toBe(2);
    expect((await run([file, "--target", "1.32", "--format", "xml"])).code).toBe(2);
    const nothing = await run([write("usage/values.yaml", "replicaCount: 1\n"), "--target", "1.32"]);
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain("no Kubernetes objects found");
    const badFleet = write("usage/fleet.yaml", "config:\n  baton:fleet: { name: x }\n");
    const fleet = await run([file, "--fleet", badFleet]);
    expect(fleet.code).toBe(2);
    expect(fleet.err).toContain("the fleet is invalid");
  });

  it("writes the JSON shape the issue asks for", async () => {
    const result = await run([write("json/app.yaml", yamlOf(deployment("web", { replicas: 2 }), pdb("web", { minAvailable: 2 }))), "--target", "1.32", "--format", "json"]);
    const report = JSON.parse(result.out) as { target: string; findings: Array<Record<string, unknown>>; errors: unknown[] };
    expect(report.target).toBe("1.32");
    expect(report.errors).toEqual([]);
    expect(Object.keys(report.findings[0] ?? {})).toEqual(expect.arrayContaining(["file", "apiVersion", "kind", "name", "rule", "severity", "message", "fix", "line"]));
    expect(report.findings.map((f) => f["rule"])).toEqual(["pdb-blocks-eviction"]);
  });

  it("writes SARIF 2.1.0 that code scanning accepts: rules, levels, relative locations", async () => {
    const file = write("sarif/app.yaml", `${cronV1beta1}---\nkind: [oops\n`);
    const result = await run([path.relative(process.cwd(), file), "--target", "1.25", "--format", "sarif"]);
    const log = JSON.parse(result.out) as Log;
    expect(log.version).toBe("2.1.0");
    const [runResult] = log.runs;
    const rules = runResult?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual([...Object.keys(CHECK_RULES), "parse-error"]);
    const results = runResult?.results ?? [];
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([["parse-error", "error"], ["removed-api", "error"]]);
    for (const r of results) {
      expect(rules[r.ruleIndex ?? -1]?.id).toBe(r.ruleId);
      const location = r.locations?.[0]?.physicalLocation;
      expect(location?.artifactLocation?.uri).not.toMatch(/^\/|\\/);
      expect(location?.region?.startLine).toBeGreaterThanOrEqual(1);
    }
  });

  it("colours text only when the Io asks for colour", async () => {
    const file = write("color/cron.yaml", cronV1beta1);
    const io = { ...captureIo(), color: true };
    const out: string[] = [];
    await main(["node", "baton", "check", file, "--target", "1.25"], { ...io, out: (t) => out.push(t) });
    expect(out.join("\n")).toContain("\u001b[31m");
    expect((await run([file, "--target", "1.25"])).out).not.toContain("\u001b[");
  });
});

describe("the checks layer stays light", () => {
  it("never loads Pulumi or the AWS SDK at startup: the checks layer, the check command, the CLI entry", () => {
    for (const entry of ["src/checks/index.ts", "src/cli/check.ts", "src/cli/main.ts"]) {
      const reached = [...packagesReached(path.join(root, entry))];
      expect(reached.filter((p) => p.startsWith("@pulumi/") || p.startsWith("@aws-sdk/"))).toEqual([]);
      expect(reached.length).toBeGreaterThan(0);
    }
    // The checks layer itself loads nothing heavier than the YAML parser.
    expect([...packagesReached(path.join(root, "src/checks/index.ts"))].filter((p) => !p.startsWith("node:")).sort()).toEqual(["yaml"]);
  });
});
