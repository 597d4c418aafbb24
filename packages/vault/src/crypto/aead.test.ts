import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decryptEnvelope, encryptEnvelope, openBytes, rewrapKey, sealBytes } from "./aead.js";

const kek = randomBytes(32);

describe("envelope encryption", () => {
  it("round-trips any value and never contains the plaintext", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 256 }), fc.string(), (bytes, aad) => {
        const value = Buffer.from(bytes);
        const env = encryptEnvelope(kek, value, aad);
        expect(decryptEnvelope(kek, env, aad).equals(value)).toBe(true);
        expect(Buffer.from(env.ciphertext).includes(value.toString("base64"))).toBe(false);
      }),
    );
  });

  it("any flipped byte in the ciphertext is detected, not decrypted", () => {
    const env = encryptEnvelope(kek, Buffer.from("s3cret-value"), "secret|a|1");
    const raw = Buffer.from(env.ciphertext.slice(3), "base64");
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      const tampered = { ...env, ciphertext: "g1:" + bad.toString("base64") };
      expect(() => decryptEnvelope(kek, tampered, "secret|a|1")).toThrow(/authentication failed/);
    }
  });

  it("a ciphertext moved to another version or path is rejected", () => {
    const env = encryptEnvelope(kek, Buffer.from("v1"), "secret|a|1");
    expect(() => decryptEnvelope(kek, env, "secret|a|2")).toThrow(/ciphertext rejected/);
    expect(() => decryptEnvelope(kek, env, "secret|b|1")).toThrow(/ciphertext rejected/);
  });

  it("a wrong KEK is rejected; a re-wrapped key opens under the new KEK", () => {
    const env = encryptEnvelope(kek, Buffer.from("v"), "x");
    expect(() => decryptEnvelope(randomBytes(32), env, "x")).toThrow(/ciphertext rejected/);
    const next = randomBytes(32);
    const rewrapped = { ...env, wrappedKey: rewrapKey(kek, next, env.wrappedKey, "x") };
    expect(decryptEnvelope(next, rewrapped, "x").toString()).toBe("v");
    expect(() => decryptEnvelope(kek, rewrapped, "x")).toThrow(/ciphertext rejected/);
  });

  it("garbage input is a typed error", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(() => openBytes(kek, s, "x")).toThrow(/ciphertext rejected/);
      }),
    );
    expect(() => openBytes(kek, sealBytes(kek, Buffer.from("a"), "x").slice(0, 10), "x")).toThrow();
  });
});
