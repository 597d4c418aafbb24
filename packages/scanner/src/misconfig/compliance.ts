import {
  type ComplianceControl,
  type ComplianceReport,
  type ControlStatus,
  BulwarkError,
} from "@bulwark/model";
import { CONTROL_TITLES, FRAMEWORKS, isFramework, type FrameworkName } from "./frameworks.js";
import type { CheckMeta } from "./types.js";

/** Validates `--compliance`; undefined when not asked for. */
export function parseFramework(name: string | undefined): FrameworkName | undefined {
  if (name === undefined || name === "") return undefined;
  if (!isFramework(name))
    throw new BulwarkError(
      "USAGE",
      `unknown compliance framework "${name}" (use ${Object.keys(FRAMEWORKS).join(", ")})`,
    );
  return name;
}

/** Dotted-number aware ordering ("5.2.10" after "5.2.9"); other ids alphabetically. */
function compareIds(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  if (pa.some(Number.isNaN) || pb.some(Number.isNaN)) return a.localeCompare(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** Suppressed findings per check id. */
export function countByCheck(ids: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}

/**
 * Groups check results by control. A control fails when a mapped check produced a finding
 * that nothing suppressed, passes when at least one mapped check ran on an object it applies
 * to and none failed, and is not applicable when none of its checks had anything to look at.
 * Suppressed findings (`suppressedByCheck`) do not fail a control; they are counted on it.
 */
export function buildCompliance(
  framework: FrameworkName,
  checks: readonly CheckMeta[],
  evaluated: ReadonlySet<string>,
  failedIds: ReadonlySet<string>,
  suppressedByCheck: ReadonlyMap<string, number> = new Map(),
): ComplianceReport {
  const byControl = new Map<string, string[]>();
  for (const c of checks)
    for (const control of c.mappings[framework] ?? [])
      byControl.set(control, [...(byControl.get(control) ?? []), c.id]);
  const controls = [...byControl.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([id, ids]) => controlResult(framework, id, ids, evaluated, failedIds, suppressedByCheck));
  const count = (s: ControlStatus): number => controls.filter((c) => c.status === s).length;
  return {
    framework,
    title: FRAMEWORKS[framework],
    controls,
    totals: {
      pass: count("pass"),
      fail: count("fail"),
      notApplicable: count("not-applicable"),
      passWithSuppressions: controls.filter((c) => c.status === "pass" && c.suppressed).length,
    },
  };
}

function controlResult(
  framework: FrameworkName,
  id: string,
  ids: string[],
  evaluated: ReadonlySet<string>,
  failedIds: ReadonlySet<string>,
  suppressedByCheck: ReadonlyMap<string, number>,
): ComplianceControl {
  const failed = ids.filter((x) => failedIds.has(x));
  const suppressedChecks = ids.filter((x) => suppressedByCheck.has(x));
  const suppressed = suppressedChecks.reduce((n, x) => n + suppressedByCheck.get(x)!, 0);
  // A suppressed finding proves its check ran on an applicable object.
  const ran = suppressed > 0 || ids.some((x) => evaluated.has(x));
  const status: ControlStatus = failed.length ? "fail" : ran ? "pass" : "not-applicable";
  return {
    id,
    ...(CONTROL_TITLES[framework][id] ? { title: CONTROL_TITLES[framework][id] } : {}),
    status,
    checks: ids,
    failed,
    ...(suppressed ? { suppressed, suppressedChecks } : {}),
  };
}
