/** Shell patterns shared by the Dockerfile checks and the image history checks. */

/** curl/wget output piped or substituted into a shell. */
export const CURL_PIPE_SH =
  /\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+(-\S+\s+)*)?(\S*\/)?(ba|da|z|k|a)?sh\b|\b(ba|da|z)?sh\s+(-c\s+)?["']?\$\((curl|wget)\b|\b(ba|da|z)?sh\s+<\(\s*(curl|wget)\b/;

export const SUDO = /(^|[;&|(`\s])sudo(\s|$)/;

/** TLS verification turned off in a command line. */
export const TLS_OFF =
  /\bcurl\b[^;&|\n]*\s(-k|--insecure|-[a-zA-Z]*k[a-zA-Z]*)(\s|$)|\bwget\b[^;&|\n]*--no-check-certificate|\bpip3?\b[^;&|\n]*--trusted-host|\bnpm\s+config\s+set\s+strict-ssl\s+false|\byarn\s+config\s+set\s+strict-ssl\s+false|\bgit\b[^;&|\n]*http\.sslverify[= ]+false|sslverify\s*=\s*(0|false)/i;

export function TLS_OFF_ENV(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  return (
    (name === "NODE_TLS_REJECT_UNAUTHORIZED" && v === "0") ||
    (name === "PYTHONHTTPSVERIFY" && v === "0") ||
    (name === "NPM_CONFIG_STRICT_SSL" && v === "false") ||
    (name === "GIT_SSL_NO_VERIFY" && v !== "" && v !== "0" && v !== "false") ||
    (name === "PIP_TRUSTED_HOST" && v !== "") ||
    // requests and curl treat an empty CA bundle as "do not verify".
    ((name === "CURL_CA_BUNDLE" || name === "REQUESTS_CA_BUNDLE") && v === "")
  );
}

/** Package manager signature or authenticity checks turned off. */
export const SIGNATURE_OFF =
  /--allow-unauthenticated|--force-yes|AllowUnauthenticated\s*[= ]\s*"?(true|1)|AllowInsecureRepositories\s*[= ]\s*"?(true|1)|\[trusted=yes\]|--allow-untrusted|--nogpgcheck|gpgcheck\s*=\s*0|--nosignature|--nodigest|--no-gpg-checks|--skip-signature-check/i;
