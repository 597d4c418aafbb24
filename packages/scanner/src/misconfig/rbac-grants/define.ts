import { NIST, NSA } from "../frameworks.js";
import { asArr, asObj, asStr, type K8sObject } from "../kubernetes/objects.js";
import { grants, policyRules } from "../rbac/rules.js";
import { peerCheckMeta, type PeerMeta } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";

export type RbacRule = Rule<K8sObject, Path>;

export type RbacMeta = Omit<PeerMeta, "nist">;

export function meta(m: RbacMeta): CheckMeta {
  return peerCheckMeta(m, "rbac", { nsa: NSA.rbac, nist: NIST.orchAdmin });
}

export const isRole = (o: K8sObject): boolean => o.kind === "Role" || o.kind === "ClusterRole";
export const isBinding = (o: K8sObject): boolean =>
  o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding";

export interface Want {
  group: string;
  resources: string[];
  verbs: string[];
}

export const isFullAdmin = (r: { verbs: string[]; resources: string[]; apiGroups: string[] }): boolean =>
  r.verbs.includes("*") && r.resources.includes("*") && r.apiGroups.includes("*");

export { policyRules };

/** A check that a Role or ClusterRole grants any of `wants`; rules limited by resourceNames pass when `named` is true. */
export function grantCheck(m: RbacMeta, wants: Want[], opts: { namedOk?: boolean } = {}): RbacRule {
  return {
    meta: meta(m),
    appliesTo: isRole,
    check: (o, report) => {
      for (const r of policyRules(o)) {
        if (opts.namedOk && r.resourceNames.length) continue;
        // "*" on "*" in "*" is reported once, as full admin (BW-RBAC-015), not as every grant it implies.
        if (isFullAdmin(r)) continue;
        for (const w of wants) {
          const resource = w.resources.find((res) => grants(r, w.group, res, w.verbs));
          if (resource) {
            const verbs = r.verbs.includes("*") ? "*" : w.verbs.filter((v) => r.verbs.includes(v)).join("/");
            report([...o.path, "rules", r.index], `${verbs} on ${resource}`);
            break;
          }
        }
      }
    },
  };
}

/** A check on the subjects of a RoleBinding or ClusterRoleBinding. */
export function subjectCheck(
  m: RbacMeta,
  bad: (kind: string, name: string, ns: string | undefined) => boolean,
): RbacRule {
  return {
    meta: meta(m),
    appliesTo: isBinding,
    check: (o, report) => {
      for (const [i, raw] of asArr(o.value.subjects).entries()) {
        const s = asObj(raw) ?? {};
        const kind = asStr(s.kind) ?? "";
        const name = asStr(s.name) ?? "";
        if (bad(kind, name, asStr(s.namespace) ?? o.namespace))
          report([...o.path, "subjects", i], `${kind} ${name}`);
      }
    },
  };
}
