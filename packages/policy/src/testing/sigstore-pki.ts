import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A private Sigstore for tests, made by `openssl` alone: a root CA, a Fulcio-like
 * intermediate that issues short-lived leaf certificates carrying an email/URI SAN and the
 * OIDC issuer extensions, a TSA answering RFC 3161 requests (`openssl ts`), and a Rekor-like
 * log key. It writes the `trusted_root.json` a verifier is given. No Bulwark code takes part.
 */
export interface TestSigstore {
  dir: string;
  name: string;
  /** The Fulcio-like issuing CA (certificate and key files). */
  intermediate: { cert: string; key: string };
  tsa: { cert: string; key: string; config: string };
  log: { key: string; logId: Buffer; origin: string };
  trustedRoot: string;
}

/** Far enough back that every backdated test certificate falls inside the CA's validity. */
const CA_START = new Date("2020-01-01T00:00:00Z");
const CA_END = new Date("2040-01-01T00:00:00Z");

export const OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
export const OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] });
}

/** openssl's GeneralizedTime form for -startdate/-enddate. */
function asn1Time(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

const der = (pemFile: string) => openssl(["x509", "-in", pemFile, "-outform", "DER"]);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest();

export function ecKey(file: string, curve = "P-256"): string {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", file]);
  return file;
}

/** A minimal `openssl ca` setup so certificates get exact validity windows. */
function caConfig(dir: string): string {
  mkdirSync(join(dir, "newcerts"), { recursive: true });
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), `${Date.now().toString(16).padStart(16, "0")}\n`);
  const file = join(dir, "ca.cnf");
  writeFileSync(
    file,
    [
      "[ca]",
      "default_ca = ca_default",
      "[ca_default]",
      `database = ${join(dir, "index.txt")}`,
      `new_certs_dir = ${join(dir, "newcerts")}`,
      `serial = ${join(dir, "serial")}`,
      "default_md = sha256",
      "policy = policy_any",
      "unique_subject = no",
      "copy_extensions = none",
      "[policy_any]",
      "commonName = optional",
      "organizationName = optional",
      "",
    ].join("\n"),
  );
  return file;
}

/** Issue a certificate for `key` with `ext` (openssl extension lines) over [notBefore, notAfter]. */
export function issue(opts: {
  dir: string;
  config: string;
  key: string;
  subject: string;
  ext: string[];
  out: string;
  notBefore: Date;
  notAfter: Date;
  /** Signing CA; absent: self-signed. */
  ca?: { cert: string; key: string };
}): string {
  const csr = `${opts.out}.csr`;
  const extFile = `${opts.out}.ext`;
  writeFileSync(extFile, ["[v3]", ...opts.ext, ""].join("\n"));
  openssl(["req", "-new", "-key", opts.key, "-subj", opts.subject, "-out", csr]);
  const signer = opts.ca
    ? ["-cert", opts.ca.cert, "-keyfile", opts.ca.key]
    : ["-selfsign", "-keyfile", opts.key];
  openssl([
    "ca",
    "-batch",
    "-notext",
    "-config",
    opts.config,
    ...signer,
    "-in",
    csr,
    "-out",
    opts.out,
    "-startdate",
    asn1Time(opts.notBefore),
    "-enddate",
    asn1Time(opts.notAfter),
    "-extfile",
    extFile,
    "-extensions",
    "v3",
  ]);
  return opts.out;
}

