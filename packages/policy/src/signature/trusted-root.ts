import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toTrustMaterial, type TrustMaterial } from "@sigstore/verify";
import { errorMessage } from "../deps.js";
import { PolicyError } from "../errors.js";

/**
 * A Sigstore trusted root (`trusted_root.json`, the protobuf-specs TrustedRoot in JSON form):
 * the certificate authorities (Fulcio), transparency logs (Rekor), CT logs and timestamp
 * authorities keyless signatures are checked against. Bulwark never fetches one: machines
 * without internet are the norm for admission, so the file is given with `--trusted-root`.
 */
export interface TrustRoot {
  file: string;
  material: TrustMaterial;
  /** CT logs listed: only then is an SCT demanded of signing certificates. */
  ctlogs: number;
  /** Content digest: part of the policy version, so a new root invalidates cached decisions. */
  digest: string;
}

/** The public-good root is ~7 KB; anything near this is not a trusted root. */
const MAX_ROOT_BYTES = 1024 * 1024;

function bad(file: string, why: string): never {
  throw new PolicyError("POLICY_INVALID", `--trusted-root: ${file}: ${why}`);
}

function readRoot(file: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    bad(file, "cannot read file");
  }
  if (size > MAX_ROOT_BYTES) bad(file, `larger than ${MAX_ROOT_BYTES} bytes`);
  return readFileSync(file);
}

export function loadTrustedRoot(file: string): TrustRoot {
  const data = readRoot(file);
  let json: unknown;
  try {
    json = JSON.parse(data.toString("utf8"));
  } catch {
    bad(file, "not JSON");
  }
  const media = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof media !== "string" || !media.startsWith("application/vnd.dev.sigstore.trustedroot"))
    bad(file, "not a Sigstore trusted root (mediaType application/vnd.dev.sigstore.trustedroot+json)");
  let root: TrustedRoot;
  let material: TrustMaterial;
  try {
    root = TrustedRoot.fromJSON(json);
    material = toTrustMaterial(root);
  } catch (e) {
    bad(file, `unreadable certificate or key (${errorMessage(e)})`);
  }
  if (!root.certificateAuthorities.length) bad(file, "lists no certificate authority");
  if (!root.tlogs.length && !root.timestampAuthorities.length)
    bad(file, "lists neither a transparency log nor a timestamp authority: nothing can date a signature");
  return {
    file,
    material,
    ctlogs: root.ctlogs.length,
    digest: createHash("sha256").update(data).digest("hex"),
  };
}
