/**
 * A small mutation fuzzer: inputs grow from the seed corpus by byte flips, inserts,
 * deletions, splices and repeats of interesting values. @jazzer.js is not available here
 * (its prebuilt addon needs glibc 2.38; Debian 12 has 2.36), so guidance comes from V8's
 * block coverage (coverage.ts): an input that covers a new block joins the corpus. Without
 * a Coverage object (the bounded CI run) it explores blindly but deterministically (seeded).
 */
import { createHash } from "node:crypto";
import { BulwarkError } from "../packages/model/src/errors.js";
import { prng as rng } from "../packages/scanner/src/secret/testutil/generate.js";
import type { Coverage } from "./coverage.js";
import type { FuzzTarget } from "./targets.js";

/** Errors a parser is allowed to throw: the typed ones its caller records against the file. */
export function isExpectedError(e: unknown, target?: FuzzTarget): boolean {
  return e instanceof BulwarkError || e?.constructor?.name === "YamlError" || !!target?.expected?.(e);
}

/** An input that takes longer than this is reported like a crash: it is how hangs show. */
const SLOW_MS = 2000;

const INTERESTING = [
  "\u0000",
  "\n",
  "\r\n",
  ":",
  "-",
  "[",
  "{",
  '"',
  "\\",
  "0",
  "-1",
  "99999999999999999999",
  "\u00ff",
  "\u{1F600}",
  "*",
  "&a",
  "*a",
  "---",
  " ",
  "\t",
  "<<",
  "${X}",
  "..",
  "/",
].map((s) => Buffer.from(s));

export function mutate(input: Buffer, corpus: Buffer[], r: () => number): Buffer {
  let out = Buffer.from(input);
  const steps = 1 + Math.floor(r() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(r() * (out.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: // flip a byte
        if (out.length) out[Math.min(at, out.length - 1)] = Math.floor(r() * 256);
        break;
      case 1: // insert an interesting token
        out = Buffer.concat([
          out.subarray(0, at),
          INTERESTING[Math.floor(r() * INTERESTING.length)]!,
          out.subarray(at),
        ]);
        break;
      case 2: // delete a run
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + Math.floor(r() * 32))]);
        break;
      case 3: {
        // splice in part of another corpus entry
        const other = corpus[Math.floor(r() * corpus.length)] ?? Buffer.alloc(0);
        const from = Math.floor(r() * (other.length + 1));
        out = Buffer.concat([
          out.subarray(0, at),
          other.subarray(from, from + Math.floor(r() * 256)),
          out.subarray(at),
        ]);
        break;
      }
      case 4: // repeat a slice (deep nesting, long lines)
        out = Buffer.concat([
          out.subarray(0, at),
          Buffer.from(
            out
              .subarray(at, at + 8)
              .toString("latin1")
              .repeat(1 + Math.floor(r() * 64)),
            "latin1",
          ),
          out.subarray(at),
        ]);
        break;
      default: // truncate
        out = out.subarray(0, at);
    }
  }
  return out.length > 1024 * 1024 ? out.subarray(0, 1024 * 1024) : out;
}

export interface Crash {
  input: Buffer;
  error: string;
  id: string;
}

export interface FuzzStats {
  executions: number;
  crashes: Crash[];
  distinct: number;
  /** Inputs kept because they covered something new (coverage runs), or at random. */
  corpus: number;
  /** Blocks covered over the whole run; undefined without coverage. */
  blocks?: number;
}

/** Run a target on mutated inputs until `stop()` says so; crashes are collected, not thrown. */
export async function fuzz(
  target: FuzzTarget,
  seeds: Buffer[],
  seed: number,
  stop: (n: number) => boolean,
  coverage?: Coverage,
): Promise<FuzzStats> {
  const r = rng(seed);
  const corpus = seeds.length ? [...seeds] : [Buffer.alloc(0)];
  const crashes = new Map<string, Crash>();
  const seen = new Set<string>();
  const record = (input: Buffer, error: string) => {
    const id = createHash("sha1").update(error.replace(/\d+/g, "N")).digest("hex").slice(0, 12);
    if (!crashes.has(id)) crashes.set(id, { input, error, id });
  };
  let executions = 0;
  coverage?.takeNew(); // what loading the modules covered is nobody's input
  while (!stop(executions)) {
    const base = corpus[Math.floor(r() * corpus.length)]!;
    const input = executions < seeds.length ? base : mutate(base, corpus, r);
    executions++;
    const key = createHash("sha1").update(input).digest("hex");
    if (seen.size < 100_000) seen.add(key);
    const started = performance.now();
    let crashed = false;
    try {
      await target.run(input);
    } catch (e) {
      if (!isExpectedError(e, target)) {
        crashed = true;
        record(
          input,
          `${(e as Error)?.name ?? "Error"}: ${(e as Error)?.message ?? String(e)}`.slice(0, 300),
        );
      }
    }
    const ms = performance.now() - started;
    if (ms > SLOW_MS) record(input, `slow: ${Math.round(ms)} ms for ${input.length} bytes`);
    const fresh = coverage?.takeNew() ?? 0;
    if (crashed || corpus.length >= 5000) continue;
    // Guided: keep what reached new code. Blind: keep some accepted inputs at random, as
    // they are more likely to reach deeper code when mutated.
    if (coverage ? fresh > 0 : r() < 0.05) corpus.push(input);
  }
  return {
    executions,
    crashes: [...crashes.values()],
    distinct: seen.size,
    corpus: corpus.length,
    blocks: coverage?.total,
  };
}
