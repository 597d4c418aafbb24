import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkListenSecurity,
  isLoopback,
  loadTls,
  parseListen,
  ServiceError,
  stopOnSignal,
} from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-service-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("listen addresses", () => {
  it("parses host:port, [v6]:port, :port, port and a bare host; loopback by default", () => {
    expect(parseListen("0.0.0.0:9000", 1)).toEqual({ host: "0.0.0.0", port: 9000 });
    expect(parseListen("[::1]:9000", 1)).toEqual({ host: "::1", port: 9000 });
    expect(parseListen(":9000", 1)).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(parseListen("9000", 1)).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(parseListen("localhost", 8470)).toEqual({ host: "localhost", port: 8470 });
    expect(parseListen("", 8470)).toEqual({ host: "127.0.0.1", port: 8470 });
  });

  it("refuses bad ports and junk with LISTEN_INVALID (property: never throws anything else)", () => {
    for (const bad of ["host:70000", "host:-1", "host:12ab", "a b:80", "[::1]:x"]) {
      expect(() => parseListen(bad, 1), bad).toThrow(ServiceError);
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const a = parseListen(s, 1);
          expect(a.port).toBeGreaterThanOrEqual(0);
          expect(a.port).toBeLessThanOrEqual(65535);
        } catch (e) {
          expect(e).toBeInstanceOf(ServiceError);
        }
      }),
    );
  });

  it("refuses a non-loopback address without TLS unless explicitly allowed", () => {
    expect(isLoopback("127.0.0.5") && isLoopback("::1") && isLoopback("localhost")).toBe(true);
    expect(isLoopback("0.0.0.0") || isLoopback("10.0.0.1") || isLoopback("::")).toBe(false);
    expect(() => checkListenSecurity({ host: "0.0.0.0", port: 1 }, { tls: false })).toThrow(
      /refusing to listen on non-loopback 0\.0\.0\.0 without TLS/,
    );
    expect(() => checkListenSecurity({ host: "0.0.0.0", port: 1 }, { tls: true })).not.toThrow();
    expect(() =>
      checkListenSecurity({ host: "0.0.0.0", port: 1 }, { tls: false, allowInsecure: true }),
    ).not.toThrow();
    expect(() => checkListenSecurity({ host: "127.0.0.1", port: 1 }, { tls: false })).not.toThrow();
  });

  it("loads TLS files with clear errors", () => {
    const notPem = join(dir, "x.pem");
    writeFileSync(notPem, "hello");
    expect(loadTls()).toBeUndefined();
    expect(() => loadTls(notPem)).toThrow(/both a certificate and a key/);
    expect(() => loadTls(notPem, notPem)).toThrow(/cannot read TLS certificate .*not PEM/);
    expect(() => loadTls(join(dir, "missing"), notPem)).toThrow(/ENOENT/);
  });
});

describe("stopOnSignal", () => {
  it("on a real signal stops, then exits 0; a second signal exits 1", async () => {
    const codes: number[] = [];
    let stops = 0;
    let finish!: () => void;
    const slowStop = new Promise<void>((r) => (finish = r));
    const remove = stopOnSignal(
      "test",
      async () => {
        stops++;
        await slowStop;
      },
      { signals: ["SIGUSR2"], exit: (c) => codes.push(c), log: () => undefined },
    );
    try {
      process.kill(process.pid, "SIGUSR2");
      await new Promise((r) => setTimeout(r, 50));
      expect([stops, codes]).toEqual([1, []]);
      process.kill(process.pid, "SIGUSR2");
      await new Promise((r) => setTimeout(r, 50));
      expect(codes).toEqual([1]);
      finish();
      await new Promise((r) => setTimeout(r, 10));
      expect(codes).toEqual([1, 0]);
    } finally {
      remove();
    }
  });
});
