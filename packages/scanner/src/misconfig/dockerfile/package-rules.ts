import { NIST } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import { envPairs, type Dockerfile, type Instruction } from "./parser.js";
import { signatureOffIn, tlsOffIn } from "./shell-checks.js";
import { TLS_OFF_ENV } from "./shell.js";

/** Dockerfile checks on how software is fetched and installed in RUN steps. */
type DfRule = Rule<Dockerfile, number>;
const df = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "dockerfile" });
const shellOf = (i: Instruction): string => (i.json ? i.json.join(" ") : i.args);
const runs = (d: Dockerfile): Instruction[] => d.instructions.filter((i) => i.cmd === "RUN");

export const packageRules: DfRule[] = [
  {
    meta: df({
      id: "BW-DF-011",
      title: "TLS certificate verification disabled",
      severity: "HIGH",
      why: "With verification off (curl -k, wget --no-check-certificate, pip --trusted-host, strict-ssl false, NODE_TLS_REJECT_UNAUTHORIZED=0 …) anyone on the network path can substitute the downloaded code.",
      remediation: "Remove the flag or variable; install the right CA certificates instead.",
      mappings: mapIds({
        cisDocker: ["4.11"],
        nist: [NIST.untrustedImages],
        checkov: [2, 3, 4, 5, 6, 12, 13, 14, 15, 16].map((n) => `CKV2_DOCKER_${n}`),
      }),
    }),
    check: (d, report) => {
      for (const i of d.instructions) {
        const why = i.cmd === "RUN" ? tlsOffIn(shellOf(i)) : undefined;
        if (why) report(i.line, why);
        if (i.cmd === "ENV" && envPairs(i.args).some(([k, v]) => TLS_OFF_ENV(k, v))) report(i.line);
      }
    },
  },
  {
    meta: df({
      id: "BW-DF-012",
      title: "Package signature verification disabled",
      severity: "HIGH",
      why: "Installing unsigned or unverified packages (--allow-unauthenticated, --allow-untrusted, --nogpgcheck, --nosignature …) accepts tampered packages from any mirror.",
      remediation: "Remove the flag and import the repository's signing key properly.",
      mappings: mapIds({
        cisDocker: ["4.11"],
        nist: [NIST.untrustedImages],
        checkov: ["CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"],
      }),
    }),
    check: (d, report) => {
      for (const i of runs(d)) {
        const why = signatureOffIn(shellOf(i));
        if (why) report(i.line, why);
      }
    },
  },
  {
    meta: df({
      id: "BW-DF-013",
      title: "Package index update in its own RUN step",
      severity: "LOW",
      why: "A cached `apt-get update` layer is reused by later builds, so installs pick up stale indexes and miss security updates.",
      remediation:
        "Combine update and install in one RUN: `apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*`.",
      mappings: mapIds({
        cisDocker: ["4.7"],
        nist: [NIST.imageConfig],
        trivy: ["DS017"],
        checkov: ["CKV_DOCKER_5"],
      }),
    }),
    check: (d, report) => {
      for (const i of runs(d)) {
        const parts = shellOf(i)
          .split(/&&|;|\|\|/)
          .map((s) => s.trim())
          .filter(Boolean);
        if (
          parts.length &&
          parts.every((p) =>
            /^(apt-get|apt|apk|yum|dnf|zypper)\s+(-\S+\s+)*(update|makecache|refresh)\b/.test(p),
          )
        )
          report(i.line);
      }
    },
  },
  {
    meta: df({
      id: "BW-DF-014",
      title: "Password set in a build step",
      severity: "HIGH",
      why: "A password set with chpasswd or passwd in a RUN step is stored in the layer history and in /etc/shadow of every container, identical across all of them.",
      remediation:
        "Do not set passwords in images; lock accounts and use key-based or orchestrator-provided credentials at runtime.",
      mappings: mapIds({ cisDocker: ["4.10"], nist: [NIST.imageSecrets], checkov: ["CKV2_DOCKER_17"] }),
    }),
    check: (d, report) => {
      for (const i of runs(d))
        if (/\bchpasswd\b|\bpasswd\s+--stdin\b|\busermod\s+(-\S+\s+)*-p\s/.test(shellOf(i))) report(i.line);
    },
  },
];
