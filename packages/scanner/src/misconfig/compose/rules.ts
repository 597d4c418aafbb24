import { NIST } from "../frameworks.js";
import { parseImageRef } from "../kubernetes/image-ref.js";
import { asArr, asObj, asStr, type Obj } from "../kubernetes/objects.js";
import { isSecretName, looksLikePlaceholder, mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path, YamlDoc } from "../yaml-source.js";

/** One service of a Compose file. */
export interface ComposeService {
  name: string;
  value: Obj;
  path: Path;
}

type ComposeRule = Rule<ComposeService, Path>;
const compose = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "compose" });

/**
 * A Compose file: top-level `services`, all maps, at least one with an image or a build
 * (others may only `extends` one).
 */
export function composeServices(doc: YamlDoc): ComposeService[] | undefined {
  const root = asObj(doc.value);
  if (!root || root.apiVersion !== undefined) return undefined;
  const services = asObj(root.services);
  if (!services) return undefined;
  const list = Object.entries(services).flatMap(([name, v]) => {
    const value = asObj(v);
    return value ? [{ name, value, path: ["services", name] }] : [];
  });
  const all = Object.keys(services).length === list.length;
  return all && list.some((s) => s.value.image !== undefined || s.value.build !== undefined)
    ? list
    : undefined;
}

const securityOpts = (s: ComposeService): string[] => asArr(s.value.security_opt).map(String);
const DANGEROUS_CAPS =
  /^(CAP_)?(ALL|SYS_ADMIN|SYS_PTRACE|SYS_MODULE|NET_ADMIN|DAC_READ_SEARCH|SYS_RAWIO|BPF|PERFMON|SYS_BOOT|SYS_TIME)$/i;

/** Compose `environment` as list or map, with the path of each entry. */
function envEntries(s: ComposeService): Array<{ key: string; value: string; path: Path }> {
  const env = s.value.environment;
  if (Array.isArray(env))
    return env.flatMap((e, i) => {
      const str = String(e);
      const eq = str.indexOf("=");
      return eq < 0
        ? []
        : [{ key: str.slice(0, eq), value: str.slice(eq + 1), path: [...s.path, "environment", i] }];
    });
  return Object.entries(asObj(env) ?? {}).map(([key, v]) => ({
    key,
    value: v === null || v === undefined ? "" : String(v),
    path: [...s.path, "environment", key],
  }));
}

