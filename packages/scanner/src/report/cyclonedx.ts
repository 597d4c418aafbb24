import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import type { Report, Severity, VulnerabilityFinding } from "@bulwark/model";
import { bomJsonChunks } from "./cyclonedx-stream.js";

const CDX_SEVERITY: Record<Severity, Enums.Vulnerability.Severity> = {
  CRITICAL: Enums.Vulnerability.Severity.Critical,
  HIGH: Enums.Vulnerability.Severity.High,
  MEDIUM: Enums.Vulnerability.Severity.Medium,
  LOW: Enums.Vulnerability.Severity.Low,
  UNKNOWN: Enums.Vulnerability.Severity.Unknown,
};

function ratingMethod(version: string): Enums.Vulnerability.RatingMethod {
  if (version === "4.0") return Enums.Vulnerability.RatingMethod.CVSSv4;
  if (version === "3.0") return Enums.Vulnerability.RatingMethod.CVSSv3;
  return Enums.Vulnerability.RatingMethod.CVSSv31;
}

function component(f: VulnerabilityFinding): Models.Component {
  const purl = f.package.purl;
  return new Models.Component(Enums.ComponentType.Library, f.package.name, {
    version: f.package.version,
    bomRef: f.package.purl || `${f.package.ecosystem}/${f.package.name}@${f.package.version}`,
    ...(purl ? { purl } : {}),
  });
}

/** Vulnerability ids look like "CVE-…", "GHSA-…", "GO-…": name the database that issued them. */
function sourceOf(id: string): Models.Vulnerability.Source {
  if (id.startsWith("CVE-"))
    return new Models.Vulnerability.Source({ name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${id}` });
  if (id.startsWith("GHSA-"))
    return new Models.Vulnerability.Source({ name: "GitHub", url: `https://github.com/advisories/${id}` });
  return new Models.Vulnerability.Source({ name: "OSV", url: `https://osv.dev/vulnerability/${id}` });
}

function vulnerability(f: VulnerabilityFinding, ref: Models.Component): Models.Vulnerability.Vulnerability {
  const v = new Models.Vulnerability.Vulnerability({
    // The library sorts vulnerabilities by bom-ref and invents a random one when none is
    // given, which made the order change from run to run; id + component is unique and stable.
    bomRef: `${f.id}|${ref.bomRef}`,
    id: f.id,
    source: sourceOf(f.id),
    ...(f.title ? { description: f.title } : {}),
    ...(f.fixedVersion ? { recommendation: `Upgrade ${f.package.name} to ${f.fixedVersion}` } : {}),
  });
  for (const alias of f.aliases) v.references.add(new Models.Vulnerability.Reference(alias, sourceOf(alias)));
  for (const c of f.cvss ?? [])
    v.ratings.add(
      new Models.Vulnerability.Rating({
        score: c.score,
        vector: c.vector,
        method: ratingMethod(c.version),
        severity: CDX_SEVERITY[f.severity],
      }),
    );
  if (!f.cvss?.length) v.ratings.add(new Models.Vulnerability.Rating({ severity: CDX_SEVERITY[f.severity] }));
  v.affects.add(new Models.Vulnerability.Affect(ref.bomRef));
  if (f.kev) v.properties.add(new Models.Property("bulwark:kev", "true"));
  if (f.epss !== undefined) v.properties.add(new Models.Property("bulwark:epss", String(f.epss)));
  v.properties.add(new Models.Property("bulwark:location", f.location.path));
  return v;
}

/** The CycloneDX 1.6 BOM of a report: the affected components and their vulnerabilities (VDR style). */
export function cycloneDxBom(report: Report): Models.Bom {
  const bom = new Models.Bom();
  bom.metadata.component = new Models.Component(Enums.ComponentType.Container, report.target, {
    bomRef: `target:${report.target}`,
  });
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, "bulwark", { version: report.tool.version }),
  );
  const components = new Map<string, Models.Component>();
  for (const f of report.findings) {
    if (f.kind !== "vulnerability") continue;
    const key = f.package.purl || `${f.package.ecosystem}/${f.package.name}@${f.package.version}`;
    let c = components.get(key);
    if (!c) {
      c = component(f);
      components.set(key, c);
      bom.components.add(c);
    }
    bom.vulnerabilities.add(vulnerability(f, c));
  }
  return bom;
}

/** The report's CycloneDX JSON in pieces (lists sorted, so the output is stable). */
export function cycloneDxChunks(report: Report): Iterable<string> {
  return bomJsonChunks(cycloneDxBom(report), true);
}
