import { NIST, NSA } from "../frameworks.js";
import { parseImageRef } from "../kubernetes/image-ref.js";
import { isSecretName, looksLikePlaceholder, mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import { argPairs, envPairs, type Dockerfile, type Instruction, type Stage } from "./parser.js";
import { packageRules } from "./package-rules.js";
import { dockerfileHygieneRules } from "../dockerfile-hygiene/index.js";
import { CURL_PIPE_SH } from "./shell.js";
import { usesSudo } from "./shell-checks.js";
import { shellCommands } from "./shell-words.js";

type DfRule = Rule<Dockerfile, number>;
const df = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "dockerfile" });
const shellOf = (i: Instruction): string => (i.json ? i.json.join(" ") : i.args);

/** The final stage and the earlier stages it builds on (FROM <alias>), nearest first. */
export function finalChain(d: Dockerfile): Stage[] {
  const chain: Stage[] = [];
  let stage = d.stages[d.stages.length - 1];
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const from = stage.from.toLowerCase();
    const idx = d.stages.indexOf(stage);
    stage = d.stages
      .slice(0, idx)
      .reverse()
      .find((s) => s.alias === from);
  }
  return chain;
}

function lastInChain(d: Dockerfile, cmd: string): Instruction | undefined {
  for (const s of finalChain(d)) {
    const found = [...s.instructions].reverse().find((i) => i.cmd === cmd);
    if (found) return found;
  }
  return undefined;
}

const isStageRef = (d: Dockerfile, s: Stage): boolean =>
  d.stages.slice(0, d.stages.indexOf(s)).some((p) => p.alias === s.from.toLowerCase());
const externalStages = (d: Dockerfile): Stage[] =>
  d.stages.filter(
    (s) =>
      s.from &&
      !s.unresolved &&
      s.from.toLowerCase() !== "scratch" &&
      !s.from.includes("$") &&
      !isStageRef(d, s),
  );
const runs = (d: Dockerfile): Instruction[] => d.instructions.filter((i) => i.cmd === "RUN");

const ROOT_USER = /^(root|0)(:.*)?$/;
const REMOTE = /^(https?|ftp):\/\//i;

/** The sources of an ADD/COPY (all words but the destination), quotes removed. */
export function addSources(i: Instruction): string[] {
  const words =
    i.json ??
    shellCommands(i.args.split("\n")[0] ?? "").flatMap((c) => [
      ...c.env.map(([k, v]) => `${k}=${v}`),
      ...c.argv,
    ]);
  return words.slice(0, -1);
}

