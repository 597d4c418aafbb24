import type { Dockerfile, Instruction, Stage } from "../dockerfile/parser.js";
import { isSecretName } from "../rules.js";
import { meta, runCommands, shellOf, type DfRule } from "./define.js";

/** Instruction-level Dockerfile hygiene (hadolint DL3xxx/DL4xxx, Trivy DS0xx). */
const inStage = (s: Stage, cmd: string): Instruction[] => s.instructions.filter((i) => i.cmd === cmd);
const all = (d: Dockerfile, cmd: string): Instruction[] => d.instructions.filter((i) => i.cmd === cmd);

/** Reports every instruction but the first of `cmd` within one stage. */
function onlyOnce(id: string, cmd: string, m: { hadolint?: string[]; trivy?: string[] }): DfRule {
  return {
    meta: meta({
      id,
      title: `Multiple ${cmd} instructions in one stage`,
      severity: "LOW",
      why: `Only the last ${cmd} of a stage takes effect; the earlier ones mislead readers about what the image runs.`,
      remediation: `Keep a single ${cmd} per stage.`,
      ...m,
    }),
    check: (d, report) => {
      for (const s of d.stages)
        for (const i of inStage(s, cmd).slice(0, -1)) report(i.line, `${cmd} overridden later`);
    },
  };
}

const SECRET_FILE =
  /(^|\/)(id_rsa|id_ed25519|id_ecdsa|id_dsa|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.env|credentials(\.json)?|\.dockercfg|config\.json|\.htpasswd|[^/]*\.pem|[^/]*\.key|[^/]*\.p12|[^/]*\.pfx|kubeconfig)$/i;

