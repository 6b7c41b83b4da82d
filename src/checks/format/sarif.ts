import type { Log, ReportingDescriptor, Result } from "sarif";
import type { CheckReport } from "../check.js";
import { CHECK_RULES, type RuleId } from "../finding.js";

const PARSE_ERROR_RULE = "parse-error";

/** A file path as a SARIF artifact URI: relative paths with forward slashes, as code scanning expects. */
function artifactUri(file: string): string {
  return file === "-" ? "stdin" : file.replace(/\\/g, "/").replace(/^\.\//, "").split("/").map(encodeURIComponent).join("/");
}

/** The report as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. */
export function formatSarif(report: CheckReport, version: string): string {
  const ruleIds = [...Object.keys(CHECK_RULES), PARSE_ERROR_RULE];
  const rules: ReportingDescriptor[] = [
    ...(Object.entries(CHECK_RULES) as Array<[RuleId, (typeof CHECK_RULES)[RuleId]]>).map(([id, rule]) => ({
      id,
      shortDescription: { text: rule.summary },
      defaultConfiguration: { level: rule.severity },
    })),
    { id: PARSE_ERROR_RULE, shortDescription: { text: "A YAML or JSON document that does not parse, so it was not checked." }, defaultConfiguration: { level: "error" as const } },
  ];
  const results: Result[] = [
    ...report.errors.map((error): Result => ({
      ruleId: PARSE_ERROR_RULE,
      ruleIndex: ruleIds.indexOf(PARSE_ERROR_RULE),
      level: "error",
      message: { text: `Document ${error.document ?? "?"} ${error.reason === "unrendered-template" ? "is not checked" : "does not parse"}: ${error.message}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(error.file) }, region: { startLine: error.line ?? 1 } } }],
    })),
    ...report.findings.map((f): Result => ({
      ruleId: f.rule,
      ruleIndex: ruleIds.indexOf(f.rule),
      level: f.severity,
      message: { text: `${f.message} Fix: ${f.fix}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(f.file) }, region: { startLine: f.line } } }],
      // Stable across runs when lines move, so code scanning tracks one alert per object and rule.
      partialFingerprints: { objectRule: `${f.apiVersion}/${f.kind}/${f.namespace ?? ""}/${f.name ?? ""}/${f.rule}` },
      ...(f.source ? { properties: { helmSource: f.source } } : {}),
    })),
  ];
  const log: Log = {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [{
      tool: { driver: { name: "baton", version, rules } },
      properties: { target: report.target },
      results,
    }],
  };
  return JSON.stringify(log, null, 2);
}