function tsaConfig(dir: string, cert: string, key: string): string {
  writeFileSync(join(dir, "tsaserial"), "01\n");
  const file = join(dir, "tsa.cnf");
  writeFileSync(
    file,
    [
      "[tsa]",
      "default_tsa = tsa_config",
      "[tsa_config]",
      `serial = ${join(dir, "tsaserial")}`,
      "crypto_device = builtin",
      `signer_cert = ${cert}`,
      `signer_key = ${key}`,
      "signer_digest = sha256",
      "default_policy = 1.3.6.1.4.1.57264.99.1",
      "digests = sha256",
      "accuracy = secs:1",
      "ordering = no",
      "tsa_name = no",
      "ess_cert_id_chain = no",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );
  return file;
}

const CA_EXT = [
  "basicConstraints = critical,CA:TRUE",
  "keyUsage = critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier = hash",
];

/** Make a complete private Sigstore under `dir` (`name` keeps two of them apart in messages). */
export function makeSigstore(dir: string, name = "bulwark-test"): TestSigstore {
  mkdirSync(dir, { recursive: true });
  const config = caConfig(dir);
  const window = { notBefore: CA_START, notAfter: CA_END };
  const rootKey = ecKey(join(dir, "root.key"), "P-384");
  const root = issue({
    dir,
    config,
    key: rootKey,
    subject: `/O=${name}/CN=${name} root`,
    ext: CA_EXT,
    out: join(dir, "root.crt"),
    ...window,
  });
  const rootCa = { cert: root, key: rootKey };
  const intermediate = {
    key: ecKey(join(dir, "intermediate.key"), "P-384"),
    cert: join(dir, "intermediate.crt"),
  };
  issue({
    dir,
    config,
    key: intermediate.key,
    subject: `/O=${name}/CN=${name} fulcio intermediate`,
    ext: [
      "basicConstraints = critical,CA:TRUE,pathlen:0",
      "keyUsage = critical,keyCertSign,cRLSign",
      "extendedKeyUsage = codeSigning",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
    ],
    out: intermediate.cert,
    ca: rootCa,
    ...window,
  });
  const tsaKey = ecKey(join(dir, "tsa.key"));
  const tsaCert = issue({
    dir,
    config,
    key: tsaKey,
    subject: `/O=${name}/CN=${name} timestamp authority`,
    ext: [
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature",
      "extendedKeyUsage = critical,timeStamping",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
    ],
    out: join(dir, "tsa.crt"),
    ca: rootCa,
    ...window,
  });
  const logKey = ecKey(join(dir, "rekor.key"));
  const logPub = openssl(["pkey", "-in", logKey, "-pubout", "-outform", "DER"]);
  const sigstore: TestSigstore = {
    dir,
    name,
    intermediate,
    tsa: { cert: tsaCert, key: tsaKey, config: tsaConfig(dir, tsaCert, tsaKey) },
    log: { key: logKey, logId: sha256(logPub), origin: `rekor.${name}.test` },
    trustedRoot: join(dir, "trusted_root.json"),
  };
  writeFileSync(sigstore.trustedRoot, JSON.stringify(trustedRootJson(sigstore, root, logPub), null, 2));
  return sigstore;
}

/** The trusted root in Sigstore's `trusted_root.json` format (protobuf-specs TrustedRoot, JSON form). */
function trustedRootJson(s: TestSigstore, root: string, logPub: Buffer): unknown {
  const validFor = { start: CA_START.toISOString() };
  const cert = (file: string) => ({ rawBytes: der(file).toString("base64") });
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: `https://${s.log.origin}`,
        hashAlgorithm: "SHA2_256",
        publicKey: {
          rawBytes: logPub.toString("base64"),
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
          validFor,
        },
        logId: { keyId: s.log.logId.toString("base64") },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: s.name, commonName: `${s.name} fulcio intermediate` },
        uri: `https://fulcio.${s.name}.test`,
        certChain: { certificates: [cert(s.intermediate.cert), cert(root)] },
        validFor,
      },
    ],
    ctlogs: [],
    timestampAuthorities: [
      {
        subject: { organization: s.name, commonName: `${s.name} timestamp authority` },
        uri: `https://tsa.${s.name}.test`,
        certChain: { certificates: [cert(s.tsa.cert), cert(root)] },
        validFor,
      },
    ],
  };
}

/** A Fulcio-style short-lived signing certificate: SAN identity, OIDC issuer in both extension forms. */
export function issueSigningCert(
  s: TestSigstore,
  opts: { san: string; issuer: string; notBefore: Date; notAfter: Date; tag: string },
): { key: string; cert: string; pem: string } {
  const key = ecKey(join(s.dir, `${opts.tag}.key`));
  const cert = issue({
    dir: s.dir,
    config: join(s.dir, "ca.cnf"),
    key,
    subject: `/O=${s.name}/CN=${opts.tag}`,
    ext: [
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature",
      "extendedKeyUsage = codeSigning",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      `subjectAltName = critical,${opts.san}`,
      // v1: the issuer URL as raw bytes; v2: a DER UTF8String (what Fulcio writes today).
      `${OID_ISSUER_V1} = DER:${Buffer.from(opts.issuer).toString("hex")}`,
      `${OID_ISSUER_V2} = ASN1:UTF8String:${opts.issuer}`,
    ],
    out: join(s.dir, `${opts.tag}.crt`),
    ca: s.intermediate,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
  });
  return { key, cert, pem: readFileSync(cert, "utf8") };
}

/** ECDSA P-256 / SHA-256 signature by `keyFile` over `data` (DER), made by openssl. */
export function opensslSignBytes(keyFile: string, data: Buffer): Buffer {
  return openssl(["dgst", "-sha256", "-sign", keyFile], data);
}

/** An RFC 3161 TimeStampResp over `data` from the test TSA (`openssl ts -query` then `-reply`). */
export function rfc3161(s: TestSigstore, data: Buffer, tag: string): Buffer {
  const dataFile = join(s.dir, `${tag}.tsdata`);
  const query = join(s.dir, `${tag}.tsq`);
  const reply = join(s.dir, `${tag}.tsr`);
  writeFileSync(dataFile, data);
  openssl(["ts", "-query", "-data", dataFile, "-sha256", "-cert", "-out", query]);
  openssl(["ts", "-reply", "-config", s.tsa.config, "-queryfile", query, "-out", reply]);
  return readFileSync(reply);
}

export { der as certDer, sha256 };
