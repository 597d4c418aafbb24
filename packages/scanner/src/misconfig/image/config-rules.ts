import type { ImageConfig } from "@bulwark/model";
import { signatureOffIn, tlsOffIn, usesSudo } from "../dockerfile/shell-checks.js";
import { CURL_PIPE_SH } from "../dockerfile/shell.js";
import { NIST, NSA } from "../frameworks.js";
import { isSecretName, looksLikePlaceholder, mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";

/** Where an image-config finding points: the config itself or a history entry (1-based). */
export interface ImageAt {
  file: "image-config" | "image-history";
  line: number;
}
type ConfigRule = Rule<ImageConfig, ImageAt>;
const img = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "image" });
const CONFIG: ImageAt = { file: "image-config", line: 1 };

/**
 * The shell script of a history `created_by` line (`/bin/sh -c …`, BuildKit's
 * `RUN /bin/sh -c … # buildkit`, build args as `|2 A=1 B=2 /bin/sh -c …`); "" for the
 * metadata steps (`#(nop)`), which run nothing. Build args are kept as assignments.
 */
export function historyScript(line: string): string {
  const meta =
    /#\(nop\)\s*(.*)$/s.exec(line)?.[1] ??
    (/^[A-Z]+\s/.test(line) && !line.startsWith("RUN ") ? line : undefined);
  // Metadata steps run nothing; an ENV step sets variables every later step sees.
  if (meta !== undefined) return /^ENV\s+/.test(meta) ? `export ${meta.replace(/^ENV\s+/, "")}` : "";
  let s = line.replace(/^RUN\s+/, "").replace(/\s*#\s*buildkit\s*$/, "");
  const args = /^\|\d+\s+((?:[A-Za-z_]\w*=\S*\s+)*)/.exec(s);
  if (args) s = s.slice(args[0].length);
  const shell = /^(?:\/bin\/|\/usr\/bin\/)?(?:ba|da)?sh\s+-c\s+/.exec(s);
  if (shell) s = s.slice(shell[0].length);
  return `${args?.[1]?.trim() ?? ""} ${s}`.trim();
}

function historyRule(meta: CheckMeta, pattern: (line: string) => boolean): ConfigRule {
  return {
    meta,
    appliesTo: (c) => (c.history?.length ?? 0) > 0,
    check: (c, report) => {
      for (const [i, h] of (c.history ?? []).entries())
        if (h.created_by && pattern(h.created_by))
          report({ file: "image-history", line: i + 1 }, h.created_by.slice(0, 200));
    },
  };
}

export const imageConfigRules: ConfigRule[] = [
  {
    meta: img({
      id: "BW-IMG-001",
      title: "Image runs as root",
      severity: "HIGH",
      why: "With no User (or root/0) in the config every container of the image starts as UID 0 unless the runtime overrides it.",
      remediation: "Rebuild with a non-root `USER` in the final stage.",
      mappings: mapIds({
        cisDocker: ["4.1"],
        nsa: [NSA.nonRoot],
        nist: [NIST.imageConfig],
        trivy: ["DS002"],
      }),
    }),
    check: (c, report) => {
      const user = (c.config?.User ?? "").trim();
      if (user === "" || /^(root|0)(:.*)?$/.test(user)) report(CONFIG, user ? `User ${user}` : "no User set");
    },
  },
  {
    meta: img({
      id: "BW-IMG-002",
      title: "Image exposes SSH port 22",
      severity: "MEDIUM",
      why: "An SSH port in the image signals an SSH server: an extra remote entry point outside the runtime's access control.",
      remediation: "Remove EXPOSE 22 and the SSH server from the image.",
      mappings: mapIds({
        cisDocker: ["5.6"],
        nist: [NIST.imageConfig],
        trivy: ["DS004"],
        kubescape: ["C-0042"],
      }),
    }),
    check: (c, report) => {
      if (Object.keys(c.config?.ExposedPorts ?? {}).some((p) => /^22(\/tcp)?$/.test(p))) report(CONFIG);
    },
  },
  {
    meta: img({
      id: "BW-IMG-003",
      title: "Secret-looking environment variable baked into the image",
      severity: "HIGH",
      why: "ENV values are part of the image config: anyone who can pull the image reads them.",
      remediation:
        "Remove the ENV and provide the secret at runtime from a secret store; rotate the exposed value.",
      mappings: mapIds({ cisDocker: ["4.10"], nsa: [NSA.secureImages], nist: [NIST.imageSecrets] }),
    }),
    check: (c, report) => {
      for (const e of c.config?.Env ?? []) {
        const eq = e.indexOf("=");
        const name = eq < 0 ? e : e.slice(0, eq);
        if (isSecretName(name) && !looksLikePlaceholder(e.slice(eq + 1))) report(CONFIG, `Env ${name}`);
      }
    },
  },
  {
    meta: img({
      id: "BW-IMG-004",
      title: "Image has no HEALTHCHECK",
      severity: "LOW",
      why: "Without a health check the runtime cannot detect a hung or hijacked service.",
      remediation: "Add a HEALTHCHECK to the final stage (or define probes in the orchestrator).",
      mappings: mapIds({ cisDocker: ["4.6"], nist: [NIST.imageConfig], trivy: ["DS026"] }),
    }),
    check: (c, report) => {
      const test = c.config?.Healthcheck?.Test;
      if (!test?.length || test[0] === "NONE") report(CONFIG);
    },
  },
  historyRule(
    img({
      id: "BW-IMG-005",
      title: "Image was built by piping a remote script into a shell",
      severity: "HIGH",
      why: "A build step ran unverified code from the network; whatever the server returned is in the image.",
      remediation: "Rebuild with downloads verified by checksum or signature.",
      mappings: mapIds({ cisDocker: ["4.11"], nist: [NIST.untrustedImages] }),
    }),
    (l) => CURL_PIPE_SH.test(l),
  ),
  historyRule(
    img({
      id: "BW-IMG-006",
      title: "Image build used sudo",
      severity: "MEDIUM",
      why: "sudo in the build means sudo (a setuid-root helper) and usually a sudoers rule ship in the image.",
      remediation: "Run privileged build steps before USER and do not install sudo.",
      mappings: mapIds({
        cisDocker: ["4.1"],
        nist: [NIST.imageConfig],
        trivy: ["DS010"],
        kubescape: ["C-0062"],
      }),
    }),
    (l) => usesSudo(historyScript(l)),
  ),
  historyRule(
    img({
      id: "BW-IMG-007",
      title: "Image build disabled TLS or package signature verification",
      severity: "HIGH",
      why: "Content fetched without TLS or signature verification may have been substituted in transit.",
      remediation: "Rebuild without the verification-disabling flags.",
      mappings: mapIds({ cisDocker: ["4.11"], nist: [NIST.untrustedImages] }),
    }),
    (l) => {
      const script = historyScript(l);
      return tlsOffIn(script) !== undefined || signatureOffIn(script) !== undefined;
    },
  ),
];
