import { errorMessage } from "@bulwark/model";
import type { Collector } from "../collector.js";
import type { HostRoot } from "../host/fsroot.js";
import { objectsOfDoc } from "../kubernetes/objects.js";
import { runRules } from "../rules.js";
import { inlineDirectives } from "../suppress.js";
import { parseYamlDocuments } from "../yaml-source.js";
import { apiserverRules } from "./apiserver.js";
import { componentRules } from "./components.js";

/** Where kubeadm (and most installers) put the control plane's static Pods. */
export const STATIC_POD_DIR = "/etc/kubernetes/manifests";

/**
 * `scan host`: the control plane flags (CIS 1.2–1.4, 2) in the node's static Pod manifests.
 * The kubelet's own config is the host kubelet component's (BW-HOST-02x). Returns how
 * many manifests were read, or undefined when the directory has none.
 */
export async function scanStaticPods(
  host: HostRoot,
  c: Collector,
  disabled: ReadonlySet<string>,
): Promise<number | undefined> {
  const files = await host.glob(`${STATIC_POD_DIR}/*.y*ml`);
  if (!files.length) return undefined;
  const rules = [...apiserverRules, ...componentRules];
  for (const file of files) {
    try {
      const text = await host.read(file);
      if (text === undefined) continue;
      const inline = inlineDirectives(text);
      for (const doc of parseYamlDocuments(text))
        for (const obj of objectsOfDoc(file, doc))
          for (const h of runRules(rules, obj, c.evaluated, disabled)) {
            const line = doc.lineAt(h.at);
            c.add({
              meta: h.rule,
              file,
              line,
              resource: {
                kind: obj.kind,
                ...(obj.namespace ? { namespace: obj.namespace } : {}),
                name: obj.name,
              },
              message: h.message,
              scope: { line, headerStart: doc.headerStartLine, start: doc.startLine, end: doc.endLine },
              inline,
            });
          }
    } catch (e) {
      c.issues.push({ path: file, code: "PARSE", message: errorMessage(e) });
    }
  }
  return files.length;
}
