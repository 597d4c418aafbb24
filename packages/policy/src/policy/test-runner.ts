import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import type { ScanOptions } from "../deps.js";
import { PolicyError } from "../errors.js";
import { judgeImage } from "./judge.js";
import type { PolicySet } from "./types.js";

/**
 * `bulwark policy test DIR`: every `*.yaml` in DIR is an ImagePolicyTest listing images
 * and the verdict the policy must reach, so policy authors can test a change before it gates:
 *
 *   apiVersion: bulwark.dev/v1
 *   kind: ImagePolicyTest
 *   cases:
 *     - { name: signed app, image: "oci:images:app", expect: allow }
 *     - { name: root image, image: "oci:images:root", expect: deny, rules: [misconfigurations] }
 *
 * Image paths with a transport prefix (oci:, oci-archive:, docker-archive:, rootfs:) are
 * relative to the test file.
 */
export interface PolicyTestCase {
  name: string;
  image: string;
  expect: "allow" | "warn" | "deny";
  rules?: string[];
  namespace?: string;
  now?: string;
}

export interface PolicyTestResult {
  file: string;
  name: string;
  passed: boolean;
  expected: string;
  got: string;
  detail?: string;
}

const VERDICTS = ["allow", "warn", "deny"];

function fail(file: string, msg: string): never {
  throw new PolicyError("TEST_INVALID", `${file}: ${msg}`);
}

function readCases(file: string): PolicyTestCase[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"), { maxAliasCount: 100 });
  } catch (e) {
    fail(file, `not YAML (${(e as Error).message.split("\n")[0]})`);
  }
  const d = doc as { kind?: unknown; cases?: unknown } | null;
  if (d?.kind !== "ImagePolicyTest") fail(file, "not an ImagePolicyTest (kind)");
  if (!Array.isArray(d.cases)) fail(file, "cases must be a list");
  return d.cases.map((c: unknown, i) => {
    const x = c as Partial<PolicyTestCase> | null;
    if (typeof x?.name !== "string" || typeof x.image !== "string")
      fail(file, `case ${i + 1}: name and image are required`);
    if (!VERDICTS.includes(String(x.expect))) fail(file, `case ${i + 1}: expect must be allow, warn or deny`);
    return x as PolicyTestCase;
  });
}

function absoluteImage(image: string, base: string): string {
  const m = /^(oci|oci-archive|docker-archive|rootfs):(?!\/\/)(.+)$/.exec(image);
  return m ? `${m[1]}:${resolve(base, m[2]!)}` : image;
}

export async function runPolicyTests(
  dir: string,
  set: PolicySet,
  opts: ScanOptions,
): Promise<PolicyTestResult[]> {
  let files: string[];
  try {
    files = statSync(dir).isDirectory()
      ? readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(dir, f))
      : [dir];
  } catch {
    throw new PolicyError("TEST_INVALID", `${dir}: no such test folder`);
  }
  const out: PolicyTestResult[] = [];
  for (const file of files) {
    for (const c of readCases(file)) {
      const now = c.now ? new Date(c.now) : undefined;
      const j = await judgeImage(set, absoluteImage(c.image, dirname(file)), opts, {
        namespace: c.namespace,
        now,
      });
      const got = j.decision.verdict;
      const rules = [...new Set(j.decision.reasons.map((r) => r.rule))];
      const missing = (c.rules ?? []).filter((r) => !rules.includes(r));
      out.push({
        file,
        name: c.name,
        passed: got === c.expect && !missing.length,
        expected: c.expect + (c.rules?.length ? ` [${c.rules.join(", ")}]` : ""),
        got: got + (rules.length ? ` [${rules.join(", ")}]` : ""),
        ...(missing.length ? { detail: `rules not triggered: ${missing.join(", ")}` } : {}),
      });
    }
  }
  return out;
}
