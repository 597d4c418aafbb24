import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, offer } from "../testutil/testing.js";
import { apkAnalyzer } from "./apk.js";

// Hand-written in apk-tools' installed-database format (two records copied in shape from an
// Alpine 3.19 image): no apk-tools or Alpine packages are available on this Debian machine.
const installed = readFileSync(join(import.meta.dirname, "testdata", "installed"));
const PATH = "/lib/apk/db/installed";

describe("apk analyzer", () => {
  it("reads packages with origin as the source package", async () => {
    const out = await offer(apkAnalyzer, bufferFile(PATH, installed));
    expect(out?.packages?.map((p) => [p.name, p.version, p.arch, p.source?.name, p.licenses.join()])).toEqual(
      [
        ["musl", "1.2.4-r2", "x86_64", "musl", "MIT"],
        ["libcrypto3", "3.1.4-r1", "x86_64", "openssl", "Apache-2.0"],
      ],
    );
  });

  it("turns F:/R: lines into each package's owned files", async () => {
    const out = await offer(apkAnalyzer, bufferFile(PATH, installed));
    expect(out?.ownedFileSets).toEqual([
      { owner: "musl", files: ["/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1"] },
      {
        owner: "libcrypto3",
        files: [
          "/etc/ssl/ct_log_list.cnf",
          "/etc/ssl/openssl.cnf",
          "/usr/lib/libcrypto.so.3",
          "/usr/lib/engines-3/afalg.so",
        ],
      },
    ]);
  });

  it("rejects malformed databases with PARSE", async () => {
    await expect(offer(apkAnalyzer, bufferFile(PATH, "P:x\nthis is not a key line\n"))).rejects.toMatchObject(
      { code: "PARSE" },
    );
    await expect(offer(apkAnalyzer, bufferFile(PATH, "P:x\nA:x86_64\n"))).rejects.toMatchObject({
      code: "PARSE",
    });
    expect(apkAnalyzer.wants("/usr/lib/apk/db/installed", { size: 10, mode: 0o100644 })).toBe(true);
    expect(apkAnalyzer.wants("/home/lib/apk/db/installed", { size: 10, mode: 0o100644 })).toBe(false);
  });
});
