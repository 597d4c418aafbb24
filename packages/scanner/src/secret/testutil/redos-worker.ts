/**
 * Feeds adversarial text to each built-in rule on its own and prints one line per rule
 * when done. Run as a child process by redos.test.ts, which kills it if a rule hangs.
 */
import { compileRule } from "../compile.js";
import { SecretEngine } from "../engine.js";
import { builtinRules } from "../rules/index.js";
import { shapes } from "./corpus.js";
import { fill, prng } from "./generate.js";

const SIZE = 64 * 1024;
const FILLERS = ["a", "A", "0", "f", "=", "-", "_", ".", "/", "+", ":", " ", "\n", "\\n", "%", "@", "~", "$"];

function repeatTo(s: string, size: number): string {
  return s.repeat(Math.ceil(size / Math.max(1, s.length))).slice(0, size);
}

export function adversarialInputs(ruleId: string, keywords: string[], ownExample?: string): string[] {
  // Rules newer than the shape corpus carry their own examples: the first true one is the shape.
  const shape = shapes[ruleId] ?? { t: ownExample ?? keywords[0]! };
  const rand = prng(7);
  const sample = fill(shape.t, rand);
  const overlong = fill(
    shape.t.replace(/\{([A-Z0-9]+):(\d+)\}/g, (_, c: string, n: string) => `{${c}:${Number(n) * 50}}`),
    rand,
  );
  const inputs = [
    repeatTo(overlong, SIZE),
    repeatTo(sample.slice(0, -1), SIZE),
    repeatTo(sample.replace(/\s/g, ""), SIZE),
  ];
  for (const kw of keywords) {
    const variants = [kw, kw.toUpperCase(), shape.t.slice(0, shape.t.indexOf("{") >>> 0)];
    for (const v of variants) {
      inputs.push(repeatTo(v, SIZE));
      for (const f of FILLERS) inputs.push(v + repeatTo(f, SIZE));
    }
  }
  return inputs;
}

const only = process.argv[2];
for (const spec of builtinRules) {
  if (only && spec.id !== only) continue;
  const engine = new SecretEngine([compileRule(spec)]);
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (const input of adversarialInputs(spec.id, spec.keywords, spec.tps?.[0])) {
    engine.scanText("adversarial.txt", input);
    bytes += input.length;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`done ${spec.id} ${bytes} ${ms.toFixed(0)}\n`);
}
