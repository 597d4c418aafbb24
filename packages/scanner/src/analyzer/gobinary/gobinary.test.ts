import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, diskFile, offer } from "../testutil/testing.js";
import { cached, hasCommand, npmPackage, run } from "../testutil/testcache.js";
import { goBinaryAnalyzer, parseModInfo, stdlibVersion } from "./gobinary.js";

/** `go version -m` is the reference reader: its lines are "\t<kind>\t<path>\t<version>…". */
function goVersionM(binary: string): { goVersion: string; lines: string[][] } {
  const text = run("go", ["version", "-m", binary]);
  const [first, ...rest] = text.split("\n");
  return {
    goVersion: first?.split(": ").pop()?.trim() ?? "",
    lines: rest.filter((l) => l.startsWith("\t")).map((l) => l.slice(1).split("\t")),
  };
}

const noGo = hasCommand("go") ? "" : "go missing (Debian package golang-go, see .ci/debian-packages.txt)";

/** Publish a module into a file:// GOPROXY directory the way a module proxy serves it. */
function publishModule(proxy: string, work: string, path: string, version: string, source: string): void {
  const src = join(work, "src", `${path}@${version}`);
  mkdirSync(src, { recursive: true });
  const gomod = `module ${path}\n\ngo 1.18\n`;
  writeFileSync(join(src, "go.mod"), gomod);
  writeFileSync(join(src, "m.go"), source);
  const at = join(proxy, path, "@v");
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, "list"), `${version}\n`);
  writeFileSync(
    join(at, `${version}.info`),
    JSON.stringify({ Version: version, Time: "2023-01-01T00:00:00Z" }),
  );
  writeFileSync(join(at, `${version}.mod`), gomod);
  run("zip", ["-q", "-r", join(at, `${version}.zip`), `${path}@${version}`], join(work, "src"));
}

/**
 * A real go1.18+ binary (inline build info) built offline: one dependency from a local
 * file:// module proxy, one replaced by another proxied module, one replaced by a directory.
 */
function buildModernBinary(goarch = "amd64"): string {
  const dir = cached(
    `go-modern-binary-v2:${goarch}:${hasCommand("go") ? run("go", ["version"]).trim() : ""}`,
    (work) => {
      const proxy = join(work, "proxy");
      publishModule(
        proxy,
        work,
        "example.com/dep",
        "v1.2.0",
        'package dep\n\nfunc Dep() string { return "dep" }\n',
      );
      publishModule(
        proxy,
        work,
        "example.com/fork",
        "v1.3.0",
        'package old\n\nfunc Old() string { return "fork" }\n',
      );
      mkdirSync(join(work, "lib"));
      mkdirSync(join(work, "app"));
      writeFileSync(join(work, "lib/go.mod"), "module example.com/lib\n\ngo 1.18\n");
      writeFileSync(join(work, "lib/lib.go"), 'package lib\n\nfunc Hello() string { return "hello" }\n');
      writeFileSync(
        join(work, "app/go.mod"),
        [
          "module example.com/app",
          "go 1.18",
          "require (\n\texample.com/lib v1.0.0\n\texample.com/dep v1.2.0\n\texample.com/old v1.0.0\n)",
          "replace example.com/lib => ../lib",
          "replace example.com/old => example.com/fork v1.3.0",
          "",
        ].join("\n\n"),
      );
      writeFileSync(
        join(work, "app/main.go"),
        'package main\n\nimport (\n\t"example.com/dep"\n\t"example.com/lib"\n\t"example.com/old"\n)\n\nfunc main() { println(lib.Hello(), dep.Dep(), old.Old()) }\n',
      );
      const env = {
        GOPROXY: `file://${proxy}`,
        GOSUMDB: "off",
        GOFLAGS: "-mod=mod",
        GOCACHE: join(work, "gocache"),
        GOPATH: join(work, "gopath"),
        CGO_ENABLED: "0",
        GOOS: "linux",
        GOARCH: goarch,
      };
      run("go", ["build", "-buildvcs=false", "-o", join(work, "app.bin"), "."], join(work, "app"), env);
      run("chmod", ["-R", "u+w", work]);
    },
  );
  return join(dir, "app.bin");
}

