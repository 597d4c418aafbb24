import parseSpdx from "spdx-expression-parse";

/** True when `value` parses as an SPDX license expression (ids, `+`, WITH, AND/OR, LicenseRef-). */
export function isSpdxExpression(value: string): boolean {
  try {
    parseSpdx(value);
    return true;
  } catch {
    return false;
  }
}

/** Throws like spdx-expression-parse does; the CycloneDX license factory's validator. */
export function validateSpdxExpression(value: string): void {
  parseSpdx(value);
}

/** "GPL-2+ with OpenSSL exception" → "LicenseRef-GPL-2-with-OpenSSL-exception" (SPDX idstring chars only). */
export function licenseRef(name: string): string {
  const id = name
    .replace(/\+/g, "-plus")
    .replace(/[^A-Za-z0-9.-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `LicenseRef-${id || "unknown"}`;
}

/**
 * One SPDX expression for a package's license list: each entry that is already a valid
 * expression is kept (parenthesised when compound), others become LicenseRef-… ids whose
 * original names are returned so the document can declare them.
 */
export function spdxExpressionFor(licenses: string[]): { expression?: string; refs: Map<string, string> } {
  const refs = new Map<string, string>();
  const parts: string[] = [];
  for (const raw of new Set(licenses.map((l) => l.trim()).filter(Boolean))) {
    if (isSpdxExpression(raw)) {
      parts.push(/\s(AND|OR)\s/i.test(raw) && licenses.length > 1 ? `(${raw})` : raw);
    } else {
      const ref = licenseRef(raw);
      refs.set(ref, raw);
      parts.push(ref);
    }
  }
  const uniq = [...new Set(parts)];
  return uniq.length > 0 ? { expression: uniq.join(" AND "), refs } : { refs };
}
