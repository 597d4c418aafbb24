import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, diskFile, offer } from "../testutil/testing.js";
import { cached, hasCommand, run } from "../testutil/testcache.js";
import { RpmHeader } from "./header.js";
import { parseSourceRpm, rpmAnalyzer } from "./rpm.js";

const SQLITE = ["--define", "_db_backend sqlite"];

function spec(name: string, extra: string, arch: string): string {
  return `Name: ${name}
Version: 1.2.3
Release: 4.test
${extra}
Summary: Bulwark test package
License: MIT and ASL 2.0
BuildArch: ${arch}
%description
test
%install
mkdir -p %{buildroot}/usr/share/${name}/sub %{buildroot}/usr/bin
echo hi > %{buildroot}/usr/share/${name}/hello.txt
echo yo > %{buildroot}/usr/share/${name}/sub/other.txt
printf '#!/bin/sh\\n' > %{buildroot}/usr/bin/${name}
%files
/usr/share/${name}
/usr/bin/${name}
`;
}

/** Real rpms from rpmbuild, installed with rpm --justdb into a throwaway sqlite rpmdb. */
function buildRpmdb(): string {
  return cached("rpmdb-sqlite-v1", (dir) => {
    mkdirSync(join(dir, "SPECS"));
    writeFileSync(join(dir, "SPECS/a.spec"), spec("bulwark-epoch", "Epoch: 2", "noarch"));
    writeFileSync(join(dir, "SPECS/b.spec"), spec("bulwark-plain", "", "x86_64"));
    for (const s of ["a", "b"])
      run("rpmbuild", ["--define", `_topdir ${dir}`, "-bb", join(dir, `SPECS/${s}.spec`)]);
    const rpms = ["noarch", "x86_64"].flatMap((a) =>
      readdirSync(join(dir, "RPMS", a)).map((f) => join(dir, "RPMS", a, f)),
    );
    mkdirSync(join(dir, "db"));
    run("rpm", ["--dbpath", join(dir, "db"), ...SQLITE, "--initdb"]);
    run("rpm", [
      "--dbpath",
      join(dir, "db"),
      ...SQLITE,
      "-i",
      "--justdb",
      "--nodeps",
      "--ignorearch",
      ...rpms,
    ]);
  });
}

const skip = !hasCommand("rpmbuild")
  ? "rpmbuild missing (Debian package rpm, see .ci/debian-packages.txt)"
  : "";

describe.skipIf(skip)("rpm analyzer on a real sqlite rpmdb", () => {
  const dir = buildRpmdb();
  const dbFile = join(dir, "db", "rpmdb.sqlite");
  const rpmq = (...args: string[]) => run("rpm", ["--dbpath", join(dir, "db"), ...SQLITE, ...args]);

  it("lists the same packages as rpm -qa (epoch, release, arch, source rpm, license)", async () => {
    const out = await offer(rpmAnalyzer, diskFile(dbFile, "/var/lib/rpm/rpmdb.sqlite"));
    const ours = (out?.packages ?? [])
      .map((p) => [p.name, p.version, p.arch, p.metadata?.sourceRpm, p.licenses.join("|")].join(" "))
      .sort();
    const theirs = rpmq(
      "-qa",
      "--qf",
      "%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM} %{LICENSE}\\n",
    )
      .split("\n")
      .filter((l) => l !== "")
      .sort();
    expect(ours).toHaveLength(2);
    expect(ours).toEqual(theirs);
    const epoch = out?.packages?.find((p) => p.name === "bulwark-epoch");
    expect(epoch).toMatchObject({
      version: "2:1.2.3-4.test",
      source: { name: "bulwark-epoch", version: "2:1.2.3-4.test" },
      metadata: { epoch: 2 },
    });
  });

  it("reports each package's files as rpm -ql does", async () => {
    const out = await offer(rpmAnalyzer, diskFile(dbFile, "/var/lib/rpm/rpmdb.sqlite"));
    for (const set of out?.ownedFileSets ?? []) {
      const theirs = rpmq("-ql", set.owner)
        .split("\n")
        .filter((l) => l !== "");
      expect(set.files.sort()).toEqual(theirs.sort());
      expect(set.files.length).toBe(5);
    }
    expect(out?.ownedFileSets).toHaveLength(2);
  });

  it("leaves the shared file buffer as it found it (WAL header bytes restored)", async () => {
    const buf = readFileSync(dbFile);
    const before = Buffer.from(buf);
    expect(buf[18]).toBe(2);
    const out = await offer(rpmAnalyzer, bufferFile("/var/lib/rpm/rpmdb.sqlite", buf));
    expect(out?.packages).toHaveLength(2);
    expect(buf.equals(before)).toBe(true);
  });

  it("rejects corrupt databases and headers with PARSE", async () => {
    const db = readFileSync(dbFile);
    await expect(
      offer(rpmAnalyzer, bufferFile("/var/lib/rpm/rpmdb.sqlite", db.subarray(0, 100))),
    ).rejects.toMatchObject({ code: "PARSE" });
    await expect(
      offer(rpmAnalyzer, bufferFile("/var/lib/rpm/rpmdb.sqlite", "not sqlite at all, just text")),
    ).rejects.toMatchObject({ code: "PARSE" });
    const bad = Buffer.alloc(24);
    bad.writeUInt32BE(1, 0);
    bad.writeUInt32BE(0xfffffff, 4);
    expect(() => new RpmHeader(bad)).toThrow(/out of range/);
  });
});

describe("rpm formats and names", () => {
  it("reports BerkeleyDB and NDB databases as unsupported without reading them", async () => {
    const file = {
      ...bufferFile("/var/lib/rpm/Packages", ""),
      read: () => Promise.reject(new Error("must not read")),
    };
    await expect(offer(rpmAnalyzer, file)).rejects.toMatchObject({
      code: "PARSE",
      message: expect.stringMatching(/BerkeleyDB/),
    });
    const ndb = {
      ...bufferFile("/usr/lib/sysimage/rpm/Packages.db", ""),
      read: () => Promise.reject(new Error("must not read")),
    };
    await expect(offer(rpmAnalyzer, ndb)).rejects.toMatchObject({ message: expect.stringMatching(/NDB/) });
  });

  it("splits source rpm names", () => {
    expect(parseSourceRpm("openssl-3.0.7-24.el9.src.rpm")).toEqual({
      name: "openssl",
      version: "3.0.7-24.el9",
    });
    expect(parseSourceRpm("python-dateutil-2.8.1-7.el9.src.rpm")).toEqual({
      name: "python-dateutil",
      version: "2.8.1-7.el9",
    });
    expect(parseSourceRpm("garbage")).toBeUndefined();
  });
});
