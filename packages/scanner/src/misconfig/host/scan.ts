import { errorMessage, type ScanOptions, type ScanResult } from "@bulwark/model";
import { Collector } from "../collector.js";
import { disabledChecks } from "../engine.js";
import { runRules, type Hit } from "../rules.js";
import type { Rule } from "../types.js";
import { DAEMON_JSON, readDockerHost } from "./docker.js";
import { HostRoot } from "./fsroot.js";
import { scanStaticPods, STATIC_POD_DIR } from "../controlplane/host.js";
import { KUBELET_CONFIG, readKubelet, readNodeFiles } from "./kubelet.js";
import type { Directive } from "../suppress.js";
import { readSshdConfig, type HostAt } from "./sshd.js";
import { ruleSets } from "../registry.js";

export interface HostComponent {
  name: "sshd" | "docker" | "kubelet" | "kubernetes-files" | "control-plane";
  status: "checked" | "not-applicable" | "error";
  detail?: string;
}

/**
 * `scan host [ROOT]`: node configuration under ROOT. Only reads (stat, readFile, readdir,
 * readlink); a component that is not installed is reported as not applicable.
 */
export async function scanHostRoot(root: string, options: ScanOptions): Promise<ScanResult> {
  const c = new Collector();
  const disabled = disabledChecks(options);
  const host = new HostRoot(root);
  const components: HostComponent[] = [];
  // Inline `# bulwark:ignore=ID reason` comments in the files read (sshd_config and its
  // includes, the kubelet config) apply to their own line and the line below.
  const directives = new Map<string, Directive[]>();
  const emit = (hits: Hit<HostAt>[]): void => {
    for (const h of hits) {
      const line = h.at.line;
      c.add({
        meta: h.rule,
        file: h.at.file,
        line,
        message: h.message,
        scope: { line, headerStart: 0, start: 0, end: 0 },
        inline: directives.get(h.at.file) ?? [],
      });
    }
  };

  async function component<T>(
    name: HostComponent["name"],
    file: string,
    absent: string,
    read: () => Promise<T | undefined>,
    rules: ReadonlyArray<Rule<T, HostAt>>,
  ): Promise<void> {
    try {
      const target = await read();
      for (const [file, list] of directivesOf(target)) directives.set(file, list);
      if (target === undefined) {
        components.push({ name, status: "not-applicable", detail: absent });
        return;
      }
      emit(runRules(rules, target, c.evaluated, disabled));
      components.push({ name, status: "checked" });
    } catch (e) {
      c.issues.push({ path: file, code: "PARSE", message: errorMessage(e) });
      components.push({ name, status: "error", detail: errorMessage(e) });
    }
  }

  await component(
    "sshd",
    "/etc/ssh/sshd_config",
    "/etc/ssh/sshd_config not found",
    () => readSshdConfig(host),
    ruleSets.sshd,
  );
  await component(
    "docker",
    DAEMON_JSON,
    "no dockerd, daemon.json or docker.sock found",
    () => readDockerHost(host),
    ruleSets.docker,
  );
  await component(
    "kubelet",
    KUBELET_CONFIG,
    `${KUBELET_CONFIG} not found`,
    () => readKubelet(host),
    ruleSets.kubelet,
  );
  await component(
    "kubernetes-files",
    "/etc/kubernetes",
    "no /etc/kubernetes/*.conf or PKI files found",
    () => readNodeFiles(host),
    ruleSets.nodeFiles,
  );
  const staticPods = await scanStaticPods(host, c, disabled);
  components.push(
    staticPods === undefined
      ? {
          name: "control-plane",
          status: "not-applicable",
          detail: `no static Pod manifests in ${STATIC_POD_DIR}`,
        }
      : { name: "control-plane", status: "checked" },
  );
  c.summary.hostComponents = components;
  for (const comp of components)
    if (comp.status === "not-applicable") c.warnings.push(`${comp.name}: not applicable (${comp.detail})`);
  return c.result(options);
}

/** The inline directives a component's reader collected, by host file. */
function directivesOf(target: unknown): Array<[string, Directive[]]> {
  const t = target as { directives?: unknown } | undefined;
  if (t?.directives instanceof Map) return [...(t.directives as Map<string, Directive[]>)];
  if (Array.isArray(t?.directives)) return [[KUBELET_CONFIG, t.directives as Directive[]]];
  return [];
}
