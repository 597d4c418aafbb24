/**
 * Ruby: installed gem specifications (…/specifications/<name>-<version>.gemspec), the
 * Ruby source RubyGems writes at install time. We read the literal assignments only and
 * never evaluate Ruby.
 */
import type { Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { decodeText, isRegularFile, MiB, newPackage, parseError } from "../common/util.js";

const GEMSPEC = /\/specifications\/[^/]+\.gemspec$/;

/** A Ruby string literal: "…" or '…', optionally followed by .freeze. */
const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`;

function literal(m: RegExpExecArray, at = 1): string {
  return (m[at] ?? m[at + 1] ?? "").replace(/\\(.)/g, "$1");
}

function assignment(text: string, field: string): string | undefined {
  const re = new RegExp(String.raw`^\s*\w+\.${field}\s*=\s*${STRING}`, "m");
  const m = re.exec(text);
  return m ? literal(m) : undefined;
}

/** `s.version = Gem::Version.new("1.2")` is also common in hand-written specs. */
function version(text: string): string | undefined {
  const plain = assignment(text, "version");
  if (plain) return plain;
  const m = new RegExp(String.raw`^\s*\w+\.version\s*=\s*Gem::Version\.new\(\s*${STRING}`, "m").exec(text);
  return m ? literal(m) : undefined;
}

export function gemLicenses(text: string): string[] {
  const one = assignment(text, "license");
  const list = /^\s*\w+\.licenses\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1];
  const out = one ? [one] : [];
  if (list) {
    const re = new RegExp(STRING, "g");
    for (let m = re.exec(list); m; m = re.exec(list)) out.push(literal(m));
  }
  return out;
}

export function parseGemspec(text: string, path: string) {
  const name = assignment(text, "name");
  const ver = version(text);
  if (!name || !ver) throw parseError(`${path}: gemspec without a literal name or version`);
  return newPackage({ type: "gem", name, version: ver, path, licenses: gemLicenses(text) });
}

export const gemAnalyzer: Analyzer = {
  name: "gem",
  version: 1,
  wants(path, info) {
    return GEMSPEC.test(path) && isRegularFile(info.mode) && info.size <= 4 * MiB;
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    return { packages: [parseGemspec(decodeText(await file.read(), file.path), file.path)] };
  },
};
