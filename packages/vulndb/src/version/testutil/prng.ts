/** A small seeded PRNG (mulberry32) so generated test corpora are reproducible. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** A small number, biased towards 0..3 where ordering edge cases live. */
  smallNumber(): string {
    const r = this.next();
    if (r < 0.5) return String(this.int(4));
    if (r < 0.8) return String(this.int(20));
    if (r < 0.9) return "0" + String(this.int(10));
    return String(this.int(100000));
  }
}

/**
 * Pairs for a differential test: each version against a random one, against a
 * neighbour sharing its prefix, or against a respelling (zero-padded number,
 * one character swapped) — the neighbourhoods where comparators actually differ.
 */
export function makePairs(
  rng: Prng,
  gen: (rng: Prng) => string,
  count: number,
  edge: readonly string[] = [],
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const a of edge) for (const b of edge) pairs.push([a, b]);
  while (pairs.length < count) {
    const a = rng.chance(0.1) && edge.length ? rng.pick(edge) : gen(rng);
    const b = neighbour(rng, a, gen(rng));
    pairs.push(rng.chance(0.5) ? [a, b] : [b, a]);
  }
  return pairs;
}

function neighbour(rng: Prng, a: string, other: string): string {
  const r = rng.next();
  if (r < 0.2) return other;
  if (r < 0.55) return a.slice(0, rng.int(a.length + 1)) + other.slice(rng.int(other.length + 1));
  if (r < 0.75) {
    const runs = [...a.matchAll(/[0-9]+/g)];
    if (runs.length === 0) return other;
    const m = rng.pick(runs);
    const idx = m.index ?? 0;
    const digits = m[0].length > 1 && m[0].startsWith("0") ? m[0].slice(1) : "0" + m[0];
    return a.slice(0, idx) + digits + a.slice(idx + m[0].length);
  }
  if (r < 0.85) return a;
  const i = rng.int(a.length + 1);
  const c = other[rng.int(other.length)] ?? "";
  return a.slice(0, i) + c + a.slice(i + (rng.chance(0.5) ? 1 : 0));
}
