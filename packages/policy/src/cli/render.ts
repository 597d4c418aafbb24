import type { Judgement } from "../policy/judge.js";

/** Terminal text must not carry escape sequences from image data (tags, finding ids). */
function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?"); // eslint-disable-line no-control-regex
}

export function renderTable(j: Judgement): string {
  const d = j.decision;
  const head = `${clean(j.target)}${j.digest ? ` (${j.digest})` : ""}: ${d.verdict.toUpperCase()}`;
  const rows = d.reasons.map((r) => [r.policy, r.rule, r.message]);
  const waived = d.waived.map((r) => [
    r.policy,
    r.rule,
    `waived until ${r.exception.expires} (${r.exception.reason}): ${r.message}`,
  ]);
  const all = [...rows, ...waived];
  if (!all.length) return `${head}\n`;
  const widths = [0, 1].map((i) => Math.max(i ? 4 : 6, ...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`;
  return [head, line(["POLICY", "RULE", "REASON"]), ...all.map((r) => clean(line(r)))].join("\n") + "\n";
}

export function renderJson(j: Judgement): string {
  return JSON.stringify(j, null, 2) + "\n";
}
