import { posix } from "node:path";
import { NIST } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import { inlineDirectives, type Directive } from "../suppress.js";
import type { HostRoot } from "./fsroot.js";

export interface HostAt {
  file: string;
  line: number;
}

export interface SshdSetting {
  value: string;
  file: string;
  line: number;
}

/** The global (outside Match) sshd settings; for each keyword the first value wins, as in sshd. */
export interface SshdConfig {
  mainFile: string;
  files: string[];
  settings: Map<string, SshdSetting>;
  /** `# bulwark:ignore=ID reason` comments per file. */
  directives: Map<string, Directive[]>;
  /** Keywords that accumulate (AllowUsers, AllowGroups) where they were seen. */
  access: SshdSetting[];
}

const MAIN = "/etc/ssh/sshd_config";

export async function readSshdConfig(host: HostRoot): Promise<SshdConfig | undefined> {
  const text = await host.read(MAIN);
  if (text === undefined) return undefined;
  const cfg: SshdConfig = {
    mainFile: MAIN,
    files: [],
    settings: new Map(),
    access: [],
    directives: new Map(),
  };
  await parseInto(host, cfg, MAIN, text, 0);
  return cfg;
}

async function parseInto(
  host: HostRoot,
  cfg: SshdConfig,
  file: string,
  text: string,
  depth: number,
): Promise<void> {
  cfg.files.push(file);
  cfg.directives.set(file, inlineDirectives(text));
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    // Everything after Match is conditional; the global view ignores it (as sshd -T without -C).
    if (key === "match") return;
    if (key === "include") {
      if (depth >= 8) continue;
      for (const pattern of value.split(/\s+/)) {
        const abs = pattern.startsWith("/") ? pattern : posix.join("/etc/ssh", pattern);
        for (const inc of await host.glob(abs)) {
          const body = await host.read(inc).catch(() => undefined);
          if (body !== undefined) await parseInto(host, cfg, inc, body, depth + 1);
        }
      }
      continue;
    }
    const setting = { value, file, line: i + 1 };
    if (key === "allowusers" || key === "allowgroups") cfg.access.push(setting);
    else if (!cfg.settings.has(key)) cfg.settings.set(key, setting);
  }
}

/** OpenSSH defaults (sshd_config(5)) for the keywords checked. */
const DEFAULTS: Record<string, string> = {
  permitrootlogin: "prohibit-password",
  passwordauthentication: "yes",
  permitemptypasswords: "no",
};

function effective(cfg: SshdConfig, key: string): SshdSetting & { isDefault: boolean } {
  const s = cfg.settings.get(key);
  return s
    ? { ...s, isDefault: false }
    : { value: DEFAULTS[key] ?? "", file: cfg.mainFile, line: 1, isDefault: true };
}

type SshdRule = Rule<SshdConfig, HostAt>;
const host = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "host" });

function settingRule(meta: CheckMeta, key: string, bad: (v: string) => boolean): SshdRule {
  return {
    meta,
    check: (cfg, report) => {
      const s = effective(cfg, key);
      if (bad(s.value.toLowerCase()))
        report(
          { file: s.file, line: s.line },
          `${key} ${s.value}${s.isDefault ? " (OpenSSH default; not set)" : ""}`,
        );
    },
  };
}

export const sshdRules: SshdRule[] = [
  settingRule(
    host({
      id: "BW-HOST-001",
      title: "SSH allows root login with a password",
      severity: "HIGH",
      why: "PermitRootLogin yes lets anyone who guesses or phishes the root password log straight in as root on the node.",
      remediation: "Set `PermitRootLogin no` (or prohibit-password) in /etc/ssh/sshd_config and reload sshd.",
      mappings: mapIds({ nist: [NIST.hostUserAccess] }),
    }),
    "permitrootlogin",
    (v) => v === "yes",
  ),
  settingRule(
    host({
      id: "BW-HOST-002",
      title: "SSH accepts password authentication",
      severity: "MEDIUM",
      why: "Password logins can be brute-forced or reused from other breaches; keys cannot. OpenSSH accepts passwords unless PasswordAuthentication is no.",
      remediation:
        "Set `PasswordAuthentication no` (and `KbdInteractiveAuthentication no`) and use SSH keys or certificates.",
      mappings: mapIds({ nist: [NIST.hostUserAccess] }),
    }),
    "passwordauthentication",
    (v) => v !== "no",
  ),
  settingRule(
    host({
      id: "BW-HOST-003",
      title: "SSH permits empty passwords",
      severity: "CRITICAL",
      why: "Accounts without a password can log in over the network with no credential at all.",
      remediation: "Set `PermitEmptyPasswords no`.",
      mappings: mapIds({ nist: [NIST.hostUserAccess] }),
    }),
    "permitemptypasswords",
    (v) => v === "yes",
  ),
  {
    meta: host({
      id: "BW-HOST-004",
      title: "SSH access is not limited to named users or groups",
      severity: "LOW",
      why: "Without AllowUsers or AllowGroups any local account (including service accounts with weak credentials) can log in to the node.",
      remediation:
        "Add `AllowGroups <admins>` (or AllowUsers) to sshd_config listing only the node administrators.",
      mappings: mapIds({
        nsa: ["Network separation: worker node segmentation"],
        nist: [NIST.hostUserAccess],
      }),
    }),
    check: (cfg, report) => {
      if (!cfg.access.length) report({ file: cfg.mainFile, line: 1 }, "no AllowUsers or AllowGroups");
    },
  },
];
