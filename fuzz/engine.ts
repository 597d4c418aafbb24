/**
 * A small mutation fuzzer: inputs grow from the seed corpus by byte flips, inserts,
 * deletions, splices and repeats of interesting values. Coverage-guided fuzzing with
 * @jazzer.js is not available here (its prebuilt addon needs glibc 2.38; Debian 12 has
 * 2.36), so this explores blindly but deterministically (seeded), and runs anywhere.
 */
import { createHash } from "node:crypto";
import { prng as rng } from "../packages/scanner/src/secret/testutil/generate.js";
import type { FuzzTarget } from "./targets.js";

/** Errors a parser is allowed to throw: the typed ones its caller records against the file. */
export function isExpectedError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === "BulwarkError" || e?.constructor?.name === "YamlError";
}

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
}

/** Run a target on mutated inputs until `stop()` says so; crashes are collected, not thrown. */
export async function fuzz(
  target: FuzzTarget,
  seeds: Buffer[],
  seed: number,
  stop: (n: number) => boolean,
): Promise<FuzzStats> {
  const r = rng(seed);
  const corpus = seeds.length ? [...seeds] : [Buffer.alloc(0)];
  const crashes = new Map<string, Crash>();
  const seen = new Set<string>();
  let executions = 0;
  while (!stop(executions)) {
    const base = corpus[Math.floor(r() * corpus.length)]!;
    const input = executions < seeds.length ? base : mutate(base, corpus, r);
    executions++;
    const key = createHash("sha1").update(input).digest("hex");
    if (seen.size < 100_000) seen.add(key);
    try {
      await target.run(input);
      // Keep some accepted inputs: they are more likely to reach deeper code when mutated.
      if (corpus.length < 2000 && r() < 0.05) corpus.push(input);
    } catch (e) {
      if (isExpectedError(e)) continue;
      const error = `${(e as Error)?.name ?? "Error"}: ${(e as Error)?.message ?? String(e)}`.slice(0, 300);
      const id = createHash("sha1").update(error.replace(/\d+/g, "N")).digest("hex").slice(0, 12);
      if (!crashes.has(id)) crashes.set(id, { input, error, id });
    }
  }
  return { executions, crashes: [...crashes.values()], distinct: seen.size };
}