export const composeRules: ComposeRule[] = [
  {
    meta: compose({
      id: "BW-COMPOSE-001",
      title: "Service runs privileged",
      severity: "HIGH",
      why: "privileged: true gives the container every capability and every host device; escaping to the host is trivial.",
      remediation: "Remove privileged: true and add only the specific capability needed with cap_add.",
      mappings: mapIds({ cisDocker: ["5.4"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      if (s.value.privileged === true) report([...s.path, "privileged"]);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-002",
      title: "Service shares a host namespace (network, PID or IPC)",
      severity: "HIGH",
      why: "Host namespaces let the container see host traffic and localhost services, signal or trace host processes, or read host shared memory.",
      remediation: "Remove network_mode: host, pid: host and ipc: host; publish ports instead.",
      mappings: mapIds({ cisDocker: ["5.9", "5.15", "5.16"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      for (const key of ["network_mode", "pid", "ipc"])
        if (s.value[key] === "host") report([...s.path, key], `${key}: host`);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-003",
      title: "Service mounts the Docker socket",
      severity: "CRITICAL",
      why: "Access to docker.sock is root on the host: the container can start a privileged container with / mounted.",
      remediation:
        "Remove the docker.sock volume; use a socket proxy limited to read-only endpoints if the tool truly needs the API.",
      mappings: mapIds({ cisDocker: ["5.31"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      for (const [i, v] of asArr(s.value.volumes).entries()) {
        const source = typeof v === "string" ? v.split(":")[0] : asStr(asObj(v)?.source);
        if (source && /(docker|containerd|podman)\.sock$/.test(source))
          report([...s.path, "volumes", i], source);
      }
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-004",
      title: "Service adds a dangerous capability",
      severity: "HIGH",
      why: "Capabilities like SYS_ADMIN, SYS_PTRACE, SYS_MODULE or NET_ADMIN each give a documented path out of the container.",
      remediation: "Remove the capability from cap_add; add cap_drop: [ALL] and only what is needed.",
      mappings: mapIds({ cisDocker: ["5.3"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      const bad = asArr(s.value.cap_add)
        .map(String)
        .filter((c) => DANGEROUS_CAPS.test(c));
      if (bad.length) report([...s.path, "cap_add"], `adds ${bad.join(", ")}`);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-005",
      title: "Service disables seccomp, AppArmor or SELinux confinement",
      severity: "HIGH",
      why: "Unconfined profiles expose every system call and the mount and /proc writes that the default profiles block, enabling kernel exploits and escapes.",
      remediation: "Remove seccomp:unconfined, apparmor:unconfined and label:disable from security_opt.",
      mappings: mapIds({ cisDocker: ["5.1", "5.21"], nist: [NIST.hostSharedKernel] }),
    }),
    check: (s, report) => {
      const bad = securityOpts(s).filter((o) =>
        /^(seccomp|apparmor)[:=]unconfined$|^label[:=]disable$/i.test(o),
      );
      if (bad.length) report([...s.path, "security_opt"], bad.join(", "));
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-006",
      title: "Service publishes SSH port 22",
      severity: "HIGH",
      why: "SSH into a container is a password-guessable entry point outside the runtime's access control.",
      remediation: "Remove the port 22 mapping and the SSH server; use `docker exec`.",
      mappings: mapIds({ cisDocker: ["5.6", "5.7"], nist: [NIST.ctrNetwork] }),
    }),
    check: (s, report) => {
      for (const [i, p] of asArr(s.value.ports).entries()) {
        const target =
          typeof p === "object" && p
            ? String(asObj(p)?.target ?? "")
            : String(p).split("/")[0]!.split(":").pop()!;
        if (target === "22") report([...s.path, "ports", i]);
      }
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-007",
      title: "Secret-looking value written literally in environment",
      severity: "HIGH",
      why: "Literal credentials in a Compose file end up in version control and in `docker inspect` output.",
      remediation:
        "Use Compose secrets (secrets: + /run/secrets) or an env_file kept out of version control.",
      mappings: mapIds({ cisDocker: ["4.10"], nist: [NIST.imageSecrets] }),
    }),
    check: (s, report) => {
      for (const e of envEntries(s))
        if (isSecretName(e.key) && !looksLikePlaceholder(e.value)) report(e.path, `environment ${e.key}`);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-008",
      title: "Service image uses the latest tag or no tag",
      severity: "MEDIUM",
      why: "A moving tag changes what runs without a change to the file: poisoned or broken pushes reach the host on the next pull.",
      remediation: "Pin the image to a version tag and digest.",
      mappings: mapIds({ cisDocker: ["4.2"], nist: [NIST.untrustedImages] }),
    }),
    appliesTo: (s) => typeof s.value.image === "string",
    check: (s, report) => {
      const image = String(s.value.image);
      const ref = parseImageRef(image);
      if (!image.includes("$") && !ref.digest && (!ref.tag || ref.tag === "latest"))
        report([...s.path, "image"], `image ${image}`);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-009",
      title: "Service has no memory limit",
      severity: "LOW",
      why: "Without a memory limit one container can exhaust host memory and take down every other service (denial of service).",
      remediation: "Set mem_limit or deploy.resources.limits.memory.",
      mappings: mapIds({ cisDocker: ["5.10"], nist: [NIST.orchMixing] }),
    }),
    check: (s, report) => {
      const deployLimit = asObj(asObj(asObj(s.value.deploy)?.resources)?.limits)?.memory;
      if (s.value.mem_limit === undefined && deployLimit === undefined) report(s.path);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-010",
      title: "Service does not set no-new-privileges",
      severity: "MEDIUM",
      why: "Without no-new-privileges, setuid binaries in the image let a compromised process become root in the container.",
      remediation: 'Add security_opt: ["no-new-privileges:true"] (or set it daemon-wide in daemon.json).',
      mappings: mapIds({ cisDocker: ["5.25"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      if (!securityOpts(s).some((o) => /^no-new-privileges(:true|=true)?$/i.test(o))) report(s.path);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-011",
      title: "Service root filesystem is writable",
      severity: "LOW",
      why: "A writable root filesystem lets an attacker persist tools and modified binaries in the running container.",
      remediation: "Set read_only: true and mount tmpfs for the paths the service writes.",
      mappings: mapIds({ cisDocker: ["5.12"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      if (s.value.read_only !== true) report(s.path);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-012",
      title: "Service maps host devices",
      severity: "MEDIUM",
      why: "A host device in the container (disks, /dev/mem, GPUs) can be read or written directly, bypassing filesystem permissions.",
      remediation:
        "Remove devices: entries unless the service is a dedicated device driver, and then map them read-only (:r).",
      mappings: mapIds({ cisDocker: ["5.17"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      if (asArr(s.value.devices).length) report([...s.path, "devices"]);
    },
  },
  {
    meta: compose({
      id: "BW-COMPOSE-013",
      title: "Service runs as root explicitly",
      severity: "MEDIUM",
      why: "user: root (or 0) overrides a non-root image user and runs the process as UID 0 on the host kernel.",
      remediation: "Set user to a non-root UID:GID, or remove it and use a non-root image USER.",
      mappings: mapIds({ cisDocker: ["4.1"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    check: (s, report) => {
      const user = s.value.user;
      if (user !== undefined && /^(root|0)(:.*)?$/.test(String(user))) report([...s.path, "user"]);
    },
  },
];
