/**
 * `baton check` throughput against bare YAML parsing of the same files. Generates 10,000 manifests
 * (2,000 files of 5 documents: Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler,
 * and a CronJob whose apiVersion varies) in a temp folder, then times, median of several runs:
 *   1. parse:  read each file, yaml.parseAllDocuments + toJS (the YAML library alone)
 *   2. check:  the same read + baton's parse and every rule (checkTexts), i.e. `baton check`
 *              without output formatting.
 * Run: npx tsx bench/check-throughput.ts [runs] [--json]   (--json: one result line for bench/run.ts)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseAllDocuments, stringify } from "yaml";
import { checkTexts } from "../src/checks/check.js";
import { manifestFiles } from "../src/checks/inputs.js";
import { report } from "./lib/child.js";
import { median } from "./lib/stats.js";

const FILES = 2_000;
const PER_FILE = 5;
const JSON_OUTPUT = process.argv.includes("--json");
const RUNS = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 7);

function manifestsFor(i: number): string {
  const name = `svc-${i}`;
  const labels = { app: name };
  const docs = [
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: `team-${i % 20}` }, spec: {
      replicas: 1 + (i % 4), selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: {
        containers: [{ name: "app", image: `registry.example/${name}:1.${i % 50}`, ports: [{ containerPort: 8080 }],
          ...(i % 3 === 0 ? {} : { readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 5 } }),
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } } }],
        ...(i % 2 === 0 ? { topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }] } : {}),
      } } } },
    { apiVersion: "v1", kind: "Service", metadata: { name, namespace: `team-${i % 20}` }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
    { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace: `team-${i % 20}` }, spec: { selector: { matchLabels: labels }, ...(i % 7 === 0 ? { minAvailable: 4 } : { maxUnavailable: 1 }) } },
    { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: `${name}-other`, namespace: `team-${i % 20}` }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: `${name}-other` }, minReplicas: 2, maxReplicas: 6 } },
    { apiVersion: i % 5 === 0 ? "batch/v1beta1" : "batch/v1", kind: "CronJob", metadata: { name: `${name}-nightly`, namespace: `team-${i % 20}` }, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "job", image: "busybox" }] } } } } } },
  ];
  return `${docs.map((d, n) => `# Source: chart-${i % 10}/templates/${n}.yaml\n${stringify(d)}`).join("---\n")}`;
}

const dir = mkdtempSync(path.join(tmpdir(), "baton-bench-"));
try {
  for (let i = 0; i < FILES; i++) writeFileSync(path.join(dir, `m${String(i).padStart(5, "0")}.yaml`), manifestsFor(i));
  const readAll = () => manifestFiles([dir]).files.map((file) => ({ file, text: readFileSync(file, "utf8") }));

  const timings = { parse: [] as number[], check: [] as number[] };
  let objects = 0;
  let findings = 0;
  for (let run = 0; run <= RUNS; run++) {
    let start = performance.now();
    let docs = 0;
    for (const { text } of readAll()) for (const doc of parseAllDocuments(text)) { doc.toJS(); docs++; }
    const parse = performance.now() - start;

    start = performance.now();
    const report = checkTexts(readAll(), "1.32");
    const check = performance.now() - start;
    objects = report.objects;
    findings = report.findings.length;
    if (docs !== FILES * PER_FILE || objects !== docs) throw new Error(`expected ${FILES * PER_FILE} documents, parsed ${docs}, checked ${objects}`);
    if (run > 0) { timings.parse.push(parse); timings.check.push(check); } // run 0 warms the JIT
  }
  const parse = median(timings.parse);
  const check = median(timings.check);
  if (JSON_OUTPUT) {
    report({ files: FILES, manifests: objects, findings, runs: RUNS, parseMs: parse, checkMs: check, parseSamples: timings.parse, checkSamples: timings.check });
  } else {
    const rate = (ms: number) => Math.round((objects / ms) * 1000).toLocaleString("en-US");
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
    console.log(`corpus: ${FILES} files, ${objects} manifests, ${findings} findings at target 1.32; median of ${RUNS} runs after a warm-up`);
    console.log(`parse only (yaml):  ${parse.toFixed(0)} ms  ${rate(parse)} manifests/s`);
    console.log(`baton check:        ${check.toFixed(0)} ms  ${rate(check)} manifests/s`);
    console.log(`check costs ${((check / parse - 1) * 100).toFixed(1)}% over parsing alone`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
