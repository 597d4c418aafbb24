/**
 * Fuzz targets for the parsers of the platform's untrusted input beyond the scanner:
 * runtime rule files and conditions, event streams (Bulwark, Falco, Tetragon), the sensor's
 * output lines, image policies, AdmissionReview bodies and vault ACL policies.
 */
import { checkRuntimeEvent } from "../packages/runtime/src/events/validate.js";
import { mapFalcoRecord } from "../packages/runtime/src/inputs/falco.js";
import { mapTetragonRecord } from "../packages/runtime/src/inputs/tetragon.js";
import { loadRuleTexts } from "../packages/runtime/src/rules/loader.js";
import { ConditionSyntaxError, parseCondition } from "../packages/runtime/src/rules/parser.js";
import { parseSensorLine } from "../packages/runtime/src/sensor/parse.js";
import { imagesOf, parseReview, podSpecOf } from "../packages/policy/src/admission/review.js";
import { parsePolicies } from "../packages/policy/src/policy/load.js";
import { parsePolicy as parseVaultPolicy } from "../packages/vault/src/policy/policy.js";
import type { FuzzTarget } from "./targets.js";

const text = (b: Buffer) => b.toString("utf8");

/** JSON inputs: text that is not JSON is the reader's business, not the mapper's. */
function json(d: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text(d)) };
  } catch {
    return { ok: false };
  }
}

function onJson(map: (v: unknown) => unknown): (d: Buffer) => unknown {
  return (d) => {
    const j = json(d);
    return j.ok ? map(j.value) : undefined;
  };
}

export const platformTargets: FuzzTarget[] = [
  {
    name: "runtime-rules",
    about: "Falco-language rule files (macros, lists, rules, exceptions) loaded and compiled",
    run: (d) => loadRuleTexts([{ name: "fuzz.yaml", text: text(d) }]),
  },
  {
    name: "runtime-condition",
    about: "rule conditions alone",
    run: (d) => parseCondition(text(d)),
    expected: (e) => e instanceof ConditionSyntaxError,
  },
  { name: "runtime-event", about: "Bulwark runtime events (JSON lines)", run: onJson(checkRuntimeEvent) },
  { name: "falco-event", about: "Falco JSON output records", run: onJson(mapFalcoRecord) },
  { name: "tetragon-event", about: "Tetragon JSON export records", run: onJson(mapTetragonRecord) },
  { name: "sensor-line", about: "lines the bpftrace sensor prints", run: (d) => parseSensorLine(text(d)) },
  {
    name: "image-policy",
    about: "ImagePolicy YAML (bulwark.dev/v1), schema-checked",
    run: (d) => parsePolicies(text(d), "/nonexistent/fuzz/policy.yaml"),
  },
  {
    name: "admission-review",
    about: "AdmissionReview v1 request bodies, down to the images of the pod spec",
    run: onJson((v) => {
      const req = parseReview(v);
      const spec = podSpecOf(req.kind, req.object);
      return spec && imagesOf(spec);
    }),
  },
  {
    name: "vault-policy",
    about: "vault ACL policies (HCL subset and JSON)",
    run: (d) => parseVaultPolicy("fuzz", text(d)),
  },
];
