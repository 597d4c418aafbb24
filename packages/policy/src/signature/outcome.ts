/** What checking one signature requirement (or the SBOM attestation) of an image gave. */
export interface SignatureOutcome {
  ok: boolean;
  /** Who signed (key file or certificate identity) or why nothing verified. */
  detail: string;
}
