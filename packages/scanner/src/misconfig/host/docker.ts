import { NIST } from "../frameworks.js";
import { asArr, asObj, type Obj } from "../kubernetes/objects.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import { parseYamlDocuments, type YamlDoc } from "../yaml-source.js";
import type { HostRoot } from "./fsroot.js";
import type { HostAt } from "./sshd.js";

export const DAEMON_JSON = "/etc/docker/daemon.json";
const SOCKETS = ["/var/run/docker.sock", "/run/docker.sock"];
const DOCKERD = ["/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd"];

export interface DockerHost {
  /** Parsed daemon.json ({} when absent: dockerd defaults apply). */
  config: Obj;
  doc?: YamlDoc;
  daemonJsonMode?: number;
  socket?: { path: string; mode: number; uid: number; gid: number };
}

/** Docker is present when dockerd, daemon.json or the socket exists; undefined otherwise. */
export async function readDockerHost(host: HostRoot): Promise<DockerHost | undefined> {
  const info = await host.stat(DAEMON_JSON);
  let socket: DockerHost["socket"];
  for (const p of SOCKETS) {
    const s = await host.stat(p);
    if (s) {
      socket = { path: p, mode: s.mode, uid: s.uid, gid: s.gid };
      break;
    }
  }
  let hasDaemon = false;
  for (const p of DOCKERD) if (await host.stat(p)) hasDaemon = true;
  if (!info && !socket && !hasDaemon) return undefined;
  if (!info) return { config: {}, ...(socket ? { socket } : {}) };
  const text = (await host.read(DAEMON_JSON)) ?? "";
  // daemon.json is JSON; the YAML parser reads it with line positions. Throws on bad syntax.
  const doc = text.trim() ? parseYamlDocuments(text)[0] : undefined;
  return {
    config: asObj(doc?.value) ?? {},
    ...(doc ? { doc } : {}),
    daemonJsonMode: info.mode,
    ...(socket ? { socket } : {}),
  };
}

type DockerRule = Rule<DockerHost, HostAt>;
const hostMeta = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "host" });
const at = (d: DockerHost, key?: string): HostAt => ({
  file: DAEMON_JSON,
  line: d.doc && key ? d.doc.lineAt([key]) : 1,
});

function daemonSetting(meta: CheckMeta, key: string, ok: (v: unknown) => boolean): DockerRule {
  return {
    meta,
    check: (d, report) => {
      if (!ok(d.config[key]))
        report(
          at(d, key),
          d.config[key] === undefined
            ? `${key} not set (dockerd default applies)`
            : `${key}: ${JSON.stringify(d.config[key])}`,
        );
    },
  };
}

export const dockerRules: DockerRule[] = [
  daemonSetting(
    hostMeta({
      id: "BW-HOST-010",
      title: "Docker user namespace remapping is off",
      severity: "MEDIUM",
      why: "Without userns-remap, root in a container is root on the host: a breakout lands with full host privileges.",
      remediation:
        'Set "userns-remap": "default" in /etc/docker/daemon.json (check volume ownership first) and restart dockerd.',
      mappings: mapIds({ cisDocker: ["2.9"], nist: [NIST.hostSharedKernel] }),
    }),
    "userns-remap",
    (v) => typeof v === "string" && v.trim() !== "",
  ),
  daemonSetting(
    hostMeta({
      id: "BW-HOST-011",
      title: "Docker allows traffic between containers on the default bridge",
      severity: "MEDIUM",
      why: "With icc enabled every container on docker0 can reach every other one, so one compromised container can attack the rest.",
      remediation:
        'Set "icc": false in daemon.json and link containers explicitly through user-defined networks.',
      mappings: mapIds({ cisDocker: ["2.2"], nist: [NIST.ctrNetwork] }),
    }),
    "icc",
    (v) => v === false,
  ),
  daemonSetting(
    hostMeta({
      id: "BW-HOST-012",
      title: "Docker live restore is off",
      severity: "LOW",
      why: "Without live-restore every daemon restart (including for security patches) stops all containers, which discourages patching the daemon.",
      remediation: 'Set "live-restore": true in daemon.json.',
      mappings: mapIds({ cisDocker: ["2.15"], nist: [NIST.hostAttackSurface] }),
    }),
    "live-restore",
    (v) => v === true,
  ),
  daemonSetting(
    hostMeta({
      id: "BW-HOST-013",
      title: "Docker does not set no-new-privileges by default",
      severity: "MEDIUM",
      why: "Without it, setuid binaries in any image let a compromised process gain root inside its container.",
      remediation: 'Set "no-new-privileges": true in daemon.json.',
      mappings: mapIds({ cisDocker: ["2.14"], nist: [NIST.ctrRuntimeConfig] }),
    }),
    "no-new-privileges",
    (v) => v === true,
  ),
  {
    meta: hostMeta({
      id: "BW-HOST-014",
      title: "Docker API listens on TCP without TLS client verification",
      severity: "CRITICAL",
      why: "The Docker API is root on the host; on an unauthenticated TCP socket anyone who can reach the port owns the machine.",
      remediation:
        'Set "tlsverify": true with tlscacert, tlscert and tlskey, or remove the tcp:// host and use the Unix socket or SSH.',
      mappings: mapIds({ cisDocker: ["2.7"], nist: [NIST.hostAttackSurface] }),
    }),
    appliesTo: (d) => asArr(d.config.hosts).some((h) => String(h).startsWith("tcp://")),
    check: (d, report) => {
      const c = d.config;
      const tls =
        c.tlsverify === true && [c.tlscacert, c.tlscert, c.tlskey].every((x) => typeof x === "string" && x);
      if (!tls)
        report(
          at(d, "hosts"),
          asArr(c.hosts)
            .filter((h) => String(h).startsWith("tcp://"))
            .join(", "),
        );
    },
  },
  {
    meta: hostMeta({
      id: "BW-HOST-015",
      title: "Docker socket is accessible beyond root and the docker group",
      severity: "HIGH",
      why: "Write access to docker.sock is root on the host; a socket open to other users hands that to every local account.",
      remediation:
        "chown root:docker /var/run/docker.sock && chmod 660 /var/run/docker.sock (set SocketMode=0660 in docker.socket).",
      mappings: mapIds({ cisDocker: ["3.16"], nist: [NIST.hostUserAccess] }),
    }),
    appliesTo: (d) => d.socket !== undefined,
    check: (d, report) => {
      const s = d.socket!;
      if (s.mode & 0o117 || s.uid !== 0)
        report({ file: s.path, line: 1 }, `mode ${(s.mode & 0o777).toString(8)}, owner uid ${s.uid}`);
    },
  },
  {
    meta: hostMeta({
      id: "BW-HOST-016",
      title: "daemon.json is writable by non-root users",
      severity: "MEDIUM",
      why: "Whoever can edit daemon.json can reconfigure the root-running daemon (insecure hosts, registries, runtimes) at its next restart.",
      remediation: "chown root:root /etc/docker/daemon.json && chmod 644 /etc/docker/daemon.json.",
      mappings: mapIds({ cisDocker: ["3.18"], nist: [NIST.hostFsTampering] }),
    }),
    appliesTo: (d) => d.daemonJsonMode !== undefined,
    check: (d, report) => {
      if (d.daemonJsonMode! & 0o133)
        report({ file: DAEMON_JSON, line: 1 }, `mode ${(d.daemonJsonMode! & 0o777).toString(8)}`);
    },
  },
];
