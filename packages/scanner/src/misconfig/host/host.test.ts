import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MisconfigFinding } from "../../../../model/src/finding.js";
import type { ScanResult } from "../../../../model/src/scan.js";
import { type HostComponent, scanHostRoot } from "./scan.js";

const cache = join(tmpdir(), "bulwark-test-cache", "openssh-server-deb");
const opts = { cacheDir: cache, scanners: ["misconfig"] };

/** Debian's own default sshd_config, from the openssh-server package (downloaded once, cached). */
function debianSshdConfig(): string | { error: string } {
  try {
    return fetchDebianSshdConfig();
  } catch (e) {
    return {
      error: `apt-get download openssh-server failed (no Debian archive access?): ${(e as Error).message.split("\n")[0]}`,
    };
  }
}

function fetchDebianSshdConfig(): string {
  const extracted = join(cache, "root");
  const file = join(extracted, "usr/share/openssh/sshd_config");
  if (existsSync(file)) return file;
  mkdirSync(cache, { recursive: true });
  execFileSync("apt-get", ["download", "-qq", "openssh-server"], { cwd: cache, stdio: "pipe" });
  const deb = readdirSync(cache).find((f) => f.startsWith("openssh-server_") && f.endsWith(".deb"));
  if (!deb) throw new Error("apt-get download openssh-server produced no .deb");
  execFileSync("dpkg-deb", ["-x", join(cache, deb), extracted]);
  return file;
}

const found = (r: ScanResult) => r.findings as MisconfigFinding[];
const byId = <T extends [string, ...unknown[]]>(rows: T[]): T[] =>
  rows.sort((a, b) => a[0].localeCompare(b[0]));
const idsOf = (r: ScanResult) => [...new Set(r.findings.map((f) => f.id))].sort();
const status = (r: ScanResult) =>
  Object.fromEntries((r.summary!.hostComponents as HostComponent[]).map((c) => [c.name, c.status]));

let root: string;
let server: Server | undefined;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "bulwark-host-"));
});
afterAll(() => {
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("scan host: sshd_config from Debian's openssh-server package", () => {
  it("applies OpenSSH defaults to what Debian leaves commented out", async (ctx) => {
    const source = debianSshdConfig();
    if (typeof source !== "string") return ctx.skip(source.error);
    mkdirSync(join(root, "etc/ssh/sshd_config.d"), { recursive: true });
    copyFileSync(source, join(root, "etc/ssh/sshd_config"));
    const text = readFileSync(join(root, "etc/ssh/sshd_config"), "utf8");
    expect(text).toMatch(/^Include \/etc\/ssh\/sshd_config\.d\/\*\.conf$/m);
    const r = await scanHostRoot(root, opts);
    expect(idsOf(r)).toEqual(["BW-HOST-002", "BW-HOST-004"]);
    expect(found(r).find((f) => f.id === "BW-HOST-002")).toMatchObject({
      file: "/etc/ssh/sshd_config",
      message: expect.stringContaining("OpenSSH default"),
    });
    expect(status(r)).toEqual({
      sshd: "checked",
      docker: "not-applicable",
      kubelet: "not-applicable",
      "kubernetes-files": "not-applicable",
      "control-plane": "not-applicable",
    });
    expect(r.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^docker: not applicable/)]));
  });

  it("reads Include drop-ins first-value-wins and ignores Match blocks", async (ctx) => {
    if (!existsSync(join(root, "etc/ssh/sshd_config")))
      return ctx.skip("needs Debian's sshd_config (previous test)");
    writeFileSync(
      join(root, "etc/ssh/sshd_config.d/50-site.conf"),
      "# site policy\nPasswordAuthentication no\nPermitRootLogin yes\nAllowGroups ssh-admins\n",
    );
    const main = join(root, "etc/ssh/sshd_config");
    writeFileSync(main, `${readFileSync(main, "utf8")}\nMatch User backup\n    PermitEmptyPasswords yes\n`);
    const r = await scanHostRoot(root, opts);
    expect(found(r).map((f) => [f.id, f.file, f.line])).toEqual([
      ["BW-HOST-001", "/etc/ssh/sshd_config.d/50-site.conf", 3],
    ]);
  });
  it("honours a reasoned bulwark:ignore comment above the setting", async (ctx) => {
    if (!existsSync(join(root, "etc/ssh/sshd_config")))
      return ctx.skip("needs Debian's sshd_config (first test)");
    const dropIn = join(root, "etc/ssh/sshd_config.d/50-site.conf");
    const before = readFileSync(dropIn, "utf8");
    writeFileSync(
      dropIn,
      before.replace(
        "PermitRootLogin yes",
        "# bulwark:ignore=BW-HOST-001 lab VM, console access only\nPermitRootLogin yes",
      ),
    );
    const r = await scanHostRoot(root, opts);
    expect(idsOf(r)).toEqual([]);
    expect(r.suppressed?.map((x) => [x.finding.id, x.by, x.reason])).toEqual([
      ["BW-HOST-001", "inline", "lab VM, console access only"],
    ]);
    writeFileSync(dropIn, before);
  });
});

