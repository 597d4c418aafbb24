/**
 * `npm run bench -- scale`: peak memory on huge inputs (issue 11), each in its own process
 * measured by GNU time, printed beside the input's size:
 *  - a report of 1,000,000 findings written as JSON and as a table (synthetic findings);
 *  - a valid 250 MB dpkg status file (235,000 packages) read by `bulwark sbom rootfs:`;
 *  - one manifest file of 20,000 objects read by `bulwark scan config`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const tsx = import.meta.resolve("tsx");
const MiB = 1024 * 1024;

function peak(args: string[], cwd: string): { mib: number; code: number | null; stderr: string } {
  const timeFile = join(cwd, "time.txt");
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "%M", "-o", timeFile, process.execPath, "--import", tsx, ...args],
    {
      cwd,
      encoding: "utf8",
      maxBuffer: 64 * MiB,
    },
  );
  const kb = Number(readFileSync(timeFile, "utf8").trim().split("\n").pop());
  return { mib: kb / 1024, code: r.status, stderr: r.stderr.trim().split("\n").slice(-1)[0] ?? "" };
}

function statusFile(packages: number): string {
  const desc = " A package generated for the scale benchmark, with a long description\n".repeat(12);
  const parts: string[] = [];
  for (let i = 0; i < packages; i++) {
    parts.push(
      `Package: pkg-${i}\nStatus: install ok installed\nPriority: optional\nSection: libs\n` +
        `Installed-Size: ${i % 900}\nMaintainer: Bench <bench@example.org>\nArchitecture: amd64\n` +
        `Source: src-${i >> 2} (1.${i % 7}-1)\nVersion: 1.${i % 7}-1\nDepends: libc6 (>= 2.36)\n` +
        `Description: scale test package ${i}\n${desc}\n`,
    );
  }
  return parts.join("");
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

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "bulwark-bench-scale-"));
  try {
    const rows: string[][] = [];
    for (const format of ["json", "table"]) {
      const script = join(work, `render-${format}.mts`);
      writeFileSync(
        script,
        `import { syntheticReport } from ${JSON.stringify(join(root, "src/report/testutil/synthetic.ts"))};\n` +
          `import { renderReportChunks } from ${JSON.stringify(join(root, "src/report/index.ts"))};\n` +
          `import { writeChunks } from ${JSON.stringify(join(root, "src/cli/output.ts"))};\n` +
          `const report = syntheticReport(1_000_000);\n` +
          `await writeChunks(renderReportChunks(report, ${JSON.stringify(format)}), ${JSON.stringify(join(work, `out.${format}`))});\n`,
      );
      const r = peak([script], work);
      const out = statSync(join(work, `out.${format}`)).size;
      rows.push([
        `1M findings → ${format}`,
        `${(out / MiB).toFixed(0)} MB written`,
        r.mib.toFixed(0),
        String(r.code),
      ]);
      rmSync(join(work, `out.${format}`));
    }
    const rootfs = join(work, "rootfs");
    mkdirSync(join(rootfs, "var/lib/dpkg"), { recursive: true });
    writeFileSync(join(rootfs, "var/lib/dpkg/status"), statusFile(235_000));
    const statusSize = statSync(join(rootfs, "var/lib/dpkg/status")).size;
    const cache = join(work, "cache");
    const bin = join(root, "packages/cli/src/bin.ts");
    const s = peak(
      [
        bin,
        "--cache-dir",
        cache,
        "sbom",
        `rootfs:${rootfs}`,
        "--format",
        "json",
        "--output",
        join(work, "sbom.json"),
      ],
      work,
    );
    rows.push([
      "dpkg status, 235k packages",
      `${(statusSize / MiB).toFixed(0)} MB input`,
      s.mib.toFixed(0),
      String(s.code),
    ]);
    const m = join(work, "big.yaml");
    writeFileSync(m, manifest(20_000));
    const c = peak(
      [
        bin,
        "--cache-dir",
        cache,
        "scan",
        "config",
        m,
        "--format",
        "json",
        "--output",
        join(work, "config.json"),
      ],
      work,
    );
    const issues = (JSON.parse(readFileSync(join(work, "config.json"), "utf8")) as { issues: unknown[] })
      .issues.length;
    rows.push([
      `manifest, 20k objects (${issues} file issues)`,
      `${(statSync(m).size / MiB).toFixed(0)} MB input`,
      c.mib.toFixed(0),
      String(c.code),
    ]);
    console.log("input".padEnd(44) + "size".padEnd(20) + "peak RSS MiB".padEnd(14) + "exit");
    for (const r of rows) console.log(r[0]!.padEnd(44) + r[1]!.padEnd(20) + r[2]!.padEnd(14) + r[3]);
    console.log(
      "goal: 1M findings well under 1 GB (1024 MiB); dpkg peak a fixed multiple of one record, not the file",
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
