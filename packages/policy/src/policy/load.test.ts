import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../errors.js";
import { loadPolicySet, parsePolicies } from "./load.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-policy-load-"));
execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", join(dir, "k.key")]);
execFileSync("openssl", ["ec", "-in", join(dir, "k.key"), "-pubout", "-out", join(dir, "cosign.pub")], {
  stdio: "ignore",
});

// The form the issue requires, verbatim apart from the key path.
const ISSUE_FORM = `apiVersion: bulwark.dev/v1
kind: ImagePolicy
metadata: { name: prod }
spec:
  registries: ["registry.example.com/team/*"]
  requireDigest: false
  vulnerabilities: { maxSeverity: HIGH, kev: deny, ignoreUnfixed: true }
  signatures:
    - keys: [{ publicKey: cosign.pub }]
    - keyless: { issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^https://github.com/org/" }
  exceptions:
    - { image: "registry.example.com/team/legacy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", expires: 2027-01-31, reason: "vendor fix pending" }
`;

function errorOf(text: string): string {
  try {
    parsePolicies(text, "p.yaml", dir);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as Error).message;
  }
  throw new Error("no error");
}

describe("policy loading", () => {
  it("accepts the issue's form", () => {
    const [p] = parsePolicies(ISSUE_FORM, "p.yaml", dir);
    expect(p?.name).toBe("prod");
    expect(p?.signatures.map((s) => s.kind)).toEqual(["keys", "keyless"]);
    expect(p?.vulnerabilities).toMatchObject({ maxSeverity: "HIGH", kev: "deny", ignoreUnfixed: true });
    expect(p?.exceptions[0]?.expires.toISOString()).toBe("2027-01-31T23:59:59.999Z");
  });

  it("names file and line of an unknown key", () => {
    const text = ISSUE_FORM.replace("requireDigest: false", "requireDigest: false\n  requireDigests: true");
    expect(errorOf(text)).toBe('p.yaml:7: unknown key "requireDigests" in /spec');
  });

  it("names file and line of a bad enum value and of an invalid glob", () => {
    expect(errorOf(ISSUE_FORM.replace("maxSeverity: HIGH", "maxSeverity: SEVERE"))).toMatch(
      /^p\.yaml:7: \/spec\/vulnerabilities\/maxSeverity must be one of CRITICAL/,
    );
    expect(
      errorOf(ISSUE_FORM.replace('"registry.example.com/team/*"', '"registry.example.com/[team]/*"')),
    ).toBe(
      'p.yaml:5: invalid glob "registry.example.com/[team]/*": character "[" is not allowed in an image glob',
    );
  });

  it("refuses a missing key file, a non-key file, a bad regexp and an impossible date", () => {
    expect(errorOf(ISSUE_FORM.replace("cosign.pub", "nope.pub"))).toBe(
      "p.yaml:9: cannot read public key nope.pub",
    );
    writeFileSync(join(dir, "not-a-key.pub"), "hello\n");
    expect(errorOf(ISSUE_FORM.replace("cosign.pub", "not-a-key.pub"))).toBe(
      "p.yaml:9: not-a-key.pub is not a PEM public key",
    );
    expect(errorOf(ISSUE_FORM.replace('"^https://github.com/org/"', '"^(unclosed"'))).toMatch(
      /^p\.yaml:10: invalid regular expression/,
    );
    expect(errorOf(ISSUE_FORM.replace("2027-01-31", "2027-02-30"))).toMatch(
      /^p\.yaml:12: expires "2027-02-30"/,
    );
  });

  it("merges several files into one versioned set and refuses duplicate names", () => {
    const a = join(dir, "a.yaml");
    const b = join(dir, "b.yaml");
    writeFileSync(a, ISSUE_FORM);
    writeFileSync(b, ISSUE_FORM.replace("name: prod", "name: extra"));
    const set = loadPolicySet([a, b]);
    expect(set.policies.map((p) => p.name)).toEqual(["prod", "extra"]);
    writeFileSync(b, ISSUE_FORM.replace("name: prod", "name: extra").replace("HIGH", "CRITICAL"));
    expect(loadPolicySet([a, b]).version).not.toBe(set.version);
    expect(() => loadPolicySet([a, a])).toThrow(/policy name "prod" already used/);
  });

  it("never throws anything but a PolicyError on arbitrary text (property)", () => {
    const fragments = fc.constantFrom(
      "apiVersion: bulwark.dev/v1\n",
      "kind: ImagePolicy\n",
      "metadata: {name: x}\n",
      "spec:\n",
      "  registries: [a/*]\n",
      "  secrets: deny\n",
      "  maxAgeDays: -1\n",
      "  exceptions: [{image: '[', expires: 2020-01-01, reason: r}]\n",
      "---\n",
      "&a [*a]\n",
      "\t: :\n",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fragments, fc.string()), { maxLength: 12 }), (parts) => {
        try {
          parsePolicies(parts.join(""), "f.yaml", dir);
        } catch (e) {
          if (!(e instanceof PolicyError)) throw e;
          expect(e.message).toMatch(/^f\.yaml(:\d+)?: /);
        }
      }),
      { numRuns: 500 },
    );
  });
});
