/**
 * `bulwark runtime watch` (real CLI process, real bpftrace sensor, default rules) while
 * attacks run in real runc containers built from Debian packages (mmdebstrap + umoci).
 * Every attack must raise its rule's alert carrying the container's id, name and image;
 * a benign web server answering requests and a batch job run alongside with zero alerts.
 * Cloud metadata access goes to 169.254.169.254 on the loopback of a network namespace
 * this test creates, so no packet leaves the machine.
 *
 * Skipped (with the reason printed) when not root or bpftrace/runc are missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import type { Alert } from "../alerts/index.js";
import type { AgentStatus } from "./agent.js";
import {
  createNetns,
  eventually,
  missingForLiveTests,
  sh,
  startContainer,
  type Container,
  type Netns,
} from "../sensor/testing/containers.js";
import { REPO_ROOT } from "../testkit/paths.js";

const missing = missingForLiveTests("watch.containers.test");

const tag = `${process.pid % 100000}`;
const dir = mkdtempSync(join(tmpdir(), "bulwark-watch-e2e-"));

interface Watch {
  child: ChildProcess;
  alerts: Alert[];
  stderr: string[];
  exited: Promise<number | null>;
}

function startWatch(): Promise<Watch> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      resolve(REPO_ROOT, "packages/cli/src/bin.ts"),
      "runtime",
      "watch",
      "--format",
      "json",
      "--status-file",
      join(dir, "status.json"),
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const w: Watch = { child, alerts: [], stderr: [], exited: new Promise((r) => child.once("close", r)) };
  let buf = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    buf += d;
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) w.alerts.push(JSON.parse(l) as Alert);
  });
  return new Promise((ready, fail) => {
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      w.stderr.push(d);
      if (d.includes("attached")) ready(w);
    });
    child.once("close", (code) => fail(new Error(`watch exited ${code}: ${w.stderr.join("")}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each attack: what runs in the attack container, and the default rule it must raise. */
const ATTACKS: Array<{ name: string; rule: string; args: string[] }> = [
  {
    name: "terminal shell",
    rule: "Terminal Shell in Container",
    args: ["script", "-qc", "bash -c id", "/dev/null"],
  },
  { name: "read /etc/shadow", rule: "Read Sensitive File", args: ["cat", "/etc/shadow"] },
  { name: "write below /etc", rule: "Write Below Etc", args: ["sh", "-c", "echo evil > /etc/evil.conf"] },
  {
    name: "write below /usr/bin",
    rule: "Write Below Binary Directory",
    args: ["cp", "/bin/true", "/usr/bin/evil"],
  },
  { name: "package manager", rule: "Package Manager in Running Container", args: ["dpkg", "-l", "bash"] },
  {
    name: "cloud metadata",
    rule: "Cloud Metadata Service Access",
    args: [
      "bash",
      "-c",
      "exec 3<>/dev/tcp/169.254.169.254/80; echo -e 'GET /latest/meta-data/ HTTP/1.0\\r\\n\\r\\n' >&3; true",
    ],
  },
  {
    name: "reverse shell",
    rule: "Reverse Shell Redirect",
    args: [
      "bash",
      "-c",
      "perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalAddr=>\"127.0.0.1\",LocalPort=>4444,Listen=>1,ReuseAddr=>1);$c=$s->accept;sleep 1' & sleep 0.5; bash -c 'exec 1>/dev/tcp/127.0.0.1/4444; echo pwned'; wait",
    ],
  },
  {
    name: "setuid bit",
    rule: "Setuid Bit Set",
    args: ["sh", "-c", "cp /bin/sh /tmp/suid && chmod 4755 /tmp/suid"],
  },
  {
    name: "memfd",
    rule: "Memfd Created in Container",
    args: ["perl", "-e", "my $n = 'x'; syscall(319, $n, 0)"],
  },
  { name: "unshare", rule: "Unshare in Container", args: ["unshare", "-m", "true"] },
];

const WEB_SERVER =
  'use IO::Socket::INET; my $s=IO::Socket::INET->new(LocalAddr=>"127.0.0.1",LocalPort=>8080,Listen=>16,ReuseAddr=>1) or die; ' +
  'while(my $c=$s->accept){ while(<$c>){ last if /^\\r?\\n$/ } print $c "HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello\\n"; close $c }';
const BATCH_JOB =
  "for i in $(seq 1 60); do sha256sum /usr/bin/* > /tmp/sums; wc -l /tmp/sums > /tmp/count; sleep 0.2; done; sleep 600";

