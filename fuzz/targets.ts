/**
 * Fuzz targets: one per parser of untrusted input, listed explicitly. Each takes bytes and
 * must either return or throw a typed error the caller records (BulwarkError, YamlError);
 * anything else — a TypeError, a RangeError, a hang — is a crash.
 */
import { writeFileSync } from "node:fs";
import { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseApkInstalled } from "../packages/scanner/src/analyzer/apk/apk.js";
import { parseDpkgStatus } from "../packages/scanner/src/analyzer/dpkg/dpkg.js";
import { parseIgnoreFile } from "../packages/scanner/src/findings/ignore.js";
import { parseOpenVex } from "../packages/scanner/src/findings/vex.js";
import { parseConfig, parseManifest } from "../packages/image/src/manifest.js";
import { parseReference } from "../packages/image/src/reference.js";
import { TarFormatError } from "../packages/image/src/tar/sparse.js";
import { readTar } from "../packages/image/src/tar/stream.js";
import { indexTar, parsePax } from "../packages/image/src/tarindex.js";
import { parseDockerfile } from "../packages/scanner/src/misconfig/dockerfile/parser.js";
import { parseYamlDocuments } from "../packages/scanner/src/misconfig/yaml-source.js";
import { allSchemes, comparatorForScheme } from "../packages/vulndb/src/version/index.js";
import { lockParserFor } from "../packages/scanner/src/analyzer/lockfile/registry.js";
import { parseKev } from "../packages/vulndb/src/kev.js";
import { validateOsvRecord } from "../packages/vulndb/src/validate.js";
import { platformTargets } from "./targets-platform.js";

export interface FuzzTarget {
  name: string;
  /** What the target parses, for `npm run fuzz -- --list`. */
  about: string;
  run(data: Buffer): unknown;
  /** Errors besides BulwarkError/YamlError that this parser documents as its answer to bad input. */
  expected?: (e: unknown) => boolean;
}

const text = (b: Buffer) => b.toString("utf8");
const tarFile = join(tmpdir(), `bulwark-fuzz-tar-${process.pid}.tar`);

const scannerTargets: FuzzTarget[] = [
  {
    name: "tar",
    about: "tar headers: PAX records and the archive index (docker-archive / oci-archive)",
    async run(data) {
      parsePax(data);
      writeFileSync(tarFile, data);
      try {
        await indexTar(tarFile);
      } finally {
        // The layer reader too: every entry, with the bytes of those a walk could want.
        for await (const e of readTar(Readable.from([data]))) if (e.size <= 1024 * 1024) await e.read();
      }
    },
    expected: (e) => e instanceof TarFormatError,
  },
  {
    name: "oci-manifest",
    about: "OCI/Docker manifests, indexes and image configs",
    run(data) {
      try {
        parseManifest(data, "fuzz");
      } finally {
        parseConfig(data, "fuzz");
      }
    },
  },
  { name: "dpkg-status", about: "dpkg status database", run: (d) => parseDpkgStatus(text(d), "status") },
  {
    name: "apk-installed",
    about: "apk installed database",
    run: (d) => parseApkInstalled(text(d), "installed"),
  },
  { name: "dockerfile", about: "Dockerfiles", run: (d) => parseDockerfile(text(d)) },
  {
    name: "yaml-manifests",
    about: "Kubernetes/Compose YAML streams",
    run: (d) => parseYamlDocuments(text(d)),
  },
  {
    name: "osv-record",
    about: "OSV advisories",
    run(d) {
      let json: unknown;
      try {
        json = JSON.parse(text(d));
      } catch {
        return;
      }
      validateOsvRecord(json);
    },
  },
  {
    name: "lockfile",
    about: "every lockfile/manifest format: the first line names the file (package-lock.json, …)",
    async run(d) {
      const t = text(d);
      const nl = t.indexOf("\n");
      const name = nl < 0 ? t : t.slice(0, nl);
      const parse = await (lockParserFor(name) ?? lockParserFor("package-lock.json")!)();
      parse(nl < 0 ? "" : t.slice(nl + 1), name);
    },
  },
  { name: "kev", about: "CISA KEV catalogue", run: (d) => parseKev(d, "kev") },
  { name: "openvex", about: "OpenVEX documents", run: (d) => parseOpenVex(text(d), "vex.json") },
  { name: "ignore-file", about: ".bulwarkignore.yaml", run: (d) => parseIgnoreFile(text(d), "ignore") },
  { name: "reference", about: "image references", run: (d) => parseReference(text(d)) },
  {
    name: "versions",
    about: "every version comparator, on two strings split from the input",
    run(d) {
      const [a = "", b = ""] = text(d).split("\n");
      for (const scheme of allSchemes()) {
        const cmp = comparatorForScheme(scheme);
        const x = cmp.compare(a, b);
        const y = cmp.compare(b, a);
        if (Math.sign(x) !== -Math.sign(y))
          throw new Error(`${scheme}: compare(${a}, ${b}) is not antisymmetric`);
      }
    },
  },
];

/** Every fuzz target, scanner parsers first. */
export const targets: FuzzTarget[] = [...scannerTargets, ...platformTargets];
