/**
 * `npm run bench -- scale`: peak memory on huge inputs (issue 11), each case one `bulwark`
 * process measured by GNU time, printed beside the input's size:
 *  - 1,000,000 vulnerability findings written as JSON and as a table: `bulwark scan rootfs`
 *    of a root filesystem holding 1,000 Debian packages built from one source package, against
 *    a database (built by `bulwark db update --source`) of 1,000 advisories on that source;
 *  - a valid 250 MB dpkg status file (235,000 packages) read by `bulwark sbom rootfs:`;
 *  - one manifest file of 20,000 objects read by `bulwark scan config`.
 * The inputs are generated: no real image carries a million findings. Only the measured
 * processes run Bulwark; building the inputs happens here or in an unmeasured `db update`.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { bulwarkCommand, timed } from "./lib/measure.js";

const MiB = 1024 * 1024;
const SOURCE = "bench-src";
/** Packages × advisories = findings. */
let BINARIES = 1_000;
let ADVISORIES = 1_000;
let STATUS_PACKAGES = 235_000;
let MANIFEST_OBJECTS = 20_000;

function bulwark(args: string[]): Promise<{ peakMb: number; seconds: number }> {
  const { cmd, pre } = bulwarkCommand();
  return timed(cmd, [...pre, ...args]);
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

/** A mirror laid out like ../shared/vulndb with one Debian feed of generated advisories. */
function mirror(dir: string): string {
  const records = join(dir, "records");
  mkdirSync(records, { recursive: true });
  for (let i = 0; i < ADVISORIES; i++) {
    const id = `DSA-9${String(i).padStart(4, "0")}-1`;
    writeFileSync(
      join(records, `${id}.json`),
      JSON.stringify({
        schema_version: "1.7.0",
        id,
        modified: "2026-01-01T00:00:00Z",
        published: "2026-01-01T00:00:00Z",
        summary: `${SOURCE} - generated flaw ${i}`,
        details: `${id}: ${SOURCE} - generated flaw ${i} for the scale benchmark.`,
        affected: [
          {
            package: { ecosystem: "Debian:12", name: SOURCE },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0-1" }] }],
          },
        ],
        references: [{ type: "ADVISORY", url: `https://security-tracker.debian.org/tracker/${id}` }],
        upstream: [`CVE-2099-${String(10000 + i)}`],
      }),
    );
  }
  const root = join(dir, "mirror");
  mkdirSync(join(root, "osv/Debian"), { recursive: true });
  mkdirSync(join(root, "kev"), { recursive: true });
  writeFileSync(
    join(root, "kev/known_exploited_vulnerabilities.json"),
    JSON.stringify({ catalogVersion: "bench", vulnerabilities: [] }),
  );
  const zip = spawnSync("zip", ["-q", "-r", "-j", join(root, "osv/Debian/all.zip"), "."], { cwd: records });
  if (zip.status !== 0) throw new Error(`zip failed (Debian package zip): ${zip.stderr}`);
  return root;
}

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n' +
  'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';

/** A root filesystem whose dpkg status holds `packages` stanzas. */
function rootfs(dir: string, packages: number, stanza: (i: number) => string): string {
  mkdirSync(join(dir, "var/lib/dpkg"), { recursive: true });
  mkdirSync(join(dir, "etc"), { recursive: true });
  writeFileSync(join(dir, "etc/os-release"), OS_RELEASE);
  const status = join(dir, "var/lib/dpkg/status");
  // Written in batches: the 250 MB file must not be one string in the benchmark either.
  writeFileSync(status, "");
  for (let start = 0; start < packages; start += 10_000) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(packages, start + 10_000); i++) parts.push(stanza(i));
    writeFileSync(status, parts.join(""), { flag: "a" });
  }
  return status;
}

const LONG_DESCRIPTION = " A package generated for the scale benchmark, with a long description\n".repeat(12);

function bigStanza(i: number): string {
  return (
    `Package: pkg-${i}\nStatus: install ok installed\nPriority: optional\nSection: libs\n` +
    `Installed-Size: ${i % 900}\nMaintainer: Bench <bench@example.org>\nArchitecture: amd64\n` +
    `Source: src-${i >> 2} (1.${i % 7}-1)\nVersion: 1.${i % 7}-1\nDepends: libc6 (>= 2.36)\n` +
    `Description: scale test package ${i}\n${LONG_DESCRIPTION}\n`
  );
}

