import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildUmociImage, skopeo } from "./deps.js";

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

/** A dpkg status database with one package (binary `libssl3` of source `openssl` at `version`). */
export function dpkgStatus(version: string): string {
  return [
    "Package: libssl3",
    "Status: install ok installed",
    "Architecture: amd64",
    `Source: openssl (${version})`,
    `Version: ${version}`,
    "Description: Secure Sockets Layer toolkit - shared libraries",
    "",
  ].join("\n");
}

/**
 * Small real images (umoci) for policy tests: `vulnerable` ships libssl3 at a version the
 * fixture advisories (CVE-2023-0001, critical and in KEV) affect; `patched` at the fixed one.
 * `user` sets the config User so the root-user image check passes.
 */
export async function buildPolicyImage(
  layout: string,
  tag: string,
  scratch: string,
  opts: { opensslVersion: string; user?: string; extraFiles?: Record<string, string> },
): Promise<void> {
  await buildUmociImage(
    layout,
    {
      tag,
      layers: [
        {
          files: { "/etc/os-release": OS_RELEASE, "/var/lib/dpkg/status": dpkgStatus(opts.opensslVersion) },
          createdBy: "debian base",
        },
        {
          files: { "/app/run.sh": "#!/bin/sh\necho hi\n", ...(opts.extraFiles ?? {}) },
          createdBy: "COPY app",
        },
      ],
    },
    scratch,
  );
  if (opts.user) execFileSync("umoci", ["config", "--image", `${layout}:${tag}`, "--config.user", opts.user]);
}

/** Push `oci:layout:tag` to a loopback registry (plain HTTP) with skopeo. */
export async function pushImage(layout: string, tag: string, dest: string): Promise<void> {
  await skopeo(["copy", "--dest-tls-verify=false", `oci:${layout}:${tag}`, `docker://${dest}`]);
}

/** The manifest digest of `dest` as the registry serves it (skopeo inspect). */
export async function remoteDigest(dest: string): Promise<string> {
  return (
    await skopeo(["inspect", "--tls-verify=false", "--format", "{{.Digest}}", `docker://${dest}`])
  ).trim();
}

/**
 * The two images the signature tests sign and verify: `HOST/probe:1` (openssl 3.0.13) and
 * `HOST/probe:2` (openssl 3.0.11, "another digest"), built in WORK/layout and pushed.
 */
export async function pushProbeImages(
  work: string,
  host: string,
): Promise<{ digest: string; otherDigest: string }> {
  await buildPolicyImage(join(work, "layout"), "app", work, { opensslVersion: "3.0.13-1~deb12u1" });
  await buildPolicyImage(join(work, "layout"), "other", work, { opensslVersion: "3.0.11-1~deb12u2" });
  await pushImage(join(work, "layout"), "app", `${host}/probe:1`);
  await pushImage(join(work, "layout"), "other", `${host}/probe:2`);
  return {
    digest: await remoteDigest(`${host}/probe:1`),
    otherDigest: await remoteDigest(`${host}/probe:2`),
  };
}

export async function ensureDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function writeText(path: string, text: string): Promise<string> {
  await writeFile(path, text);
  return path;
}

export { join };