/** The modern test binary edited by `edit`, read by `go version -m` and by the analyzer. */
async function analyseEdited(edit: (buf: Buffer) => void) {
  const buf = Buffer.from(readFileSync(buildModernBinary()));
  edit(buf);
  const dir = mkdtempSync(join(tmpdir(), "bulwark-gobinary-"));
  try {
    const path = join(dir, "app");
    writeFileSync(path, buf, { mode: 0o755 });
    const ref = goVersionM(path);
    const pkgs = (await offer(goBinaryAnalyzer, diskFile(path, "/app")))?.packages ?? [];
    return { ref, pkgs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Dependencies as `go version -m` shows them, with Bulwark's replacement rule applied. */
function expectedDeps(lines: string[][]): string[] {
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l[0] !== "dep") return;
    const next = lines[i + 1];
    if (next?.[0] !== "=>") out.push(`${l[1]}@${l[2]}`);
    else if (/^\.{0,2}\//.test(next[1] ?? "")) out.push(`${l[1]}@`);
    else out.push(`${next[1]}@${next[2]}`);
  });
  return out;
}

describe.skipIf(noGo)("Go binaries against go version -m", () => {
  it("reads the old pointer-based build info of esbuild 0.14.0 (go1.17.2)", async () => {
    const bin = join(npmPackage("esbuild-linux-64@0.14.0"), "bin/esbuild");
    const ref = goVersionM(bin);
    expect(ref.goVersion).toBe("go1.17.2");
    // Confirm the fixture really is the old layout: flags byte without the inline-version bit.
    const buf = readFileSync(bin);
    const at = buf.indexOf(Buffer.from("\xff Go buildinf:", "latin1"));
    expect((buf[at + 15] ?? 0) & 2).toBe(0);

    const out = await offer(goBinaryAnalyzer, diskFile(bin, "/usr/lib/node_modules/esbuild/bin/esbuild"));
    const pkgs = out?.packages ?? [];
    expect(pkgs.find((p) => p.name === "stdlib")?.version).toBe("1.17.2");
    const main = ref.lines.find((l) => l[0] === "mod");
    expect(pkgs.find((p) => p.metadata?.mainModule)).toMatchObject({
      name: main?.[1],
      version: "",
      metadata: { moduleVersion: main?.[2] },
    });
    const deps = ref.lines.filter((l) => l[0] === "dep").map((l) => `${l[1]}@${l[2]}`);
    expect(deps.length).toBeGreaterThan(0);
    expect(
      pkgs.filter((p) => !p.metadata?.mainModule && p.name !== "stdlib").map((p) => `${p.name}@${p.version}`),
    ).toEqual(deps);
    expect(
      pkgs.every(
        (p) => p.type === "golang" && p.locations[0]?.path === "/usr/lib/node_modules/esbuild/bin/esbuild",
      ),
    ).toBe(true);
  });

  it("reads the go1.18+ inline build info and honours module and directory replacements", async () => {
    const bin = buildModernBinary();
    const ref = goVersionM(bin);
    const out = await offer(goBinaryAnalyzer, diskFile(bin, "/app"));
    const pkgs = out?.packages ?? [];
    expect(pkgs.find((p) => p.name === "stdlib")?.version).toBe(stdlibVersion(ref.goVersion));
    expect(pkgs.find((p) => p.metadata?.mainModule)?.name).toBe(ref.lines.find((l) => l[0] === "mod")?.[1]);
    const deps = pkgs
      .filter((p) => p.name !== "stdlib" && !p.metadata?.mainModule)
      .map((p) => `${p.name}@${p.version}`);
    expect(deps).toEqual(expectedDeps(ref.lines));
    expect(deps.sort()).toEqual(["example.com/dep@v1.2.0", "example.com/fork@v1.3.0", "example.com/lib@"]);
    expect(pkgs.find((p) => p.name === "example.com/lib")).toMatchObject({
      version: "",
      metadata: { replacedBy: "../lib" },
    });
    expect(pkgs.find((p) => p.name === "example.com/fork")?.metadata?.replaces).toBe(
      "example.com/old@v1.0.0",
    );
  });

  // 32-bit little-endian and 64-bit big-endian ELF layouts, cross-built with the same toolchain.
  it.each([
    ["386", 1, 1],
    ["s390x", 2, 2],
  ])("reads a %s binary's build info like go version -m", async (goarch, elfClass, elfData) => {
    const bin = buildModernBinary(goarch as string);
    const ref = goVersionM(bin);
    const head = readFileSync(bin).subarray(0, 6);
    // ELF class 1 = 32-bit, 2 = 64-bit; data 1 = little-endian, 2 = big-endian.
    expect([head[4], head[5]]).toEqual([elfClass, elfData]);
    const pkgs = (await offer(goBinaryAnalyzer, diskFile(bin, "/app")))?.packages ?? [];
    expect(pkgs.find((p) => p.name === "stdlib")?.version).toBe(stdlibVersion(ref.goVersion));
    const deps = pkgs
      .filter((p) => p.name !== "stdlib" && !p.metadata?.mainModule)
      .map((p) => `${p.name}@${p.version}`);
    expect(deps).toEqual(expectedDeps(ref.lines));
    expect(deps).toHaveLength(3);
  });

  it("declines non-Go executables and non-executables", async () => {
    const sh = diskFile("/bin/sh");
    expect(await offer(goBinaryAnalyzer, sh)).toBeUndefined();
    expect(goBinaryAnalyzer.wants("/x", { size: statSync("/bin/sh").size, mode: 0o100644 })).toBe(false);
    // Wanted, so that the walker reports it over `maxBytes` rather than skipping it in silence.
    expect(goBinaryAnalyzer.wants("/x", { size: 300 * 1024 * 1024, mode: 0o100755 })).toBe(true);
    expect(300 * 1024 * 1024).toBeGreaterThan(goBinaryAnalyzer.maxBytes ?? Infinity);
  });

  it("reads only headers of a non-Go executable, never the whole file", async () => {
    const sh = { ...diskFile("/bin/sh"), read: () => Promise.reject(new Error("read the whole file")) };
    expect(await offer(goBinaryAnalyzer, sh)).toBeUndefined();
  });

  it("finds the build info without section headers, in the first writable segment as Go does", async () => {
    const { ref, pkgs } = await analyseEdited((buf) => {
      // e_shoff, e_shnum and e_shstrndx of a 64-bit little-endian ELF: no section headers left.
      buf.writeBigUInt64LE(0n, 40);
      buf.writeUInt16LE(0, 60);
      buf.writeUInt16LE(0, 62);
    });
    expect(pkgs.find((p) => p.name === "stdlib")?.version).toBe(stdlibVersion(ref.goVersion));
    expect(pkgs.filter((p) => p.name !== "stdlib" && !p.metadata?.mainModule)).toHaveLength(3);
  });

  it("falls back to the writable segment when the section is renamed but the file is Go's", async () => {
    const { ref, pkgs } = await analyseEdited((buf) => {
      // Rename the section in the section-name table: Go's rule then searches the segment.
      const at = buf.indexOf(Buffer.from(".go.buildinfo\0", "latin1"));
      expect(at).toBeGreaterThan(0);
      buf.write(".go.buildinfX", at, "latin1");
    });
    expect(ref.lines.length).toBeGreaterThan(0);
    expect(pkgs.find((p) => p.name === "stdlib")?.version).toBe(stdlibVersion(ref.goVersion));
  });

  it("does not search the data segment of an executable whose sections say it is not Go's", async () => {
    const ranges: Array<[number, number]> = [];
    const sh = diskFile("/bin/sh");
    const counted = {
      ...sh,
      readRange: (offset: number, length: number) => {
        ranges.push([offset, length]);
        return sh.readRange(offset, length);
      },
    };
    expect(await offer(goBinaryAnalyzer, counted)).toBeUndefined();
    // The ELF header, the section table and the section names; not 64 KiB of data.
    expect(ranges.length).toBe(3);
    expect(ranges.every(([, length]) => length < 64 * 1024)).toBe(true);
  });

  it("fails cleanly on a truncated Go binary", async () => {
    const buf = readFileSync(buildModernBinary());
    const at = buf.indexOf(Buffer.from("\xff Go buildinf:", "latin1"));
    // Keep the magic but cut the file inside the header's string data.
    const out = offer(goBinaryAnalyzer, bufferFile("/t", buf.subarray(0, at + 40), 0o100755));
    await expect(out).rejects.toMatchObject({ code: "PARSE" });
  });
});

describe("modinfo text", () => {
  it("applies versioned replacements and keeps build settings", () => {
    const mod = parseModInfo(
      "path\texample.com/cmd\nmod\texample.com\t(devel)\t\ndep\ta.com/x\tv1.0.0\th1:abc\n=>\tb.com/x\tv1.1.0\th1:def\nbuild\tvcs.revision=abc123\n",
    );
    expect(mod.main).toEqual({ path: "example.com", version: "(devel)" });
    expect(mod.deps[0]?.replace).toEqual({ path: "b.com/x", version: "v1.1.0", sum: "h1:def" });
    expect(mod.settings.get("vcs.revision")).toBe("abc123");
    expect(stdlibVersion("go1.20 X:boringcrypto")).toBe("1.20");
  });
});