describe.skipIf(missing.length > 0)("runtime watch on real runc containers", () => {
  let watch: Watch;
  let attack: Container;
  const benign: Container[] = [];
  const nets: Netns[] = [];
  let requests = 0;

  beforeAll(async () => {
    const rootfs = await (await buildImage(recipes.minbase)).rootfs();
    const attackNet = await createNetns(`bw-attack-${tag}`, ["169.254.169.254/32"]);
    const webNet = await createNetns(`bw-web-${tag}`);
    nets.push(attackNet, webNet);
    watch = await startWatch();
    attack = await startContainer({
      id: `bw-attack-${tag}`,
      name: "attacked-app",
      imageRootfs: rootfs,
      args: ["sleep", "600"],
      netnsPath: attackNet.path,
    });
    benign.push(
      await startContainer({
        id: `bw-web-${tag}`,
        name: "web",
        imageRootfs: rootfs,
        args: ["perl", "-e", WEB_SERVER],
        netnsPath: webNet.path,
      }),
      await startContainer({
        id: `bw-batch-${tag}`,
        name: "batch",
        imageRootfs: rootfs,
        args: ["sh", "-c", BATCH_JOB],
      }),
    );
    await sleep(1000);
    for (const a of ATTACKS) await attack.exec(a.args);
    // The benign web server answers real requests (client on the host side of its netns).
    for (let i = 0; i < 40; i++) {
      const body = await sh("ip", [
        "netns",
        "exec",
        webNet.name,
        "curl",
        "-s",
        "--max-time",
        "5",
        "http://127.0.0.1:8080/",
      ]);
      if (body.includes("hello")) requests++;
      await sleep(100);
    }
    // Every attack's alert in (or a minute passes and the tests say which is missing), then a
    // moment more for any false alarm the benign containers would raise.
    await eventually(() =>
      ATTACKS.every(({ rule }) => watch.alerts.some((a) => a.rule === rule && a.container.id === attack.id)),
    );
    await sleep(2000);
    watch.child.kill("SIGTERM");
    await watch.exited;
  }, 600_000);

  afterAll(async () => {
    if (watch && watch.child.exitCode === null) watch.child.kill("SIGKILL");
    for (const c of [attack, ...benign]) await c?.remove();
    for (const n of nets) await n.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(ATTACKS)("$name raises $rule with the container's id, name and image", ({ rule }) => {
    const hits = watch.alerts.filter((a) => a.rule === rule && a.container.id === attack.id);
    expect(
      hits.length,
      `alerts seen: ${JSON.stringify(watch.alerts.map((a) => [a.rule, a.container.id]))}`,
    ).toBeGreaterThan(0);
    const a = hits[0] as Alert;
    expect(a.container.name).toBe("attacked-app");
    expect(a.container.image).toBe("minbase");
    expect(a.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.container.runtime).toBe("runc");
    expect(a.output).toContain(attack.id);
    expect(a.event.source).toBe("bpftrace");
    expect(a.ancestry.length).toBeGreaterThan(0);
  });

  it("the benign web server answered requests and the batch job ran, with zero alerts", () => {
    expect(requests).toBe(40);
    const batch = benign.find((c) => c.name === "batch") as Container;
    expect(readFileSync(join(batch.bundle, "upper/tmp/count"), "utf8")).toMatch(/^\d+ \/tmp\/sums/);
    const ids = new Set(benign.map((c) => c.id));
    const noisy = watch.alerts.filter((a) => ids.has(a.container.id));
    expect(noisy.map((a) => `${a.container.name}: ${a.rule}: ${a.output}`)).toEqual([]);
  });

  it("reports no kernel drops or parse errors for this load, and stops cleanly", async () => {
    const last = watch.stderr.join("").trim().split("\n").at(-1) ?? "";
    expect(last).toMatch(/ 0 lost, 0 parse errors$/);
    expect(await watch.exited).toBe(0);
    // What `runtime status` reads: the containers seen, rules loaded, the final counters.
    const status = JSON.parse(readFileSync(join(dir, "status.json"), "utf8")) as AgentStatus;
    expect(status.running).toBe(false);
    expect(status.rulesLoaded).toBeGreaterThanOrEqual(40);
    expect(status.containers.map((c) => c.id)).toEqual(
      expect.arrayContaining([attack.id, ...benign.map((c) => c.id)]),
    );
    expect(status.alerts.sent).toBe(watch.alerts.length);
  });
});
