/**
 * Alert records and outputs against real receivers: a UDP and a TCP syslog listener
 * (node sockets), an HTTP server for the webhook and Slack shapes, a real file that
 * rotates. Limits: dedup and the per rule+container token bucket on a fake clock.
 */
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer as createHttp } from "node:http";
import { createServer as createTcp, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../events/index.js";
import type { RuleMatch } from "../rules/index.js";
import {
  AlertLimiter,
  AlertSink,
  FileOutput,
  SyslogOutput,
  WebhookOutput,
  formatText,
  parseOutputSpec,
  rfc5424,
  toAlert,
} from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-alerts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event: RuntimeEvent = {
  schema: 1,
  time: "2026-12-03T08:00:00.123456789Z",
  source: "bpftrace",
  type: "open",
  path: "/etc/shadow",
  access: "read",
  flags: ["O_RDONLY"],
  process: {
    pid: 42,
    ppid: 1,
    name: "cat",
    exe: "cat",
    args: ["/etc/shadow"],
    uid: 0,
    gid: 0,
    ancestors: [{ pid: 1, name: "sh" }],
  },
  container: { id: "c1", name: "web", image: "minbase", imageDigest: `sha256:${"a".repeat(64)}` },
  k8s: { podName: "web-0", namespace: "prod" },
};
const match = (output = "shadow read by cat", rule = "Read Sensitive File"): RuleMatch => ({
  rule,
  priority: "WARNING",
  tags: ["T1003.008"],
  output,
  event,
});

describe("alert record", () => {
  it("carries rule, priority, tags, output, ancestry, container, k8s and image digest", () => {
    const a = toAlert(match());
    expect(a).toMatchObject({
      rule: "Read Sensitive File",
      priority: "WARNING",
      tags: ["T1003.008"],
      imageDigest: event.container.imageDigest,
      ancestry: [{ pid: 1, name: "sh" }],
      k8s: { podName: "web-0" },
    });
    expect(formatText(a)).toBe(
      "2026-12-03T08:00:00.123456789Z WARNING Read Sensitive File: shadow read by cat [container=c1 name=web image=minbase pod=prod/web-0]",
    );
  });
});

describe("limits", () => {
  it("drops duplicates within the window and rate-limits per rule and container, then reports the count", () => {
    let now = 0;
    const l = new AlertLimiter({ dedupMs: 1000, burst: 3, perMinute: 60, now: () => now });
    expect(l.check("r", "c1", "a").send).toBe(true);
    expect(l.check("r", "c1", "a")).toEqual({ send: false, reason: "duplicate" });
    expect(l.check("r", "c2", "a").send).toBe(true); // another container: its own key
    expect(l.check("r", "c1", "b")).toEqual({ send: true, suppressedBefore: 1 });
    expect(l.check("r", "c1", "c").send).toBe(true);
    expect(l.check("r", "c1", "d")).toEqual({ send: false, reason: "rate" });
    now += 1000; // one token back at 60/min
    expect(l.check("r", "c1", "e")).toEqual({ send: true, suppressedBefore: 1 });
    expect(l.suppressedTotal).toBe(2);
  });

  it("a loop of identical alerts reaches the outputs once", () => {
    const lines: string[] = [];
    const sink = new AlertSink([
      { name: "mem", errors: 0, send: (a) => lines.push(a.output), close: async () => {} },
    ]);
    for (let i = 0; i < 10_000; i++) sink.raise(match());
    expect(lines).toEqual(["shadow read by cat"]);
    expect(sink.limiter.suppressedTotal).toBe(9_999);
  });

  it("audited alerts (response actions taken or refused) are never held back", () => {
    const lines: string[] = [];
    const sink = new AlertSink(
      [{ name: "mem", errors: 0, send: (a) => lines.push(a.output), close: async () => {} }],
      { burst: 1, perMinute: 1 },
    );
    for (let i = 0; i < 50; i++) sink.raise(match(`killed pid ${i}`), { audit: true });
    // The limit still holds for ordinary alerts: one through, the next held back.
    sink.raise(match("dry run: would kill pid 1"));
    sink.raise(match("dry run: would kill pid 2"));
    expect(lines).toHaveLength(51);
    expect(sink.limiter.suppressedTotal).toBe(1);
  });
});

describe("outputs", () => {
  it("file output rotates by size and keeps N files", async () => {
    const path = join(dir, "rot", "alerts.jsonl");
    const out = new FileOutput({ path, maxBytes: 4096, keep: 2 });
    for (let i = 0; i < 20; i++) out.send(toAlert(match(`alert ${i}`)));
    await out.close();
    expect(readdirSync(join(dir, "rot")).sort()).toEqual([
      "alerts.jsonl",
      "alerts.jsonl.1",
      "alerts.jsonl.2",
    ]);
    const last = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { output: string });
    expect(last.at(-1)?.output).toBe("alert 19");
  });

  it("syslog over UDP is one RFC 5424 datagram per alert", async () => {
    const server = createSocket("udp4");
    server.bind(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    const out = new SyslogOutput({ host: "127.0.0.1", port, protocol: "udp" });
    const got = once(server, "message");
    out.send(toAlert(match('quote " and ] here', 'rule "x"')));
    const [msg] = (await got) as [Buffer];
    await out.close();
    server.close();
    // local0 (16) * 8 + warning (4) = 132
    expect(msg.toString()).toMatch(
      /^<132>1 2026-12-03T08:00:00\.123456789Z \S+ bulwark \d+ alert \[bulwark@32473 rule="rule \\"x\\"" priority="WARNING" container="c1"\] .*quote " and \] here/,
    );
  });

  it("syslog over TCP uses octet-counted framing", async () => {
    const chunks: Buffer[] = [];
    const server = createTcp((s) => s.on("data", (d) => chunks.push(d)));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const out = new SyslogOutput({
      host: "127.0.0.1",
      port: (server.address() as AddressInfo).port,
      protocol: "tcp",
    });
    out.send(toAlert(match("one")));
    out.send(toAlert(match("two")));
    await out.close();
    await new Promise((r) => setTimeout(r, 100));
    server.close();
    const text = Buffer.concat(chunks).toString();
    const frames: string[] = [];
    for (let rest = text; rest.length > 0;) {
      const sp = rest.indexOf(" ");
      const len = Number(rest.slice(0, sp));
      frames.push(rest.slice(sp + 1, sp + 1 + len));
      rest = rest.slice(sp + 1 + len);
    }
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe(rfc5424(toAlert(match("one")), {}));
    expect(frames[1]).toContain("WARNING Read Sensitive File: two [container=c1");
  });

  it("webhook posts the alert JSON and Slack posts {text}", async () => {
    const bodies: Array<{ url?: string; body: string }> = [];
    const server = createHttp((req, res) => {
      let b = "";
      req.on("data", (d: Buffer) => (b += d.toString()));
      req.on("end", () => {
        bodies.push({ url: req.url, body: b });
        res.end("ok");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hook = new WebhookOutput({ url: `${base}/hook` });
    const slack = new WebhookOutput({ url: `${base}/slack`, slack: true });
    hook.send(toAlert(match()));
    slack.send(toAlert(match()));
    await hook.close();
    await slack.close();
    server.close();
    const byUrl = Object.fromEntries(
      bodies.map((b) => [b.url, JSON.parse(b.body) as Record<string, unknown>]),
    );
    expect(byUrl["/hook"]).toMatchObject({ rule: "Read Sensitive File", container: { id: "c1" } });
    expect(byUrl["/slack"]).toEqual({
      text: expect.stringContaining("WARNING Read Sensitive File: shadow read by cat") as unknown,
    });
    expect(hook.delivered + slack.delivered).toBe(2);
  });

  it("a dead webhook is counted, never thrown", async () => {
    const hook = new WebhookOutput({ url: "http://127.0.0.1:9/", timeoutMs: 500 });
    hook.send(toAlert(match()));
    await hook.close();
    expect(hook.errors).toBe(1);
  });

  it("--output specs: known ones parse, unknown ones are one clear usage error", () => {
    expect(parseOutputSpec("syslog+udp://[::1]:514", "json").name).toBe("syslog:udp://::1:514");
    expect(parseOutputSpec("slack:https://hooks.example/x", "json").name).toBe("slack:hooks.example");
    expect(() => parseOutputSpec("kafka://x", "json")).toThrow(/unknown output "kafka:\/\/x"/);
    expect(() => parseOutputSpec("webhook:ftp://x", "json")).toThrow(/must be http/);
  });
});
