import { createHash } from "node:crypto";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Finding, Report, Severity } from "@bulwark/model";
import { bestScore, findingLine, findingPath, findingTitle, SEVERITY_SCORE } from "./common.js";

const INFO_URI = "https://github.com/bulwark-security/bulwark";

function level(s: Severity): Result.level {
  if (s === "CRITICAL" || s === "HIGH") return "error";
  if (s === "MEDIUM") return "warning";
  return "note";
}

/** Rules are per kind and id: one CVE in three packages is one rule with three results. */
function ruleKey(f: Finding): string {
  return f.kind === "vulnerability" ? f.id : `${f.kind}:${f.id}`;
}

function ruleHelp(f: Finding): string {
  switch (f.kind) {
    case "vulnerability": {
      const refs = (f.references ?? []).slice(0, 5).map((r) => `- ${r}`);
      const aliases = f.aliases.length ? `Aliases: ${f.aliases.join(", ")}\n` : "";
      return `${findingTitle(f)}\nSeverity: ${f.severity}\n${aliases}${refs.length ? `References:\n${refs.join("\n")}` : ""}`.trim();
    }
    case "misconfiguration":
      return `${f.title}\nRemediation: ${f.remediation}`;
    case "secret":
      return `${f.title}\nRemove the credential from the file (and every image layer), rotate it, and load it at run time instead.`;
    case "malware":
      return `${f.title}\nCategory: ${f.category}${f.mitre.length ? `\nMITRE ATT&CK: ${f.mitre.join(", ")}` : ""}\nFind how the file entered the image (the layer's build step) and rebuild without it.`;
  }
}

function securitySeverity(f: Finding): string {
  return (bestScore(f) ?? SEVERITY_SCORE[f.severity]).toFixed(1);
}

function rule(f: Finding): ReportingDescriptor {
  const help = ruleHelp(f);
  const helpUri = f.kind === "vulnerability" ? f.references?.[0] : undefined;
  return {
    id: ruleKey(f),
    name: f.kind === "vulnerability" ? f.id : f.id.replace(/[^A-Za-z0-9]+/g, ""),
    shortDescription: { text: findingTitle(f) },
    fullDescription: { text: findingTitle(f) },
    ...(helpUri ? { helpUri } : {}),
    help: { text: help, markdown: help },
    defaultConfiguration: { level: level(f.severity) },
    properties: {
      "security-severity": securitySeverity(f),
      precision: "very-high",
      tags: ["security", f.kind, f.severity],
    },
  };
}

function message(f: Finding): string {
  switch (f.kind) {
    case "vulnerability": {
      const fix = f.fixedVersion ? `fixed in ${f.fixedVersion}` : "no fixed version yet";
      return `${f.package.name} ${f.package.version} is affected by ${f.id} (${f.severity}${f.kev ? ", known exploited" : ""}); ${fix}. Installed at ${f.location.path || "(unknown path)"}${f.location.layer ? ` in layer ${f.location.layer}` : ""}.`;
    }
    case "misconfiguration":
      return `${f.title}${f.message ? `: ${f.message}` : ""}${f.resource ? ` (${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ""}${f.resource.name})` : ""}`;
    case "secret":
      return `${f.title}: ${f.match}${f.layer ? ` in layer ${f.layer}` : ""}${f.removedIn ? ` (deleted in ${f.removedIn} but still shipped)` : ""}${f.detection ? ` [${f.detection}]` : ""}`;
    case "malware":
      return `${f.title}: ${f.file} (sha256 ${f.sha256})${f.layer ? ` in layer ${f.layer}` : ""}${f.removedIn ? ` (deleted in ${f.removedIn} but still shipped)` : ""}${f.mitre.length ? ` [${f.mitre.join(", ")}]` : ""}`;
  }
}

/** GitHub wants a relative URI; image paths are absolute inside the image, so drop the root. */
function artifactUri(f: Finding, target: string): string {
  const p = findingPath(f).replace(/^\/+/, "");
  return encodeURI(p || target);
}

function fingerprint(f: Finding): string {
  const pkg = f.kind === "vulnerability" ? `${f.package.purl}` : "";
  return createHash("sha256")
    .update(`${f.kind}|${f.id}|${pkg}|${findingPath(f)}|${findingLine(f) ?? ""}`)
    .digest("hex");
}

function result(f: Finding, ruleIndex: number, target: string): Result {
  return {
    ruleId: ruleKey(f),
    ruleIndex,
    level: level(f.severity),
    message: { text: message(f) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(f, target) },
          region: { startLine: Math.max(1, findingLine(f) ?? 1) },
        },
      },
    ],
    partialFingerprints: { "bulwarkFindingHash/v1": fingerprint(f) },
  };
}

/** The SARIF 2.1.0 log, as GitHub code scanning ingests it, as data for writing in pieces (see renderReportChunks). */
export function sarifLog(report: Report): Log {
  const rules: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  const results: Result[] = [];
  for (const f of report.findings) {
    const key = ruleKey(f);
    let i = index.get(key);
    if (i === undefined) {
      i = rules.push(rule(f)) - 1;
      index.set(key, i);
    }
    results.push(result(f, i, report.target));
  }
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "bulwark", version: report.tool.version, informationUri: INFO_URI, rules } },
        results,
        properties: { target: report.target },
      },
    ],
  };
  return log;
}