export const instructionHygieneRules: DfRule[] = [
  {
    meta: meta({
      id: "BW-DF-015",
      title: "Base image depends on a build argument without a default",
      severity: "LOW",
      why: "FROM image:${TAG} with no default for TAG builds whatever the caller passes, or fails; what the image is built on cannot be reviewed from the file.",
      remediation: "Give the ARG a pinned default (ARG TAG=1.2.3) or pin the tag in FROM.",
      cisDocker: ["4.2"],
      hadolint: ["DL3006"],
    }),
    appliesTo: (d) => d.stages.length > 0,
    check: (d, report) => {
      for (const s of d.stages)
        if (s.unresolved) report(s.line, `unresolved: ${s.unresolved.map((a) => `$${a}`).join(", ")}`);
    },
  },
  {
    meta: meta({
      id: "BW-DF-016",
      title: "cd used in RUN instead of WORKDIR",
      severity: "LOW",
      why: "A `cd` only lasts for its RUN step; later instructions silently run elsewhere, which hides where files go.",
      remediation: "Use WORKDIR to change directory.",
      hadolint: ["DL3003"],
      trivy: ["DS013"],
    }),
    check: (d, report) => {
      const seen = new Set<number>();
      for (const { ins, argv } of runCommands(d))
        if (argv[0] === "cd" && !seen.has(ins.line)) {
          seen.add(ins.line);
          report(ins.line);
        }
    },
  },
  onlyOnce("BW-DF-017", "CMD", { hadolint: ["DL4003"], trivy: ["DS016"] }),
  onlyOnce("BW-DF-018", "ENTRYPOINT", { hadolint: ["DL4004"], trivy: ["DS007"] }),
  onlyOnce("BW-DF-019", "HEALTHCHECK", { trivy: ["DS023"] }),
  {
    meta: meta({
      id: "BW-DF-020",
      title: "COPY --from names a stage that is not defined before it",
      severity: "MEDIUM",
      why: "A --from that is not an earlier stage alias or index is pulled as an image from a registry, so a typo fetches someone else's image into the build.",
      remediation:
        "Point --from at an earlier `FROM … AS name` stage, or at a pinned image reference on purpose.",
      hadolint: ["DL3022"],
    }),
    check: (d, report) => {
      d.stages.forEach((s, idx) => {
        const earlier = d.stages.slice(0, idx);
        for (const i of inStage(s, "COPY")) {
          const from = i.flags.from?.toLowerCase();
          if (!from || from.includes("$")) continue;
          if (/^\d+$/.test(from)) {
            if (Number(from) >= idx) report(i.line, `--from=${from} is not an earlier stage`);
            continue;
          }
          const isImage = from.includes("/") || from.includes(":") || from.includes("@");
          if (!isImage && !earlier.some((e) => e.alias === from)) report(i.line, `--from=${from}`);
        }
      });
    },
  },
  {
    meta: meta({
      id: "BW-DF-021",
      title: "COPY --from refers to its own stage",
      severity: "MEDIUM",
      why: "A stage cannot copy from itself; the builder fails or, with a same-named image, copies from a registry image instead.",
      remediation: "Copy from an earlier stage.",
      hadolint: ["DL3023"],
      trivy: ["DS006"],
    }),
    check: (d, report) => {
      for (const s of d.stages)
        for (const i of inStage(s, "COPY"))
          if (s.alias && i.flags.from?.toLowerCase() === s.alias) report(i.line, `--from=${s.alias}`);
    },
  },
  {
    meta: meta({
      id: "BW-DF-033",
      title: "Both wget and curl used",
      severity: "LOW",
      why: "Two download tools in one image double that attack surface for no gain.",
      remediation: "Use one of curl or wget throughout the Dockerfile.",
      hadolint: ["DL4001"],
    }),
    check: (d, report) => {
      const cmds = runCommands(d);
      const wget = cmds.find((c) => c.argv[0] === "wget");
      if (wget && cmds.some((c) => c.argv[0] === "curl")) report(wget.ins.line);
    },
  },
  {
    meta: meta({
      id: "BW-DF-034",
      title: "WORKDIR uses a relative path",
      severity: "LOW",
      why: "A relative WORKDIR depends on every earlier WORKDIR, so moving a line silently changes where files land.",
      remediation: "Use an absolute path in WORKDIR.",
      hadolint: ["DL3000"],
      trivy: ["DS009"],
    }),
    check: (d, report) => {
      for (const i of all(d, "WORKDIR")) {
        const p = i.args.trim().replace(/^["']|["']$/g, "");
        if (!/^(\/|\$|[A-Za-z]:[\\/])/.test(p)) report(i.line, `WORKDIR ${p}`);
      }
    },
  },
  {
    meta: meta({
      id: "BW-DF-035",
      title: "MAINTAINER is deprecated",
      severity: "LOW",
      why: "MAINTAINER is ignored by tooling that reads labels; the maintainer is then missing from the image metadata.",
      remediation: 'Use LABEL org.opencontainers.image.authors="…".',
      hadolint: ["DL4000"],
      trivy: ["DS022"],
    }),
    check: (d, report) => {
      for (const i of all(d, "MAINTAINER")) report(i.line);
    },
  },
  {
    meta: meta({
      id: "BW-DF-036",
      title: "CMD or ENTRYPOINT in shell form",
      severity: "LOW",
      why: "Shell form runs the process under /bin/sh -c, which does not forward SIGTERM: the container is killed after the grace period instead of shutting down cleanly.",
      remediation: 'Use the JSON (exec) form: CMD ["app", "--flag"].',
      hadolint: ["DL3025"],
    }),
    check: (d, report) => {
      for (const i of d.instructions)
        if ((i.cmd === "CMD" || i.cmd === "ENTRYPOINT") && !i.json && i.args.trim()) report(i.line, i.cmd);
    },
  },
  {
    meta: meta({
      id: "BW-DF-037",
      title: "Pipe in RUN without pipefail",
      severity: "LOW",
      why: "Without pipefail only the last command of a pipe decides success: `curl … | tar x` passes even when the download failed.",
      remediation:
        'Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] before the RUN, or add `set -o pipefail &&`.',
      hadolint: ["DL4006"],
    }),
    check: (d, report) => {
      let pipefail = false;
      for (const i of d.instructions) {
        if (i.cmd === "FROM") pipefail = false;
        if (i.cmd === "SHELL") pipefail = (i.json ?? []).includes("pipefail");
        if (i.cmd !== "RUN" || pipefail || i.json) continue;
        const s = shellOf(i);
        if (/[^|]\|[^|]/.test(s.replace(/"[^"]*"|'[^']*'/g, "")) && !/pipefail/.test(s)) report(i.line);
      }
    },
  },
  {
    meta: meta({
      id: "BW-DF-038",
      title: "Secret file copied into the image",
      severity: "HIGH",
      why: "A private key, .npmrc, .netrc or .env copied into a layer stays in the image history even if a later step deletes it.",
      remediation:
        "Mount it for the one step that needs it: RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci.",
      cisDocker: ["4.10"],
    }),
    check: (d, report) => {
      for (const i of d.instructions) {
        if ((i.cmd !== "COPY" && i.cmd !== "ADD") || i.flags.from !== undefined) continue;
        const words = i.json ?? i.args.split(/\s+/).filter(Boolean);
        const secret = words.slice(0, -1).find((w) => SECRET_FILE.test(w.replace(/^["']|["']$/g, "")));
        if (secret) report(i.line, secret);
      }
    },
  },
  {
    meta: meta({
      id: "BW-DF-039",
      title: "EXPOSE names an invalid port",
      severity: "LOW",
      why: "A port outside 0-65535 is a typo that leaves the intended port unpublished.",
      remediation: "Use a port between 1 and 65535.",
      hadolint: ["DL3011"],
      trivy: ["DS008"],
    }),
    check: (d, report) => {
      for (const i of all(d, "EXPOSE"))
        for (const p of i.args.split(/\s+/)) {
          const m = /^(\d+)(-(\d+))?(\/(tcp|udp|sctp))?$/i.exec(p);
          if (m && (Number(m[1]) > 65535 || Number(m[3] ?? 0) > 65535)) report(i.line, p);
        }
    },
  },
  {
    meta: meta({
      id: "BW-DF-040",
      title: "FROM hard-codes --platform",
      severity: "LOW",
      why: "A fixed --platform builds for one architecture only; on other hosts it runs emulated or not at all.",
      remediation: "Use --platform=$BUILDPLATFORM or $TARGETPLATFORM, or leave it out.",
      hadolint: ["DL3029"],
    }),
    check: (d, report) => {
      for (const i of all(d, "FROM"))
        if (i.flags.platform !== undefined && !i.flags.platform.includes("$"))
          report(i.line, `--platform=${i.flags.platform}`);
    },
  },
  {
    meta: meta({
      id: "BW-DF-041",
      title: "COPY of several sources to a destination without a trailing slash",
      severity: "MEDIUM",
      why: "With more than one source the destination must be a directory ending in /, or the build fails.",
      remediation: "End the destination with / (COPY a b /app/).",
      hadolint: ["DL3021"],
      trivy: ["DS011"],
    }),
    check: (d, report) => {
      for (const i of d.instructions) {
        if (i.cmd !== "COPY" && i.cmd !== "ADD") continue;
        const words = i.json ?? i.args.split(/\s+/).filter(Boolean);
        if (
          words.length > 2 &&
          !/[/\\]["']?$/.test(words[words.length - 1]!) &&
          !words.some((w) => w.includes("<<"))
        )
          report(i.line);
      }
    },
  },
  {
    meta: meta({
      id: "BW-DF-042",
      title: "World-writable permissions set in a build step",
      severity: "MEDIUM",
      why: "chmod 777 (or o+w) lets any process in the container replace the files, including code that runs as another user later.",
      remediation: "Grant write access to the owning user only (chmod 755 / 644, chown to the app user).",
      cisDocker: ["4.8"],
    }),
    check: (d, report) => {
      const seen = new Set<number>();
      for (const { ins, argv } of runCommands(d))
        if (
          argv[0] === "chmod" &&
          argv.slice(1).some((w) => /^[0-7]?[0-7][0-7][2367]$|^(a|o|ugo)?\+[rwx]*w/.test(w)) &&
          !seen.has(ins.line)
        ) {
          seen.add(ins.line);
          report(ins.line);
        }
    },
  },
  {
    meta: meta({
      id: "BW-DF-043",
      title: "Duplicate stage name",
      severity: "MEDIUM",
      why: "Two stages with the same alias make COPY --from and FROM <alias> ambiguous; the builder takes the last one silently.",
      remediation: "Give every stage a unique alias.",
      hadolint: ["DL3024"],
      trivy: ["DS012"],
    }),
    check: (d, report) => {
      const seen = new Set<string>();
      for (const s of d.stages) {
        if (!s.alias) continue;
        if (seen.has(s.alias)) report(s.line, s.alias);
        seen.add(s.alias);
      }
    },
  },
  {
    meta: meta({
      id: "BW-DF-044",
      title: "COPY to a relative destination without WORKDIR",
      severity: "LOW",
      why: "A relative destination before any WORKDIR lands in the base image's working directory, which can change with the base image.",
      remediation: "Set WORKDIR first or use an absolute destination.",
      hadolint: ["DL3045"],
    }),
    check: (d, report) => {
      for (const s of d.stages) {
        let workdir = false;
        for (const i of s.instructions) {
          if (i.cmd === "WORKDIR") workdir = true;
          if (i.cmd !== "COPY" || workdir) continue;
          const words = i.json ?? i.args.split(/\s+/).filter(Boolean);
          const dest = (words[words.length - 1] ?? "").replace(/^["']|["']$/g, "");
          if (words.length >= 2 && !/^(\/|\$|[A-Za-z]:)/.test(dest)) report(i.line, dest);
        }
      }
    },
  },
  {
    meta: meta({
      id: "BW-DF-045",
      title: "Default shell replaced by relinking /bin/sh",
      severity: "LOW",
      why: "Relinking /bin/sh changes the shell for every script in the image, not just the build; SHELL changes only the build's RUN steps.",
      remediation: 'Use SHELL ["/bin/bash", "-c"] instead of ln -sf /bin/bash /bin/sh.',
      hadolint: ["DL4005"],
    }),
    check: (d, report) => {
      for (const { ins, argv } of runCommands(d))
        if (argv[0] === "ln" && argv[argv.length - 1] === "/bin/sh") report(ins.line);
    },
  },
  {
    meta: meta({
      id: "BW-DF-046",
      title: "Build secret passed on the RUN command line",
      severity: "HIGH",
      why: "A secret ARG expanded in RUN is written to the image history with the command; RUN --mount=type=secret keeps it out of every layer.",
      remediation:
        "Declare the secret with RUN --mount=type=secret,id=token and read /run/secrets/token (or env=TOKEN) in that step.",
      cisDocker: ["4.10"],
      checkov: ["CKV2_DOCKER_17"],
    }),
    check: (d, report) => {
      const secretArgs = new Set<string>();
      for (const i of d.instructions) {
        if (i.cmd === "ARG")
          for (const m of i.args.matchAll(/([A-Za-z_]\w*)/g)) if (isSecretName(m[1]!)) secretArgs.add(m[1]!);
        if (i.cmd !== "RUN") continue;
        // A step that mounts secrets reads them from the mount; its variables are not secrets' values.
        if (i.flags.mount?.includes("type=secret")) continue;
        const used = [...secretArgs].find((a) => new RegExp(`\\$\\{?${a}\\b`).test(shellOf(i)));
        if (used) report(i.line, `$${used}`);
      }
    },
  },
];
