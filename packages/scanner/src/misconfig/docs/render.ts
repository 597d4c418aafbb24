import { FAMILIES, MAPPING_KEYS, type CheckMeta, type Family, type MappingKey } from "../types.js";

/**
 * docs/checks.md, generated from the catalogue: one section per family, one entry per
 * check with severity, why, remediation and every equivalent id.
 * `npx tsx src/misconfig/docs/write.ts` rewrites it; a test fails when it is stale.
 */
const FAMILY_TITLES: Record<Family, string> = {
  kubernetes: "Kubernetes workloads",
  workload: "Workload hygiene",
  network: "Network exposure",
  rbac: "RBAC",
  controlplane: "Control plane and node",
  dockerfile: "Dockerfile",
  compose: "Docker Compose",
  image: "Image configuration and filesystem",
  host: "Host",
};

const KEY_TITLES: Record<MappingKey, string> = {
  "cis-kubernetes": "CIS Kubernetes",
  "cis-docker": "CIS Docker",
  "nsa-cisa": "NSA/CISA",
  "nist-800-190": "NIST 800-190",
  trivy: "Trivy",
  kubescape: "Kubescape",
  checkov: "Checkov",
  hadolint: "hadolint",
};

const PEERS: MappingKey[] = ["trivy", "kubescape", "checkov", "hadolint", "cis-kubernetes", "cis-docker"];

/** Markdown table cells cannot hold a pipe or a newline. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderChecksDoc(checks: readonly CheckMeta[]): string {
  const out: string[] = [
    "# Misconfiguration checks",
    "",
    "<!-- Generated from the check catalogue by packages/scanner/src/misconfig/docs/write.ts. Do not edit by hand. -->",
    "",
    `${checks.length} checks. \`bulwark checks list --format json\` prints the same catalogue; ` +
      "equivalents name the peer tool's id for the same condition (Trivy AVD/KSV/KCV/DS, Kubescape C-, Checkov CKV, hadolint DL) " +
      "and the benchmark section it implements.",
    "",
    "| Family | Checks |",
    "| --- | --- |",
    ...FAMILIES.map(
      (f) =>
        `| [${FAMILY_TITLES[f]}](#${anchor(FAMILY_TITLES[f])}) | ${checks.filter((c) => c.family === f).length} |`,
    ),
  ];
  for (const f of FAMILIES) {
    const list = checks.filter((c) => c.family === f);
    if (!list.length) continue;
    out.push(
      "",
      `## ${FAMILY_TITLES[f]}`,
      "",
      "| ID | Severity | Check | Equivalents |",
      "| --- | --- | --- | --- |",
    );
    for (const c of list)
      out.push(
        `| [${c.id}](#${c.id.toLowerCase()}) | ${c.severity} | ${cell(c.title)} | ${cell(peers(c))} |`,
      );
    for (const c of list) {
      out.push(
        "",
        `### ${c.id}`,
        "",
        `**${cell(c.title)}** (${c.severity})`,
        "",
        c.why,
        "",
        `*Remediation:* ${c.remediation}`,
        "",
      );
      for (const k of MAPPING_KEYS) {
        const ids = c.mappings[k];
        if (ids?.length) out.push(`- ${KEY_TITLES[k]}: ${ids.join(", ")}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

function peers(c: CheckMeta): string {
  return (
    PEERS.flatMap((k) =>
      (c.mappings[k] ?? []).map((id) => (k.startsWith("cis") ? `${KEY_TITLES[k]} ${id}` : id)),
    ).join(", ") || "—"
  );
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");
}
