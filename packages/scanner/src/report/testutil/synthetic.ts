import type { Finding, Report } from "../../../../model/src/finding.js";
import type { Inventory, Package } from "../../../../model/src/package.js";

/**
 * A report with `n` findings spread over n/5 packages, for scale tests and the `scale`
 * benchmark. Synthetic on purpose: no real image here carries a million findings.
 */
export function syntheticReport(n: number): Report {
  const severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] as const;
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const pkg = `pkg-${Math.floor(i / 5)}`;
    findings.push({
      kind: "vulnerability",
      id: `CVE-2024-${String(i).padStart(6, "0")}`,
      aliases: [`GHSA-${i.toString(36)}`],
      severity: severities[i % 5] ?? "UNKNOWN",
      title: `Synthetic vulnerability number ${i} in ${pkg}`,
      package: { name: pkg, version: "1.0.0", purl: `pkg:npm/${pkg}@1.0.0`, ecosystem: "npm" },
      fixedVersion: i % 3 ? "1.0.1" : null,
      kev: i % 97 === 0,
      location: { path: `/app/node_modules/${pkg}/package.json` },
    });
  }
  const bySeverity = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "0.0.0" },
    target: "synthetic",
    generatedAt: "2026-01-01T00:00:00.000Z",
    findings,
    summary: { total: n, bySeverity, suppressed: [] },
    issues: [],
  };
}

/**
 * An inventory of `n` Debian and npm packages over two layers (some with two locations, some
 * with licenses), for the streamed SBOM writers' scale tests. Synthetic for the same reason.
 */
export function syntheticInventory(n: number): Inventory {
  const layers = [
    { digest: `sha256:${"a".repeat(64)}`, diffId: `sha256:${"b".repeat(64)}`, createdBy: "ADD rootfs /" },
    { digest: `sha256:${"c".repeat(64)}`, diffId: `sha256:${"d".repeat(64)}`, createdBy: "RUN npm ci" },
  ];
  const packages: Package[] = [];
  for (let i = 0; i < n; i++) {
    const deb = i % 2 === 0;
    const name = `pkg-${i.toString(36)}`;
    const version = `1.${i % 17}.${i % 5}`;
    const layer = layers[deb ? 0 : 1];
    packages.push({
      type: deb ? "deb" : "npm",
      name,
      version,
      purl: deb ? `pkg:deb/debian/${name}@${version}?arch=amd64` : `pkg:npm/${name}@${version}`,
      licenses: i % 3 === 0 ? ["MIT"] : i % 3 === 1 ? ["GPL-2.0-or-later", "Custom text"] : [],
      locations: [
        {
          path: deb ? "/var/lib/dpkg/status" : `/app/node_modules/${name}/package.json`,
          layerDigest: layer?.digest,
        },
        ...(i % 7 === 0 ? [{ path: `/opt/copy/${name}/package.json` }] : []),
      ],
      ...(deb ? { source: { name: `src-${name}`, version }, arch: "amd64" } : {}),
    });
  }
  return {
    target: "synthetic:inventory",
    source: "oci",
    image: { digest: `sha256:${"e".repeat(64)}`, repoTags: ["synthetic:latest"], repoDigests: [] },
    os: {
      family: "debian",
      name: "Debian GNU/Linux",
      version: "12",
      prettyName: "Debian GNU/Linux 12 (bookworm)",
    },
    layers,
    packages,
    issues: [],
  };
}
