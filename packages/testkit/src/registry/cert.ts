import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * A throwaway self-signed certificate and key (openssl), valid for two days. An IP address
 * as common name is also put in subjectAltName, so TLS clients that verify accept it once
 * the certificate is trusted.
 */
export function selfSignedCert(
  dir: string,
  name: string,
  commonName: string,
): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}-cert.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile]
      .concat(["-subj", `/CN=${commonName}`, "-days", "2"])
      .concat(/^[\d.]+$/.test(commonName) ? ["-addext", `subjectAltName=IP:${commonName}`] : []),
    { stdio: "ignore" },
  );
  return { certFile, keyFile };
}
