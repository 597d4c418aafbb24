import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { MisconfigFinding, Report } from "../../../model/src/finding.js";
import { looksLikeDockerfile, scanStdin } from "./stdin.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "bulwark-stdin-"));
  made.push(d);
  return d;
};

/** Runs `producer | bulwark scan config - …` as real processes joined by a real pipe. */
function pipeline(
  producer: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(repo, "packages/cli/src/bin.ts");
  const cmd = `set -o pipefail; ${producer} | "${process.execPath}" --import tsx "${bin}" ${args.map((a) => `'${a}'`).join(" ")}`;
  return new Promise((done, fail) => {
    const child = spawn("bash", ["-c", cmd], { cwd: repo, env: { ...process.env, KUBECONFIG: "/dev/null" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

describe("bulwark scan config - (manifests on standard input)", () => {
  it("checks what kubectl prints to a pipe, naming the stream <stdin>", async () => {
    // kubectl (a real client) renders the manifests offline, as `helm template` would.
    const producer =
      "{ kubectl create deployment web --image=nginx:latest --dry-run=client -o yaml; echo ---; kubectl create service nodeport web --tcp=80:8080 --dry-run=client -o yaml; }";
    const cache = tmp();
    const r = await pipeline(producer, [
      "--cache-dir",
      cache,
      "scan",
      "config",
      "-",
      "--scanners",
      "misconfig",
      "--format",
      "json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const findings = report.findings as MisconfigFinding[];
    const ids = new Set(findings.map((f) => f.id));
    // nginx:latest, a NodePort Service, no namespace (default), no securityContext.
    for (const id of ["BW-K8S-021", "BW-K8S-031", "BW-K8S-026", "BW-K8S-003"]) expect(ids, id).toContain(id);
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(["<stdin>"]));
    const svc = findings.find((f) => f.id === "BW-K8S-031")!;
    expect(svc.resource).toMatchObject({ kind: "Service", name: "web" });
    // The spooled copy is gone.
    expect(readdirSync(cache).filter((n) => n.startsWith("stdin-"))).toEqual([]);
  });

  it("reads a Dockerfile on standard input", async () => {
    const r = await pipeline("printf 'FROM debian:latest\\nRUN sudo apt-get update\\n'", [
      "--cache-dir",
      tmp(),
      "scan",
      "config",
      "-",
      "--scanners",
      "misconfig",
      "--format",
      "json",
    ]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(["BW-DF-001", "BW-DF-002", "BW-DF-008"]),
    );
  });

  it("reports unparseable input as an issue of <stdin>, and refuses a terminal", async () => {
    const cache = tmp();
    const results = await scanStdin(
      cache,
      async (path) => [{ findings: [], issues: [{ path, code: "PARSE", message: "bad" }] }],
      Readable.from(["a: [unclosed\n"]),
    );
    expect(results[0]!.issues).toEqual([{ path: "<stdin>", code: "PARSE", message: "bad" }]);
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    await expect(scanStdin(cache, async () => [], tty)).rejects.toMatchObject({ code: "USAGE" });
    expect(readdirSync(cache)).toEqual([]);
  });

  it("tells Dockerfiles from YAML by the first instruction", () => {
    expect(looksLikeDockerfile("# syntax=docker/dockerfile:1\nARG V=1\nFROM x\n")).toBe(true);
    expect(looksLikeDockerfile("---\napiVersion: v1\nkind: Pod\n")).toBe(false);
    expect(looksLikeDockerfile("from: here\n")).toBe(false);
  });
});
