/**
 * Credentials published as examples in standards and vendor documentation: they appear in
 * every copy of the libraries that implement those standards (oauthlib, PyJWT, botocore…)
 * and unlock nothing. A secret containing one of these is documentation.
 */
const DOCUMENTATION_VALUES = [
  // RFC 6749 (OAuth 2.0) examples: access token, refresh token, code, client credentials.
  "2YotnFZFEjr1zCsicMWpAA",
  "tGzv3JOkF0XG5Qx2TlKWIA",
  "SplxlOBeZQQYbYS6WxSbIA",
  "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
  "gX1fBat3bV",
  "mF_9.B5f-4.1JqM",
  // RFC 5849 (OAuth 1.0) examples.
  "ad180jjd733klru7",
  "kd94hf93k423kf44",
  "pfkkdhi9sl3r4s00",
  "hh5s93j4hdidpola",
  "hdhd0244k9j7ao03",
  "nnch734d00sl2jdk",
  "dh893hdasih9",
  "9djdj82h48djs9d2",
  "LVkhuHaRNk2W7aZ",
  // jwt.io and PyJWT documentation tokens.
  "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
  "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  "eyJzb21lIjoicGF5bG9hZCJ9",
  // Azurite / Azure Storage Emulator well-known development key.
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  // AWS documentation keys without the word EXAMPLE in them.
  "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
  // Stripe's published test key.
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
];

/** Backslash escapes (`\x41`, `\u00e9`) inside a value: test strings in source code, not a credential. */
const ESCAPES = /\\[ux][0-9a-fA-F]{2}/;

export function isDocumentationValue(secret: string): boolean {
  return ESCAPES.test(secret) || DOCUMENTATION_VALUES.some((v) => secret.includes(v));
}
