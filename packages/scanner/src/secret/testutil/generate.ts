/**
 * Test-time generation of credentials from their documented shape: a template with
 * literal parts and `{CLASS:LENGTH}` random parts, filled from a seeded PRNG so runs repeat.
 */
export const CHARSETS: Record<string, string> = {
  A62: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  ALPHA: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  HEX: "0123456789abcdef",
  UPD: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  LOWD: "abcdefghijklmnopqrstuvwxyz0123456789",
  D: "0123456789",
  B32: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
  B64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  URL: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
  PW: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&*+.?^_~",
  BECH32: "qpzry9x8gf2tvdw0s3jn54khce6mua7l",
};

/** mulberry32: tiny, seedable, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PART = /\{([A-Z0-9]+):(\d+)\}/g;

/** Fills every random part of TEMPLATE; FILL overrides the generator (for near misses). */
export function fill(
  template: string,
  rand: () => number,
  override?: (cls: string, length: number) => string,
): string {
  return template.replace(PART, (_, cls: string, len: string) => {
    const n = Number(len);
    if (override) return override(cls, n);
    const chars = CHARSETS[cls];
    if (!chars) throw new Error(`unknown charset ${cls}`);
    let out = "";
    for (let i = 0; i < n; i++) out += chars[Math.floor(rand() * chars.length)];
    return cls === "BECH32" ? out.toUpperCase() : out;
  });
}

/** Near misses derived from any template: every random part replaced by a placeholder. */
export function placeholderVariants(template: string): string[] {
  if (!PART.test(template)) return [];
  PART.lastIndex = 0;
  return [
    fill(template, Math.random, (_, n) => "x".repeat(n)),
    fill(template, Math.random, (_, n) => "X".repeat(n)),
    fill(template, Math.random, (_, n) => "0".repeat(n)),
    fill(template, Math.random, (_, n) => "EXAMPLE".repeat(Math.ceil(n / 7)).slice(0, n)),
    fill(template, Math.random, () => "${TOKEN}"),
    fill(template, Math.random, () => "<your-token>"),
  ];
}
