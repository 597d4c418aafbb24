/**
 * `npm run bench -- lockfiles [lockfiles] [entries]` (default 200 / 50,000): a generated
 * monorepo of package-lock.json (v3), pnpm-lock.yaml, yarn.lock (classic), poetry.lock
 * and composer.lock files, scanned as `sbom rootfs:DIR` does (walk + lockfile cataloger +
 * inventory), beside a plain read and JSON/YAML/TOML parse of the same files. Each side
 * runs in its own process so wall time and peak RSS are its own.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const KINDS = ["package-lock.json", "pnpm-lock.yaml", "yarn.lock", "poetry.lock", "composer.lock"] as const;

function lockfile(kind: (typeof KINDS)[number], project: number, n: number): string {
  const ids = Array.from({ length: n }, (_, i) => ({
    name: `pkg-${project}-${i}`,
    version: `1.${i % 40}.${project % 9}`,
  }));
  switch (kind) {
    case "package-lock.json":
      return JSON.stringify(
        {
          name: `p${project}`,
          lockfileVersion: 3,
          packages: Object.fromEntries([
            ["", { name: `p${project}` }],
            ...ids.map((p) => [
              `node_modules/${p.name}`,
              { version: p.version, integrity: "sha512-x", dev: p.name.endsWith("7") },
            ]),
          ]),
        },
        null,
        2,
      );
    case "pnpm-lock.yaml":
      return `lockfileVersion: '9.0'\n\nimporters:\n  .: {}\n\npackages:\n\n${ids.map((p) => `  ${p.name}@${p.version}:\n    resolution: {integrity: sha512-x}\n`).join("\n")}`;
    case "yarn.lock":
      return `# yarn lockfile v1\n\n\n${ids.map((p) => `${p.name}@^${p.version}:\n  version "${p.version}"\n  resolved "https://registry.yarnpkg.com/${p.name}/-/${p.name}-${p.version}.tgz"\n`).join("\n")}`;
    case "poetry.lock":
      return `${ids.map((p) => `[[package]]\nname = "${p.name}"\nversion = "${p.version}"\ndescription = "x"\n`).join("\n")}\n[metadata]\nlock-version = "2.0"\n`;
    case "composer.lock":
      return JSON.stringify(
        { packages: ids.map((p) => ({ name: `vendor/${p.name}`, version: p.version })) },
        null,
        4,
      );
  }
}

function generate(dir: string, files: number, entries: number): void {
  const per = Math.floor(entries / files);
  for (let i = 0; i < files; i++) {
    const kind = KINDS[i % KINDS.length]!;
    mkdirSync(join(dir, `svc-${i}`));
    writeFileSync(join(dir, `svc-${i}`, kind), lockfile(kind, i, per));
  }
}

async function phase(which: string, dir: string): Promise<void> {
  const start = performance.now();
  let count = 0;
  if (which === "plain") {
    const { parse: parseYaml } = await import("yaml");
    const { parse: parseToml } = await import("smol-toml");
    for (const sub of readdirSync(dir)) {
      for (const f of readdirSync(join(dir, sub))) {
        const text = readFileSync(join(dir, sub, f), "utf8");
        if (f.endsWith(".json")) count += Object.keys(JSON.parse(text) as object).length;
        else if (f.endsWith(".yaml")) count += Object.keys(parseYaml(text) as object).length;
        else if (f === "poetry.lock") count += Object.keys(parseToml(text)).length;
        else count += text.split("\n").length; // yarn v1 has no generic parser: a line split
      }
    }
  } else {
    const { generateInventory } = await import("../packages/scanner/src/scan/sbom.js");
    const cacheDir = mkdtempSync(join(tmpdir(), "bulwark-bench-lock-cache-"));
    try {
      count = (await generateInventory(`rootfs:${dir}`, { cacheDir, noCache: true })).packages.length;
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, count }));
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === "--phase") return phase(args[1]!, args[2]!);
  const files = Number(args[0] ?? 200);
  const entries = Number(args[1] ?? 50_000);
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-lockfiles-"));
  try {
    generate(dir, files, entries);
    const self = fileURLToPath(import.meta.url);
    const child = (which: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ["--import", "tsx", join(self, "../run.ts"), "lockfiles", "--phase", which, dir],
          {
            encoding: "utf8",
          },
        ),
      ) as { ms: number; rssMiB: number; count: number };
    const plain = child("plain");
    const scan = child("scan");
    console.log(`lockfiles: ${files} files, ${entries} entries (${KINDS.join(", ")})`);
    console.log(
      `  plain read + JSON/YAML/TOML parse: ${plain.ms.toFixed(0)} ms, peak RSS ${plain.rssMiB.toFixed(0)} MiB`,
    );
    console.log(
      `  bulwark sbom (walk + lockfile cataloger + inventory): ${scan.ms.toFixed(0)} ms, peak RSS ${scan.rssMiB.toFixed(0)} MiB, ${scan.count} packages`,
    );
    console.log(
      `  ratio: ${(scan.ms / plain.ms).toFixed(2)}× time, ${(scan.rssMiB / plain.rssMiB).toFixed(2)}× memory`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
