import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cgroupDirsOf, cgroupMounts } from "./cgroup.js";
import { blkioTotals, ioStatTotals, keyValues } from "./usage.js";

// Hand-written file contents in the kernel's documented formats (cgroup v1 and v2 docs);
// the real files are read in resources.containers.test.ts.
const MOUNTINFO = [
  "30 24 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755",
  "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate",
  "33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct",
  "34 30 0:30 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory",
  "35 30 0:31 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd",
].join("\n");

describe("cgroup locations", () => {
  it("resolve v1 controllers (joined ones too) and the v2 tree of a hybrid host", () => {
    const dirs = cgroupDirsOf(
      "12:cpu,cpuacct:/app\n4:memory:/app\n1:name=systemd:/x\n0::/app\n",
      cgroupMounts(MOUNTINFO),
    );
    expect(Object.fromEntries(dirs.v1)).toEqual({
      cpu: "/sys/fs/cgroup/cpu,cpuacct/app",
      cpuacct: "/sys/fs/cgroup/cpu,cpuacct/app",
      memory: "/sys/fs/cgroup/memory/app",
    });
    expect(dirs.v2).toBe("/sys/fs/cgroup/unified/app");
  });

  it("parse counters", () => {
    expect(keyValues("usage_usec 1500\nuser_usec 1000\nbogus x\n").get("usage_usec")).toBe(1500);
    expect(ioStatTotals("8:0 rbytes=100 wbytes=20 rios=1\n8:16 rbytes=5 wbytes=0\n")).toEqual({
      read: 105,
      write: 20,
    });
    expect(blkioTotals("8:0 Read 100\n8:0 Write 20\n8:0 Total 120\nTotal 120\n")).toEqual({
      read: 100,
      write: 20,
    });
  });

  it("never throw on arbitrary file contents (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        cgroupDirsOf(a, cgroupMounts(b));
        keyValues(a);
        ioStatTotals(a);
        blkioTotals(a);
      }),
      { numRuns: 2000 },
    );
  });
});