export const dockerfileRules: DfRule[] = [
  {
    meta: df({
      id: "BW-DF-001",
      title: "Image runs as root (last USER is root or missing)",
      severity: "HIGH",
      why: "Without a non-root USER the container's process is UID 0; any code execution in it is root on a shared kernel and can write wherever the container can.",
      remediation:
        "Create an unprivileged user and end the final stage with `USER <name or uid>` (e.g. USER 10001).",
      mappings: mapIds({
        cisDocker: ["4.1"],
        nsa: [NSA.nonRoot],
        nist: [NIST.imageConfig],
        trivy: ["DS002"],
        checkov: ["CKV_DOCKER_3", "CKV_DOCKER_8"],
        hadolint: ["DL3002"],
      }),
    }),
    appliesTo: (d) => d.stages.length > 0,
    check: (d, report) => {
      const user = lastInChain(d, "USER");
      if (!user) report(d.stages[d.stages.length - 1]!.line, "no USER in the final stage");
      else if (ROOT_USER.test(user.args.trim())) report(user.line, `USER ${user.args.trim()}`);
    },
  },
  {
    meta: df({
      id: "BW-DF-002",
      title: "Base image uses the latest tag or no tag",
      severity: "MEDIUM",
      why: "A moving base tag silently changes what is built: a compromised or broken upstream push lands in the next build and builds are not reproducible.",
      remediation: "Pin the base image to a version tag and digest: FROM debian:12.5@sha256:<digest>.",
      mappings: mapIds({
        cisDocker: ["4.2"],
        nsa: [NSA.secureImages],
        nist: [NIST.untrustedImages],
        trivy: ["DS001"],
        checkov: ["CKV_DOCKER_7"],
        hadolint: ["DL3006", "DL3007"],
      }),
    }),
    appliesTo: (d) => d.stages.length > 0,
    check: (d, report) => {
      for (const s of externalStages(d)) {
        const ref = parseImageRef(s.from);
        if (!ref.digest && (!ref.tag || ref.tag === "latest")) report(s.line, `FROM ${s.from}`);
      }
    },
  },
  {
    meta: df({
      id: "BW-DF-003",
      title: "Base image is not pinned by digest",
      severity: "LOW",
      why: "Tags can be re-pointed; only a digest guarantees the reviewed base image is the one built on.",
      remediation:
        "Append the digest to FROM (FROM image:tag@sha256:<digest>) and update it deliberately (e.g. with Renovate or Dependabot).",
      mappings: mapIds({ cisDocker: ["4.2"], nsa: [NSA.secureImages], nist: [NIST.untrustedImages] }),
    }),
    appliesTo: (d) => d.stages.length > 0,
    check: (d, report) => {
      for (const s of externalStages(d)) if (!parseImageRef(s.from).digest) report(s.line, `FROM ${s.from}`);
    },
  },
  {
    meta: df({
      id: "BW-DF-004",
      title: "ADD downloads from a URL without a checksum",
      severity: "MEDIUM",
      why: "ADD <url> fetches whatever the server returns at build time, without verification: a compromised server or network path injects content into the image.",
      remediation:
        "Download with a pinned checksum (ADD --checksum=sha256:… <url>) or fetch and verify in a RUN step.",
      mappings: mapIds({
        cisDocker: ["4.9"],
        nist: [NIST.untrustedImages],
        trivy: ["DS005"],
        checkov: ["CKV_DOCKER_4"],
      }),
    }),
    check: (d, report) => {
      for (const i of d.instructions)
        if (i.cmd === "ADD" && i.flags.checksum === undefined && addSources(i).some((w) => REMOTE.test(w)))
          report(i.line);
    },
  },
  {
    meta: df({
      id: "BW-DF-005",
      title: "ADD used where COPY would do",
      severity: "LOW",
      why: "ADD silently unpacks archives and fetches URLs, so a changed source can add unexpected files to the image; COPY does only what it says.",
      remediation: "Use COPY for local files; keep ADD only for archives that must be unpacked.",
      mappings: mapIds({
        cisDocker: ["4.9"],
        nist: [NIST.imageConfig],
        trivy: ["DS005"],
        checkov: ["CKV_DOCKER_4"],
        hadolint: ["DL3020"],
      }),
    }),
    check: (d, report) => {
      for (const i of d.instructions) {
        if (i.cmd !== "ADD") continue;
        const sources = addSources(i);
        if (sources.some((w) => REMOTE.test(w) || w.startsWith("git@"))) continue;
        if (sources.length && !sources.every((s) => /\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst))$/i.test(s)))
          report(i.line);
      }
    },
  },
  {
    meta: df({
      id: "BW-DF-006",
      title: "Remote script piped into a shell",
      severity: "HIGH",
      why: "`curl … | sh` runs whatever the server sends at build time, unverified; a compromised host or mirror gets code execution in the build and the image.",
      remediation:
        "Download to a file, verify its checksum or signature, then run it; or install from a signed package.",
      mappings: mapIds({ cisDocker: ["4.11"], nist: [NIST.untrustedImages] }),
    }),
    check: (d, report) => {
      for (const i of runs(d)) if (CURL_PIPE_SH.test(shellOf(i))) report(i.line);
    },
  },
  {
    meta: df({
      id: "BW-DF-007",
      title: "Secret passed through ENV or ARG",
      severity: "HIGH",
      why: "ENV values are stored in the image config and ARG values in the build history: anyone who can pull the image can read them.",
      remediation:
        "Use build secrets (RUN --mount=type=secret) at build time and inject runtime secrets from the orchestrator, never ENV or ARG.",
      mappings: mapIds({ cisDocker: ["4.10"], nsa: [NSA.secureImages], nist: [NIST.imageSecrets] }),
    }),
    check: (d, report) => {
      for (const i of d.instructions) {
        if (i.cmd === "ENV") {
          for (const [k, v] of envPairs(i.args))
            if (isSecretName(k) && !looksLikePlaceholder(v)) report(i.line, `ENV ${k}`);
        } else if (i.cmd === "ARG") {
          for (const [k] of argPairs(i.args)) if (isSecretName(k)) report(i.line, `ARG ${k}`);
        }
      }
    },
  },
  {
    meta: df({
      id: "BW-DF-008",
      title: "sudo used in a build step",
      severity: "MEDIUM",
      why: "sudo in an image means a setuid-root helper and usually a sudoers rule that a compromised process can use to become root; in a build it hides which steps need root.",
      remediation: "Run the privileged steps before switching USER, and do not install sudo in the image.",
      mappings: mapIds({
        cisDocker: ["4.1"],
        nist: [NIST.imageConfig],
        trivy: ["DS010"],
        kubescape: ["C-0062"],
        checkov: ["CKV2_DOCKER_1"],
        hadolint: ["DL3004"],
      }),
    }),
    check: (d, report) => {
      for (const i of runs(d)) if (usesSudo(shellOf(i))) report(i.line);
    },
  },
  {
    meta: df({
      id: "BW-DF-009",
      title: "Image exposes SSH port 22",
      severity: "MEDIUM",
      why: "An SSH daemon in a container is an extra, password-guessable entry point that bypasses the orchestrator's access control and audit.",
      remediation: "Remove EXPOSE 22 and the SSH server; use `docker exec`/`kubectl exec` for debugging.",
      mappings: mapIds({
        cisDocker: ["5.6"],
        nist: [NIST.imageConfig],
        trivy: ["DS004"],
        kubescape: ["C-0042"],
        checkov: ["CKV_DOCKER_1"],
      }),
    }),
    appliesTo: (d) => d.stages.length > 0,
    check: (d, report) => {
      for (const s of finalChain(d))
        for (const i of s.instructions)
          if (i.cmd === "EXPOSE" && i.args.split(/\s+/).some((p) => /^22(\/tcp)?$/i.test(p))) report(i.line);
    },
  },
  {
    meta: df({
      id: "BW-DF-010",
      title: "No HEALTHCHECK in the final image",
      severity: "LOW",
      why: "Without a health check the runtime cannot tell a hung or hijacked service from a healthy one, so it is never restarted or taken out of rotation.",
      remediation:
        "Add `HEALTHCHECK CMD <probe>` to the final stage (Kubernetes users: define probes in the manifest instead).",
      mappings: mapIds({
        cisDocker: ["4.6"],
        nist: [NIST.imageConfig],
        trivy: ["DS026"],
        checkov: ["CKV_DOCKER_2"],
      }),
    }),
    appliesTo: (d) => d.stages.length > 0,
    check: (d, report) => {
      const hc = lastInChain(d, "HEALTHCHECK");
      if (!hc) report(d.stages[d.stages.length - 1]!.line);
      else if (/^none$/i.test(hc.args.trim())) report(hc.line, "HEALTHCHECK NONE");
    },
  },
  ...packageRules,
  ...dockerfileHygieneRules,
];
