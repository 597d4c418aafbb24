import { TLS_OFF_ENV } from "./shell.js";
import { flagsOf, hasFlag, programsOf, shellCommands } from "./shell-words.js";

/**
 * What a RUN script does, judged command by command on shell words: a flag counts only
 * for the program it is passed to, a variable only when assigned or exported.
 */

/** Why TLS verification is off in the script, or undefined. */
export function tlsOffIn(script: string): string | undefined {
  for (const { env } of shellCommands(script))
    for (const [k, v] of env) {
      if (TLS_OFF_ENV(k, v)) return `${k}=${v}`;
      if (/^sslverify$/i.test(k) && /^(0|false)$/i.test(v)) return `${k}=${v}`;
    }
  for (const { argv } of programsOf(script)) {
    const [prog, ...rest] = argv;
    if (prog === "curl" && hasFlag(argv, "k", "--insecure")) return "curl --insecure";
    if (prog === "wget" && hasFlag(argv, undefined, "--no-check-certificate"))
      return "wget --no-check-certificate";
    if (/^pip[0-9.]*$/.test(prog!) || (/^python[0-9.]*$/.test(prog!) && rest.includes("pip")))
      if (hasFlag(argv, undefined, "--trusted-host")) return "pip --trusted-host";
    if (/^(npm|yarn|pnpm)$/.test(prog!)) {
      const i = rest.indexOf("strict-ssl");
      if (rest[0] === "config" && i > 0 && rest[i + 1] === "false") return `${prog} strict-ssl false`;
      if (flagsOf(argv).includes("--strict-ssl=false")) return `${prog} --strict-ssl=false`;
    }
    if (
      prog === "git" &&
      rest.some(
        (w, i) =>
          /^http\.sslverify(=(false|0))?$/i.test(w) &&
          (/=/.test(w) || /^(false|0)$/i.test(rest[i + 1] ?? "")),
      )
    )
      return "git http.sslVerify false";
    // Repository files written by echo/printf/sed: the content is configuration.
    if (rest.some((w) => /\bsslverify\s*=\s*(0|false)\b/i.test(w))) return "sslverify=0";
  }
  return undefined;
}

const SIGNATURE_FLAGS: Array<[RegExp, string[]]> = [
  [/^(apt-get|apt|aptitude)$/, ["--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"]],
  [/^apk$/, ["--allow-untrusted"]],
  [/^(yum|dnf|microdnf|tdnf)$/, ["--nogpgcheck"]],
  [/^rpm$/, ["--nosignature", "--nodigest", "--nogpgcheck"]],
  [/^zypper$/, ["--no-gpg-checks"]],
];
/** Repository configuration that turns verification off, wherever it is written. */
const SIGNATURE_CONFIG =
  /\[trusted=yes\]|\bgpgcheck\s*=\s*0|AllowUnauthenticated\s*[= ]\s*"?(true|1)|AllowInsecureRepositories\s*[= ]\s*"?(true|1)/i;

/** Why package signature checks are off in the script, or undefined. */
export function signatureOffIn(script: string): string | undefined {
  // A heredoc body line such as `gpgcheck=0` reads as an assignment.
  for (const { env } of shellCommands(script))
    for (const [k, v] of env) if (SIGNATURE_CONFIG.test(`${k}=${v}`)) return `${k}=${v}`;
  for (const { argv } of programsOf(script)) {
    const [prog, ...rest] = argv;
    for (const [re, flags] of SIGNATURE_FLAGS)
      if (re.test(prog!)) {
        const f = flags.find((x) => hasFlag(argv, undefined, x));
        if (f) return `${prog} ${f}`;
        if (flagsOf(argv).some((x) => /^--setopt=.*gpgcheck=(0|false)/.test(x))) return `${prog} gpgcheck=0`;
      }
    const o = rest.findIndex(
      (w, i) => (w === "-o" || w === "--option") && SIGNATURE_CONFIG.test(rest[i + 1] ?? ""),
    );
    if (o >= 0) return `${prog} -o ${rest[o + 1]}`;
    if (/^(echo|printf|tee|sed|cat)$/.test(prog!) && rest.some((w) => SIGNATURE_CONFIG.test(w)))
      return "repository configured without verification";
  }
  return undefined;
}

/** True when a command of the script runs through sudo (not when it merely installs it). */
export function usesSudo(script: string): boolean {
  return shellCommands(script).some((c) => c.argv[0] === "sudo" || c.argv[0]?.endsWith("/sudo"));
}