function vulnerableStanza(i: number): string {
  return (
    `Package: bench-bin-${i}\nStatus: install ok installed\nArchitecture: amd64\n` +
    `Source: ${SOURCE} (1.0-1)\nVersion: 1.0-1\nDescription: binary ${i} of ${SOURCE}\n\n`
  );
}

function manifest(objects: number): string {
  const docs: string[] = [];
  for (let i = 0; i < objects; i++)
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: team-${i % 20}\n` +
        `data:\n  key: value-${i}\n  other: "${"x".repeat(500)}"\n`,
    );
  return docs.join("---\n");
}

/** The first `n` bytes of a file (the table's summary lines), without reading the rest. */
function head(file: string, n: number): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0)).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

const size = (file: string): string => `${(statSync(file).size / MiB).toFixed(0)} MiB`;

export async function run(args: string[] = []): Promise<void> {
  // --smoke: every input a hundredth (or tenth) of its size, to check the wiring in seconds.
  if (args.includes("--smoke"))
    [BINARIES, ADVISORIES, STATUS_PACKAGES, MANIFEST_OBJECTS] = [100, 100, 2_350, 200];
  const work = mkdtempSync(join(tmpdir(), "bulwark-bench-scale-"));
  const cache = join(work, "cache");
  const rows: string[][] = [];
  const row = (input: string, inSize: string, out: string, m: { peakMb: number; seconds: number }): void => {
    rows.push([input, inSize, out, m.peakMb.toFixed(0), m.seconds.toFixed(0)]);
  };
  const quietRun = (argv: string[]) => bulwark(["--cache-dir", cache, "--quiet", ...argv]);
  console.log(`Bulwark: ${bulwarkCommand().label}; load average at start: ${load()}`);
  try {
    // Not measured: the database the million findings come from.
    const update = await bulwark(["--cache-dir", cache, "db", "update", "--source", mirror(work)]);
    console.log(`database: ${ADVISORIES} advisories imported in ${update.seconds.toFixed(0)} s`);

    const vulnRoot = join(work, "vuln-rootfs");
    const vulnStatus = rootfs(vulnRoot, BINARIES, vulnerableStanza);
    for (const format of ["json", "table"]) {
      const out = join(work, `report.${format}`);
      const args = ["scan", "rootfs", vulnRoot, "--scanners", "vuln", "--format", format, "--output", out];
      const m = await quietRun(args);
      const findings =
        format === "table" ? (/^Findings: (\d+)/m.exec(head(out, 4096))?.[1] ?? "?") : "see table";
      row(`scan rootfs → ${format} (findings: ${findings})`, `${size(vulnStatus)} status`, size(out), m);
      rmSync(out);
    }

    const bigRoot = join(work, "big-rootfs");
    const bigStatus = rootfs(bigRoot, STATUS_PACKAGES, bigStanza);
    const sbom = join(work, "sbom.json");
    const s = await quietRun(["sbom", `rootfs:${bigRoot}`, "--format", "json", "--output", sbom]);
    row(`sbom rootfs: dpkg status, ${STATUS_PACKAGES} packages`, `${size(bigStatus)} status`, size(sbom), s);
    rmSync(bigRoot, { recursive: true, force: true });
    rmSync(sbom);

    const m = join(work, "big.yaml");
    writeFileSync(m, manifest(MANIFEST_OBJECTS));
    const config = join(work, "config.json");
    const c = await quietRun(["scan", "config", m, "--format", "json", "--output", config]);
    row(`scan config: one manifest, ${MANIFEST_OBJECTS} objects`, `${size(m)} manifest`, size(config), c);

    const header = ["case", "input", "output", "peak RSS MiB", "wall s"];
    const widths = [44, 18, 12, 14, 8];
    const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join("");
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log(`load average at end: ${load()}`);
    console.log(
      "goal: 1M findings well under 1 GB (1024 MiB); dpkg peak a fixed multiple of one record, not the file",
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
