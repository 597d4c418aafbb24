/**
 * The evidence join shared by the server and `prioritize --observe`. The items are written by
 * hand in the shape `runtime watch` uploads (the live tests in packages/cli and packages/server
 * produce real ones); here each rule of the join is checked on its own.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { imageToObserve, packagesOf, parseWindow } from "./cli/observe.js";
import { contextFromRecords, type EvidenceRecord } from "./evidence.js";
import type { OwnedPackage, RiskFinding } from "./index.js";
import { scoreFinding } from "./score.js";

const T0 = Date.parse("2026-12-04T10:00:00Z");
const SITE = "/usr/local/lib/python3.11/dist-packages";
const pkg = (name: string): OwnedPackage => ({
  type: "pypi",
  name,
  purl: `pkg:pypi/${name}@1.0`,
  locations: [{ path: `${SITE}/${name}-1.0.dist-info/METADATA` }],
});
const rec = (kind: string, data: Record<string, unknown>, from = T0, to = T0 + 30_000): EvidenceRecord => ({
  kind,
  from,
  to,
  data,
});

describe("contextFromRecords", () => {
  it("joins loaded files with the packages, over the union of the windows", () => {
    const ctx = contextFromRecords(
      [
        rec(
          "loaded_files",
          { files: [`${SITE}/used/_rust.abi3.so`], source: "agent" },
          T0 + 60_000,
          T0 + 90_000,
        ),
        rec("loaded_files", { files: ["/usr/bin/python3.11"], source: "agent" }),
      ],
      [pkg("used"), pkg("idle")],
    );
    expect([...ctx.inUse!.packages]).toEqual(["pkg:pypi/used@1.0"]);
    expect(ctx.inUse!.window).toEqual({ from: "2026-12-04T10:00:00.000Z", to: "2026-12-04T10:01:30.000Z" });
    expect(ctx.inUse!.source).toBe("agent");
  });

  it("uses dpkg ownership when given: an OS package's file makes it in use", () => {
    const deb: OwnedPackage = {
      type: "deb",
      name: "libssl3",
      purl: "pkg:deb/debian/libssl3@3.0",
      locations: [],
    };
    const owner = new Map([["/usr/lib/x86_64-linux-gnu/libssl.so.3", deb.purl]]);
    const files = rec("loaded_files", { files: ["/usr/lib/x86_64-linux-gnu/libssl.so.3"] });
    expect([...contextFromRecords([files], [deb], owner).inUse!.packages]).toEqual([deb.purl]);
    expect([...contextFromRecords([files], [deb]).inUse!.packages]).toEqual([]);
  });

  it("leaves packages the files cannot speak for unknown, never 'not in use' (so no VEX claim)", () => {
    const finding = (name: string, purl: string): RiskFinding => ({
      id: `CVE-${name}`,
      severity: "HIGH",
      kev: false,
      fixedVersion: "9",
      package: { name, version: "1", purl },
    });
    const deb: OwnedPackage = {
      type: "deb",
      name: "libssl3",
      purl: "pkg:deb/debian/libssl3@3.0",
      locations: [],
    };
    const go: OwnedPackage = {
      type: "golang",
      name: "example.com/x",
      purl: "pkg:golang/example.com/x@1",
      locations: [],
    };
    const files = rec("loaded_files", { files: ["/usr/bin/app"] });
    const inUse = (ctx: ReturnType<typeof contextFromRecords>, p: OwnedPackage) =>
      scoreFinding(finding(p.name, p.purl), ctx).inUse;
    const blind = contextFromRecords([files], [deb, go, pkg("idle")]);
    expect([inUse(blind, deb), inUse(blind, go), inUse(blind, pkg("idle"))]).toEqual([
      undefined,
      undefined,
      false,
    ]);
    // With dpkg's file list the deb package can be judged: not loaded → false.
    const owner = new Map([["/usr/lib/x86_64-linux-gnu/libssl.so.3", deb.purl]]);
    expect(inUse(contextFromRecords([files], [deb, go], owner), deb)).toBe(false);
    // An agent's purl list speaks for every package, as before.
    const listed = contextFromRecords([rec("packages_in_use", { packages: [] })], [deb]);
    expect(inUse(listed, deb)).toBe(false);
  });

  it("merges privilege across containers and nodes: any root, any privileged, every capability and mount", () => {
    const ctx = contextFromRecords(
      [
        rec("privilege", { root: false, privileged: false, capabilities: ["CAP_KILL"], hostMounts: [] }),
        rec("privilege", {
          root: true,
          privileged: false,
          capabilities: ["CAP_NET_RAW", "CAP_KILL"],
          hostMounts: ["/var/run/docker.sock:/var/run/docker.sock"],
        }),
      ],
      [],
    );
    expect(ctx.privilege).toEqual({
      root: true,
      privileged: false,
      capabilities: ["CAP_KILL", "CAP_NET_RAW"],
      hostMounts: ["/var/run/docker.sock:/var/run/docker.sock"],
    });
    const f: RiskFinding = {
      id: "CVE-1",
      severity: "HIGH",
      kev: false,
      fixedVersion: "2",
      package: { name: "a", version: "1" },
    };
    expect(scoreFinding(f, ctx).why).toMatch(
      /runs as root, host mounts \/var\/run\/docker\.sock:\/var\/run\/docker\.sock, dangerous capabilities CAP_NET_RAW/,
    );
  });

  it("exposure: listening ports and north-south flows add up; the newest exposure item wins over older ones and what a sensor saw adds to it", () => {
    const ports = contextFromRecords(
      [
        rec("listening_ports", { ports: [8080] }),
        rec("listening_ports", { ports: [443, 8080] }),
        rec("flows", { northSouth: ["203.0.113.9>8080", "198.51.100.7>443"] }),
        rec("flows", { northSouth: ["203.0.113.9>8080"] }),
      ],
      [],
    );
    expect(ports.exposure).toEqual({ listeningPorts: [443, 8080], northSouthFlows: 2 });
    const none = contextFromRecords([rec("listening_ports", { ports: [] })], []);
    expect(none.exposure).toEqual({ listeningPorts: [] });
    const explicit = contextFromRecords(
      [rec("exposure", { ingress: true }), rec("listening_ports", { ports: [80] })],
      [],
    );
    expect(explicit.exposure).toEqual({ ingress: true, listeningPorts: [80] });
    const newest = contextFromRecords(
      [rec("exposure", { serviceType: "ClusterIP" }), rec("exposure", { serviceType: "LoadBalancer" })],
      [],
    );
    expect(newest.exposure).toEqual({ serviceType: "ClusterIP" });
    expect(contextFromRecords([], [])).toEqual({});
  });

  it("never throws on malformed item data (the server stores what agents send)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom(
              "loaded_files",
              "packages_in_use",
              "listening_ports",
              "privilege",
              "flows",
              "exposure",
              "x",
            ),
            from: fc.integer({ min: 0, max: 2 ** 40 }),
            to: fc.integer({ min: 0, max: 2 ** 40 }),
            data: fc.oneof(
              fc.constant(null),
              fc.anything(),
              fc.dictionary(
                fc.constantFrom(
                  "files",
                  "ports",
                  "capabilities",
                  "hostMounts",
                  "packages",
                  "northSouth",
                  "root",
                ),
                fc.anything(),
              ),
            ),
          }),
        ),
        (records) => {
          contextFromRecords(records, [pkg("a")]);
        },
      ),
    );
  });
});

describe("prioritize --observe helpers", () => {
  it("parses windows: units, bounds, and rejects anything else with a typed error", () => {
    expect([
      parseWindow("30s"),
      parseWindow("2m"),
      parseWindow("500ms"),
      parseWindow("1h"),
      parseWindow("5"),
    ]).toEqual([30_000, 120_000, 500, 3_600_000, 5_000]);
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const ms = parseWindow(s);
          expect(ms).toBeGreaterThanOrEqual(100);
        } catch (e) {
          expect((e as { code?: string }).code).toBe("USAGE");
        }
      }),
    );
  });

  it("builds the inventory the join needs from the report's findings, paths made absolute", () => {
    const f = (id: string, path: string): RiskFinding => ({
      id,
      severity: "HIGH",
      kev: false,
      fixedVersion: null,
      package: { name: "requests", version: "2.28.1", purl: "pkg:pypi/requests@2.28.1" },
      location: { path },
    });
    expect(
      packagesOf([
        f("A", "usr/lib/requests-2.28.1.dist-info/METADATA"),
        f("B", "/usr/lib/requests-2.28.1.dist-info/METADATA"),
      ]),
    ).toEqual([
      {
        type: "pypi",
        name: "requests",
        purl: "pkg:pypi/requests@2.28.1",
        locations: [{ path: "/usr/lib/requests-2.28.1.dist-info/METADATA" }],
      },
    ]);
  });

  it("observes the report's target when it names an image, and asks for --image when it names files", () => {
    expect(imageToObserve(undefined, "docker.io/library/python:3.11")).toBe("docker.io/library/python:3.11");
    expect(imageToObserve("sha256:ab", "oci:/x:1")).toBe("sha256:ab");
    for (const t of ["oci:/x:1", "rootfs:/r", "/some/dir", ""])
      expect(() => imageToObserve(undefined, t)).toThrow(/--image DIGEST\|REF/);
  });
});