describe("scan host: Docker daemon", () => {
  it("passes a hardened daemon.json (Docker's documented keys) and flags the open socket", async () => {
    mkdirSync(join(root, "etc/docker"), { recursive: true });
    mkdirSync(join(root, "run"), { recursive: true });
    mkdirSync(join(root, "var"), { recursive: true });
    // Debian-style /var/run -> /run, absolute: must resolve inside ROOT, not on this machine.
    symlinkSync("/run", join(root, "var/run"));
    const daemon = join(root, "etc/docker/daemon.json");
    writeFileSync(
      daemon,
      JSON.stringify(
        {
          "userns-remap": "default",
          icc: false,
          "live-restore": true,
          "no-new-privileges": true,
          hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
          tlsverify: true,
          tlscacert: "/etc/docker/ca.pem",
          tlscert: "/etc/docker/server-cert.pem",
          tlskey: "/etc/docker/server-key.pem",
          "log-driver": "json-file",
        },
        null,
        2,
      ),
    );
    chmodSync(daemon, 0o644);
    const sock = join(root, "run/docker.sock");
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(sock, resolve));
    chmodSync(sock, 0o666);
    const r = await scanHostRoot(root, opts);
    expect(status(r).docker).toBe("checked");
    expect(
      found(r)
        .filter((f) => f.id.startsWith("BW-HOST-01"))
        .map((f) => [f.id, f.file]),
    ).toEqual([["BW-HOST-015", "/var/run/docker.sock"]]);
  });

  it("flags defaults and an unauthenticated TCP socket at the right lines", async () => {
    const daemon = join(root, "etc/docker/daemon.json");
    writeFileSync(daemon, '{\n  "icc": true,\n  "hosts": ["tcp://0.0.0.0:2375"]\n}\n');
    chmodSync(daemon, 0o666);
    chmodSync(join(root, "run/docker.sock"), 0o660);
    const r = await scanHostRoot(root, opts);
    expect(
      byId(
        found(r)
          .filter((f) => f.id.startsWith("BW-HOST-01"))
          .map((f) => [f.id, f.line]),
      ),
    ).toEqual([
      ["BW-HOST-010", 1],
      ["BW-HOST-011", 2],
      ["BW-HOST-012", 1],
      ["BW-HOST-013", 1],
      ["BW-HOST-014", 3],
      ["BW-HOST-016", 1],
    ]);
  });

  it("records a broken daemon.json as an issue and keeps checking the rest", async () => {
    writeFileSync(join(root, "etc/docker/daemon.json"), '{ "icc": false, ');
    const r = await scanHostRoot(root, opts);
    expect(r.issues).toEqual([expect.objectContaining({ path: "/etc/docker/daemon.json", code: "PARSE" })]);
    expect(status(r).docker).toBe("error");
    rmSync(join(root, "etc/docker"), { recursive: true });
  });
});

