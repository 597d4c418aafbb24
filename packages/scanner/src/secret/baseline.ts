import { BulwarkError, errorMessage, readBoundedFileSync } from "@bulwark/model";

/**
 * Fingerprints listed in a baseline file. Accepted forms: a Bulwark JSON report (its
 * findings and suppressed findings), a JSON array of fingerprints, or plain text with
 * one fingerprint per line (`#` comments allowed).
 */
export async function loadBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = readBoundedFileSync(file, "baseline", "CONFIG_BYTES").toString("utf8");
  } catch (e) {
    throw new BulwarkError("CONFIG_INVALID", `cannot read baseline ${file}: ${errorMessage(e)}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (e) {
      throw new BulwarkError("CONFIG_INVALID", `baseline ${file} is not valid JSON: ${errorMessage(e)}`);
    }
    return new Set(fingerprintsIn(data));
  }
  const lines = trimmed
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean);
  const bad = lines.find((l) => !/^[a-f0-9]{64}$/.test(l));
  if (bad !== undefined)
    throw new BulwarkError(
      "CONFIG_INVALID",
      `baseline ${file}: "${bad.slice(0, 80)}" is not a secret fingerprint`,
    );
  return new Set(lines);
}

function fingerprintsIn(data: unknown): string[] {
  if (Array.isArray(data)) return data.filter((x): x is string => typeof x === "string");
  const report = data as {
    findings?: Array<{ fingerprint?: unknown }>;
    summary?: { suppressed?: Array<{ finding?: { fingerprint?: unknown } }> };
  };
  const out: string[] = [];
  for (const f of report.findings ?? []) if (typeof f.fingerprint === "string") out.push(f.fingerprint);
  for (const s of report.summary?.suppressed ?? [])
    if (typeof s.finding?.fingerprint === "string") out.push(s.finding.fingerprint);
  return out;
}
