import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isBulwarkError } from "../../../model/src/errors.js";
import { bufferFile } from "./testutil/testing.js";
import { catalogers } from "./registry.js";
import type { Analyzer } from "../../../model/src/analyzer.js";

/** Deterministic pseudo-random bytes (xorshift32) so a failure can be replayed. */
function randomBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const PATHS: Record<string, string> = {
  os: "/etc/os-release",
  dpkg: "/var/lib/dpkg/status",
  apk: "/lib/apk/db/installed",
  rpm: "/var/lib/rpm/rpmdb.sqlite",
  npm: "/app/node_modules/x/package.json",
  python: "/usr/lib/python3/site-packages/x-1.dist-info/METADATA",
  gobinary: "/usr/bin/x",
  java: "/app/x.jar",
  gem: "/usr/lib/ruby/gems/3.1.0/specifications/x-1.gemspec",
  composer: "/app/vendor/composer/installed.json",
  dotnet: "/app/x.deps.json",
  "cargo-auditable": "/usr/bin/x",
  lockfile: "/src/package-lock.json",
};

/** Hostile inputs: empty, random, a real ELF cut short, ELF and zip headers followed by noise. */
function inputs(): Buffer[] {
  const elf = readFileSync("/bin/true");
  const goMagic = Buffer.from("\xff Go buildinf:", "latin1");
  const withGoHeader = Buffer.concat([
    elf.subarray(0, 4096),
    goMagic,
    Buffer.from([8, 0]),
    randomBytes(7, 4096 - 16),
  ]);
  const inlineGoHeader = Buffer.concat([
    elf.subarray(0, 4096),
    goMagic,
    Buffer.from([8, 2]),
    Buffer.alloc(16),
    Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
  ]);
  const zipHeader = Buffer.concat([
    Buffer.from("PK\x03\x04", "latin1"),
    randomBytes(3, 2000),
    Buffer.from("PK\x05\x06", "latin1"),
    randomBytes(4, 18),
  ]);
  return [
    Buffer.alloc(0),
    randomBytes(1, 64),
    randomBytes(2, 65536),
    elf.subarray(0, 64),
    elf.subarray(0, 1000),
    Buffer.concat([elf.subarray(0, 16), randomBytes(5, 5000)]),
    withGoHeader,
    inlineGoHeader,
    zipHeader,
    Buffer.from("SQLite format 3\0", "latin1"),
    Buffer.from('{"packages": [1, "x", null]}'),
    Buffer.from("P:\nV:\n\n"),
  ];
}

async function survive(a: Analyzer, path: string, data: Buffer): Promise<void> {
  try {
    await a.analyze(bufferFile(path, data, 0o100755));
  } catch (e) {
    // Only a clean, typed, one-line PARSE error is acceptable: never a crash from deep inside.
    if (!isBulwarkError(e) || e.code !== "PARSE" || e.message.includes("\n")) throw e;
  }
}

describe("catalogers on hostile input", () => {
  it.each(catalogers.map((a) => [a.name, a] as const))(
    "%s returns or throws PARSE, nothing else",
    async (name, a) => {
      const path = PATHS[name];
      expect(path, `add a path for ${name}`).toBeDefined();
      for (const data of inputs()) await survive(a, path ?? "", data);
    },
  );
});
