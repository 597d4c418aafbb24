import { commandRule, has, isSub, type DfRule } from "./define.js";

/** Package manager hygiene in RUN steps (hadolint DL30xx, Trivy DS0xx). */
const APT = /^apt-get$/;
const installsWith = (pm: RegExp, argv: string[]): boolean => isSub(argv, pm, ["install"]);
/** Later commands of the same RUN contain one matching `test`. */
const laterHas = (all: string[][], argv: string[], test: (a: string[]) => boolean): boolean =>
  all.slice(all.indexOf(argv) + 1).some(test);
const removes = (path: RegExp) => (a: string[]) => a[0] === "rm" && a.some((w) => path.test(w));

export const packageHygieneRules: DfRule[] = [
  commandRule(
    {
      id: "BW-DF-022",
      title: "Distribution upgrade in a build step",
      severity: "LOW",
      why: "apt-get upgrade, dist-upgrade, apk upgrade or yum/dnf update inside an image make builds unreproducible and can pull packages the base image maintainers deliberately held back; security updates belong in a newer base image.",
      remediation: "Remove the upgrade step and rebuild on an updated base image tag.",
      hadolint: ["DL3005", "DL3017", "DL3035"],
      trivy: ["DS024"],
      cisDocker: ["4.7"],
    },
    (a) =>
      isSub(a, /^(apt-get|apt)$/, ["upgrade", "dist-upgrade", "full-upgrade"]) ||
      isSub(a, /^apk$/, ["upgrade"]) ||
      isSub(a, /^(yum|dnf|microdnf)$/, ["update", "upgrade", "distro-sync"]) ||
      isSub(a, /^zypper$/, ["update", "up", "dist-upgrade", "dup"])
        ? `${a[0]} ${a.slice(1).find((w) => !w.startsWith("-")) ?? ""}`
        : undefined,
  ),
  commandRule(
    {
      id: "BW-DF-023",
      title: "apt-get install without -y",
      severity: "MEDIUM",
      why: "Without -y (--yes) apt-get waits for confirmation, which in a non-interactive build aborts the step.",
      remediation: "Use `apt-get install -y …`.",
      hadolint: ["DL3014"],
      trivy: ["DS021"],
    },
    (a) =>
      installsWith(APT, a) && !has(a, "y", "--yes", "--assume-yes") && !has(a, "q", "-qq")
        ? "apt-get install"
        : undefined,
  ),
  commandRule(
    {
      id: "BW-DF-024",
      title: "apt-get install without --no-install-recommends",
      severity: "LOW",
      why: "Recommended packages add software nobody asked for, each with its own vulnerabilities, to the image.",
      remediation: "Use `apt-get install -y --no-install-recommends …`.",
      hadolint: ["DL3015"],
      trivy: ["DS029"],
    },
    (a) =>
      installsWith(APT, a) && !has(a, undefined, "--no-install-recommends") ? "apt-get install" : undefined,
  ),
  commandRule(
    {
      id: "BW-DF-025",
      title: "apt lists left in the image",
      severity: "LOW",
      why: "Package lists left in the layer add tens of megabytes and record stale indexes in the image.",
      remediation: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`.",
      hadolint: ["DL3009"],
    },
    (a, all) =>
      installsWith(/^(apt-get|apt)$/, a) && !laterHas(all, a, removes(/^\/var\/lib\/apt\/lists/))
        ? "no rm -rf /var/lib/apt/lists/* after install"
        : undefined,
  ),
  commandRule(
    {
      id: "BW-DF-026",
      title: "apt used in a script",
      severity: "LOW",
      why: "apt's command-line interface is meant for people and is not stable for scripts; its output and behaviour can change between releases.",
      remediation: "Use apt-get (or apt-cache) in Dockerfiles.",
      hadolint: ["DL3027"],
    },
    (a) => (a[0] === "apt" && a.length > 1 ? "apt" : undefined),
  ),
  commandRule(
    {
      id: "BW-DF-027",
      title: "apk add without --no-cache",
      severity: "LOW",
      why: "Without --no-cache the package index stays in the layer, enlarging the image with stale data.",
      remediation: "Use `apk add --no-cache …`.",
      hadolint: ["DL3019"],
      trivy: ["DS025"],
    },
    (a) => (isSub(a, /^apk$/, ["add"]) && !has(a, undefined, "--no-cache") ? "apk add" : undefined),
  ),
  commandRule(
    {
      id: "BW-DF-028",
      title: "pip install without --no-cache-dir",
      severity: "LOW",
      why: "pip's download cache is kept in the layer, adding the size of every wheel twice.",
      remediation: "Use `pip install --no-cache-dir …` or set PIP_NO_CACHE_DIR=1.",
      hadolint: ["DL3042"],
    },
    (a) =>
      (/^pip[0-9.]*$/.test(a[0] ?? "") || (/^python[0-9.]*$/.test(a[0] ?? "") && a.includes("pip"))) &&
      a.includes("install") &&
      !has(a, undefined, "--no-cache-dir")
        ? "pip install"
        : undefined,
  ),
  commandRule(
    {
      id: "BW-DF-029",
      title: "yum or dnf install without -y",
      severity: "MEDIUM",
      why: "Without -y the install waits for confirmation and the non-interactive build fails.",
      remediation: "Use `yum install -y …` / `dnf install -y …`.",
      hadolint: ["DL3030", "DL3038"],
    },
    (a) => (installsWith(/^(yum|dnf)$/, a) && !has(a, "y", "--assumeyes") ? `${a[0]} install` : undefined),
  ),
  commandRule(
    {
      id: "BW-DF-030",
      title: "yum or dnf cache left in the image",
      severity: "LOW",
      why: "Without `clean all` the package cache stays in the layer, enlarging the image.",
      remediation: "End the RUN with `&& yum clean all` (or `dnf clean all`).",
      hadolint: ["DL3032", "DL3040"],
      trivy: ["DS015", "DS019"],
    },
    (a, all) =>
      installsWith(/^(yum|dnf|microdnf)$/, a) &&
      !laterHas(
        all,
        a,
        (b) => isSub(b, /^(yum|dnf|microdnf)$/, ["clean"]) || removes(/^\/var\/cache\/(yum|dnf)/)(b),
      )
        ? `no ${a[0]} clean all after install`
        : undefined,
  ),
  commandRule(
    {
      id: "BW-DF-031",
      title: "zypper install without -n",
      severity: "MEDIUM",
      why: "Without --non-interactive zypper waits for confirmation and the build fails.",
      remediation: "Use `zypper --non-interactive install …` (or `zypper -n in`).",
      hadolint: ["DL3034"],
    },
    (a) =>
      isSub(a, /^zypper$/, ["install", "in"]) && !has(a, "n", "--non-interactive", "--no-confirm", "-y")
        ? "zypper install"
        : undefined,
  ),
  commandRule(
    {
      id: "BW-DF-032",
      title: "zypper cache left in the image",
      severity: "LOW",
      why: "Without `zypper clean` the package cache stays in the layer.",
      remediation: "End the RUN with `&& zypper clean --all`.",
      hadolint: ["DL3036"],
      trivy: ["DS020"],
    },
    (a, all) =>
      isSub(a, /^zypper$/, ["install", "in"]) &&
      !laterHas(all, a, (b) => isSub(b, /^zypper$/, ["clean", "cc"]))
        ? "no zypper clean after install"
        : undefined,
  ),
];
