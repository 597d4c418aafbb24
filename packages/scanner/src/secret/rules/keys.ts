import type { SecretRuleSpec } from "../types.js";
import { B, E, custom } from "./helpers.js";

/**
 * A PEM block: header, a body of base64 (possibly with JSON-escaped "\n"), footer.
 * The lazy bounded body keeps the work per header to at most 12 000 characters.
 */
function pem(
  id: string,
  title: string,
  label: string,
  severity: SecretRuleSpec["severity"] = "CRITICAL",
): SecretRuleSpec {
  return custom(
    id,
    title,
    severity,
    [`-----begin ${label.toLowerCase()}-----`],
    `-----BEGIN ${label}-----((?:\\\\[rn]|[A-Za-z0-9+/=\\s:,-]){64,12000}?)-----END ${label}-----`,
    1,
    { entropy: 4, anchored: true },
  );
}

/** Passwords in URLs that documentation and defaults use (user:password@, guest:guest@). */
const URL_ALLOW = { stopwords: ["password", "passwd", "pass", "secret", "changeme", "guest"] };

const JWT_TAIL = `[A-Za-z0-9_-]{10,4000}\\.[A-Za-z0-9_-]{20,1000}`;

/** Private keys, tokens with a structure (JWT), credentials in URLs and connection strings. */
export const keyRules: SecretRuleSpec[] = [
  pem("private-key-rsa", "RSA private key", "RSA PRIVATE KEY"),
  pem("private-key-ec", "EC private key", "EC PRIVATE KEY"),
  pem("private-key-dsa", "DSA private key", "DSA PRIVATE KEY"),
  pem("private-key-pkcs8", "PKCS#8 private key", "PRIVATE KEY"),
  pem("private-key-pkcs8-encrypted", "Encrypted PKCS#8 private key", "ENCRYPTED PRIVATE KEY", "HIGH"),
  pem("private-key-openssh", "OpenSSH private key", "OPENSSH PRIVATE KEY"),
  pem("private-key-ssh2-encrypted", "SSH2 encrypted private key", "SSH2 ENCRYPTED PRIVATE KEY", "HIGH"),
  pem("private-key-pgp", "PGP private key block", "PGP PRIVATE KEY BLOCK"),
  custom(
    "private-key-putty",
    "PuTTY private key",
    "CRITICAL",
    ["putty-user-key-file-"],
    "PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}\\r?\\n(?:[^\\r\\n]{0,400}\\r?\\n){1,40}?Private-Lines: \\d{1,3}\\r?\\n([A-Za-z0-9+/=\\r\\n]{20,8000})",
    1,
    { entropy: 4, anchored: true },
  ),
  custom(
    "kubeconfig-client-key",
    "Kubernetes client key in a kubeconfig (client-key-data)",
    "CRITICAL",
    ["client-key-data"],
    `client-key-data:\\s{0,5}["']?([A-Za-z0-9+/]{100,12000}={0,2})`,
    1,
    { entropy: 4, anchored: true },
  ),
  custom(
    "kubernetes-service-account-token",
    "Kubernetes service account token",
    "CRITICAL",
    ["eyjpc3mioijrdwjlcm5ldgvzl3nlcnzpy2vhy2nvdw50"],
    // Legacy tokens: payload {"iss":"kubernetes/serviceaccount"...
    `${B}(eyJ[A-Za-z0-9_-]{10,500}\\.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50${JWT_TAIL})${E}`,
    1,
  ),
  custom(
    "jwt",
    "JSON Web Token",
    "MEDIUM",
    ["eyj"],
    `${B}(eyJ[A-Za-z0-9_-]{10,2000}\\.eyJ${JWT_TAIL})${E}`,
    1,
    // The jwt.io sample token is documentation, not a credential.
    { anchored: true, allow: { regexes: ["SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c$"] } },
  ),
  custom(
    "postgres-connection-string",
    "PostgreSQL connection URL with password",
    "HIGH",
    ["postgres"],
    "postgres(?:ql)?://[^\\s:/@\"'<>]{1,100}:([^\\s:/@\"'<>]{3,100})@[A-Za-z0-9._-]{1,255}",
    1,
    { entropy: 2, anchored: true, allow: URL_ALLOW },
  ),
  custom(
    "mysql-connection-string",
    "MySQL/MariaDB connection URL with password",
    "HIGH",
    ["mysql", "mariadb"],
    "(?:mysql|mariadb)(?:\\+[a-z]{1,20})?://[^\\s:/@\"'<>]{1,100}:([^\\s:/@\"'<>]{3,100})@[A-Za-z0-9._-]{1,255}",
    1,
    { entropy: 2, anchored: true, allow: URL_ALLOW },
  ),
  custom(
    "mongodb-connection-string",
    "MongoDB connection URL with password",
    "HIGH",
    ["mongodb"],
    "mongodb(?:\\+srv)?://[^\\s:/@\"'<>]{1,100}:([^\\s:/@\"'<>]{3,100})@[A-Za-z0-9._-]{1,255}",
    1,
    { entropy: 2, anchored: true, allow: URL_ALLOW },
  ),
  custom(
    "redis-connection-string",
    "Redis connection URL with password",
    "HIGH",
    ["redis"],
    "rediss?://[^\\s:/@\"'<>]{0,100}:([^\\s:/@\"'<>]{3,100})@[A-Za-z0-9._-]{1,255}",
    1,
    { entropy: 2, anchored: true, allow: URL_ALLOW },
  ),
  custom(
    "amqp-connection-string",
    "AMQP (RabbitMQ) connection URL with password",
    "HIGH",
    ["amqp"],
    "amqps?://[^\\s:/@\"'<>]{1,100}:([^\\s:/@\"'<>]{3,100})@[A-Za-z0-9._-]{1,255}",
    1,
    { entropy: 2, anchored: true, allow: URL_ALLOW },
  ),
  custom(
    "jdbc-connection-password",
    "JDBC URL with password",
    "HIGH",
    ["jdbc:"],
    "jdbc:[a-z0-9]{2,20}:[^\\s\"'<>]{0,300}?[?&;]password=([^&;\\s\"'<>]{3,100})",
    1,
    { flags: "i", entropy: 2, anchored: true, allow: URL_ALLOW },
  ),
  custom(
    "ado-net-connection-password",
    "SQL Server / ADO.NET connection string with password",
    "HIGH",
    ["password=", "pwd="],
    "(?:Server|Data Source|Host)=[^;\"'\\r\\n]{1,200};[^\"'\\r\\n]{0,300}?(?<=;)\\s{0,3}(?:Password|Pwd)\\s{0,3}=\\s{0,3}([^;\"'\\s<>]{3,100})",
    1,
    { flags: "i", entropy: 2, allow: URL_ALLOW },
  ),
  custom(
    "url-with-password",
    "URL with embedded password",
    "MEDIUM",
    ["://"],
    // Starts at the literal "://" (not at the scheme) so the regex engine can skip ahead.
    "://[^\\s:/@\"'<>]{1,100}:([^\\s:/@\"'<>]{3,100})@[A-Za-z0-9._-]{1,255}",
    1,
    { flags: "i", entropy: 2.5, anchored: true, allow: URL_ALLOW },
  ),
  custom(
    "basic-auth-header",
    "HTTP Basic authorization header",
    "MEDIUM",
    ["authorization"],
    `Authorization["']?\\s{0,3}[:=]\\s{0,3}["']?Basic ([A-Za-z0-9+/]{12,400}={0,2})(?![A-Za-z0-9+/=])`,
    1,
    { flags: "i", entropy: 3, anchored: true },
  ),
  custom(
    "bearer-token-header",
    "HTTP Bearer authorization header",
    "MEDIUM",
    ["authorization"],
    `Authorization["']?\\s{0,3}[:=]\\s{0,3}["']?Bearer ([A-Za-z0-9_.~+/-]{20,2000}={0,2})(?![A-Za-z0-9_.~+/=-])`,
    1,
    { flags: "i", entropy: 3.5, anchored: true },
  ),
];
