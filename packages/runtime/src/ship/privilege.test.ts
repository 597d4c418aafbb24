/**
 * Privilege evidence from /proc/PID/status: a real process's status (this test's, and a
 * child's), generated status texts for the parser (fast-check: it reads any process's file),
 * host mounts from a container's OCI mounts, and which containers `--observe --image` picks.
 */
import { spawn } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ContainerInfo } from "../events/index.js";
import { normaliseRef, runsImage } from "./observe.js";
import { hostMounts, parseStatus, PrivilegeAccumulator, processPrivilege } from "./privilege.js";

describe("privilege from /proc/PID/status", () => {
  it("reads a real process: effective uid 0 is root, CapEff names the capabilities held", async () => {
    const self = processPrivilege("/proc/self")!;
    expect(self.root).toBe(process.geteuid?.() === 0);
    const child = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const p = processPrivilege(`/proc/${child.pid}`)!;
      expect(p).toEqual(self);
    } finally {
      child.kill();
    }
    expect(processPrivilege("/proc/0-no-such-process")).toBeUndefined();
  });

  it("parses Uid and CapEff lines; each set bit of a known capability is named once", () => {
    const status = (uid: number, mask: bigint) =>
      `Name:\tpython3\nUid:\t1000\t${uid}\t${uid}\t${uid}\nCapInh:\t0000000000000000\nCapEff:\t${mask.toString(16).padStart(16, "0")}\n`;
    expect(parseStatus(status(0, (1n << 21n) | (1n << 13n)))).toEqual({
      root: true,
      capabilities: ["CAP_NET_RAW", "CAP_SYS_ADMIN"],
    });
    fc.assert(
      fc.property(fc.nat({ max: 70000 }), fc.bigInt({ min: 0n, max: (1n << 41n) - 1n }), (uid, mask) => {
        const p = parseStatus(status(uid, mask))!;
        expect(p.root).toBe(uid === 0);
        let bits = 0;
        for (let m = mask; m > 0n; m >>= 1n) bits += Number(m & 1n);
        expect(p.capabilities).toHaveLength(bits);
        expect(new Set(p.capabilities).size).toBe(bits);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const p = parseStatus(text);
        if (p) expect(Array.isArray(p.capabilities)).toBe(true);
      }),
    );
  });

  it("host mounts are bind mounts of absolute host paths; the accumulator joins every process", () => {
    const c: ContainerInfo = {
      id: "c1",
      mounts: [
        { source: "proc", destination: "/proc" },
        { source: "tmpfs", destination: "/dev" },
        { source: "/var/run/docker.sock", destination: "/var/run/docker.sock" },
      ],
    };
    expect(hostMounts(c)).toEqual(["/var/run/docker.sock:/var/run/docker.sock"]);
    const acc = new PrivilegeAccumulator();
    acc.add({ root: false, capabilities: ["CAP_KILL"] }, c);
    acc.add({ root: true, capabilities: ["CAP_NET_RAW", "CAP_KILL"] }, { id: "c2" });
    expect(acc.value).toEqual({
      root: true,
      privileged: false,
      capabilities: ["CAP_KILL", "CAP_NET_RAW"],
      hostMounts: ["/var/run/docker.sock:/var/run/docker.sock"],
    });
    acc.add(undefined, { id: "c3", privileged: true });
    expect(acc.value.privileged).toBe(true);
  });
});

describe("which containers --observe --image picks", () => {
  const digest = `sha256:${"ab".repeat(32)}`;
  it("a digest matches the container's image digest (or a reference pinned to it)", () => {
    expect(runsImage({ id: "a", imageDigest: digest }, digest)).toBe(true);
    expect(runsImage({ id: "a", image: `registry.example/app@${digest}` }, digest)).toBe(true);
    expect(runsImage({ id: "a", imageDigest: `sha256:${"cd".repeat(32)}` }, digest)).toBe(false);
    expect(runsImage({ id: "a" }, digest)).toBe(false);
  });

  it("a reference matches after Docker Hub's defaults are applied", () => {
    expect(normaliseRef("python")).toBe("library/python:latest");
    expect(normaliseRef("docker.io/library/python:3.11")).toBe("library/python:3.11");
    expect(runsImage({ id: "a", image: "docker.io/library/python:3.11" }, "python:3.11")).toBe(true);
    expect(
      runsImage(
        { id: "a", image: "registry.example:5000/team/app" },
        "registry.example:5000/team/app:latest",
      ),
    ).toBe(true);
    expect(runsImage({ id: "a", image: "python:3.12" }, "python:3.11")).toBe(false);
    expect(runsImage({ id: "a" }, "python:3.11")).toBe(false);
  });
});