describe("scan host: kubelet and Kubernetes files", () => {
  it("checks the kubelet config with KubeletConfiguration defaults and file permissions", async () => {
    const dir = join(root, "var/lib/kubelet");
    mkdirSync(dir, { recursive: true });
    const cfg = join(dir, "config.yaml");
    writeFileSync(
      cfg,
      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\nauthorization:\n  mode: Webhook\nrotateCertificates: true\nserverTLSBootstrap: true\n",
    );
    chmodSync(cfg, 0o600);
    let r = await scanHostRoot(root, opts);
    expect(idsOf(r).filter((id) => id >= "BW-HOST-020")).toEqual([]);
    writeFileSync(
      cfg,
      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: true\nauthorization:\n  mode: AlwaysAllow\nreadOnlyPort: 10255\n",
    );
    chmodSync(cfg, 0o644);
    r = await scanHostRoot(root, opts);
    expect(
      byId(
        found(r)
          .filter((f) => f.id >= "BW-HOST-020")
          .map((f) => [f.id, f.line]),
      ),
    ).toEqual([
      ["BW-HOST-020", 5],
      ["BW-HOST-021", 7],
      ["BW-HOST-022", 8],
      ["BW-HOST-023", 1],
      ["BW-HOST-024", 1],
      ["BW-HOST-033", 1],
    ]);
  });

  it("checks kubeconfig and PKI permissions", async () => {
    mkdirSync(join(root, "etc/kubernetes/pki/etcd"), { recursive: true });
    const files: Array<[string, number]> = [
      ["etc/kubernetes/admin.conf", 0o644],
      ["etc/kubernetes/kubelet.conf", 0o600],
      ["etc/kubernetes/pki/ca.key", 0o644],
      ["etc/kubernetes/pki/ca.crt", 0o644],
      ["etc/kubernetes/pki/etcd/server.key", 0o600],
      ["etc/kubernetes/pki/etcd/ca.crt", 0o600],
    ];
    for (const [p, mode] of files) {
      writeFileSync(join(root, p), "x");
      chmodSync(join(root, p), mode);
    }
    const r = await scanHostRoot(root, opts);
    expect(
      byId(
        found(r)
          .filter((f) => f.id >= "BW-HOST-030" && f.id <= "BW-HOST-032")
          .map((f) => [f.id, f.file]),
      ),
    ).toEqual([
      ["BW-HOST-030", "/etc/kubernetes/admin.conf"],
      ["BW-HOST-031", "/etc/kubernetes/pki/ca.key"],
      ["BW-HOST-032", "/etc/kubernetes/pki/ca.crt"],
    ]);
  });
});

describe("scan host on this machine's own /", () => {
  const candidates = [
    "/etc/ssh/sshd_config",
    "/etc/docker/daemon.json",
    "/var/run/docker.sock",
    "/var/lib/kubelet/config.yaml",
    "/etc/kubernetes",
    "/etc/ssh/sshd_config.d",
  ];
  function snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    const visit = (p: string, depth: number): void => {
      let s;
      try {
        s = statSync(p);
      } catch {
        out[p] = "absent";
        return;
      }
      const hash = s.isFile() ? createHash("sha256").update(readFileSync(p)).digest("hex") : "";
      out[p] = `${s.mode}:${s.mtimeMs}:${s.ctimeMs}:${hash}`;
      if (s.isDirectory() && depth > 0) for (const n of readdirSync(p)) visit(join(p, n), depth - 1);
    };
    for (const c of candidates) visit(c, 4);
    return out;
  }

  it("completes, lists not-applicable components and modifies nothing it read", async () => {
    const before = snapshot();
    const r = await scanHostRoot("/", opts);
    expect(snapshot()).toEqual(before);
    const comps = r.summary!.hostComponents as HostComponent[];
    expect(comps.map((c) => c.name)).toEqual([
      "sshd",
      "docker",
      "kubelet",
      "kubernetes-files",
      "control-plane",
    ]);
    for (const c of comps) {
      expect(["checked", "not-applicable", "error"]).toContain(c.status);
      if (c.status === "not-applicable")
        expect(r.warnings).toContain(`${c.name}: not applicable (${c.detail})`);
    }
    // What this machine has decides the status: sshd_config present ⇔ sshd checked.
    expect(comps[0]!.status === "checked").toBe(existsSync("/etc/ssh/sshd_config"));
    expect(comps[2]!.status === "checked").toBe(existsSync("/var/lib/kubelet/config.yaml"));
  });
});
