import { errorMessage } from "../../errors.js";
import type { ScanOptions } from "../../scan/options.js";
import type { ScanResult } from "../../scan/types.js";
import { Collector } from "../collector.js";
import { disabledChecks } from "../engine.js";
import { runRules, type Hit } from "../rules.js";
import type { Rule } from "../types.js";
import { DAEMON_JSON, dockerRules, readDockerHost } from "./docker.js";
import { HostRoot } from "./fsroot.js";
import { KUBELET_CONFIG, kubeletRules, nodeFileRules, readKubelet, readNodeFiles } from "./kubelet.js";
import { readSshdConfig, sshdRules, type HostAt } from "./sshd.js";

export interface HostComponent {
  name: "sshd" | "docker" | "kubelet" | "kubernetes-files";
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
  const emit = (hits: Hit<HostAt>[]): void => {
    for (const h of hits) c.addPlain(h.rule, h.at.file, h.at.line, h.message);
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
    sshdRules,
  );
  await component(
    "docker",
    DAEMON_JSON,
    "no dockerd, daemon.json or docker.sock found",
    () => readDockerHost(host),
    dockerRules,
  );
  await component(
    "kubelet",
    KUBELET_CONFIG,
    `${KUBELET_CONFIG} not found`,
    () => readKubelet(host),
    kubeletRules,
  );
  await component(
    "kubernetes-files",
    "/etc/kubernetes",
    "no /etc/kubernetes/*.conf or PKI files found",
    () => readNodeFiles(host),
    nodeFileRules,
  );
  c.summary.hostComponents = components;
  for (const comp of components)
    if (comp.status === "not-applicable") c.warnings.push(`${comp.name}: not applicable (${comp.detail})`);
  return c.result(options);
}
