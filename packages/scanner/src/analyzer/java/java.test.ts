import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, diskFile, offer } from "../testutil/testing.js";
import { cached, debianPackages, hasCommand, run } from "../testutil/testcache.js";
import { javaAnalyzer, nameFromFileName, parseManifest, parseProperties } from "./java.js";

/** Real jars from Debian's archive: commons-lang3 carries pom.properties, commons-logging only a manifest. */
const { root } = debianPackages(["libcommons-lang3-java", "libcommons-logging-java"]);
const javaDir = join(root, "usr/share/java");
const lang3 = join(javaDir, "commons-lang3.jar");
const logging = join(javaDir, "commons-logging-1.2.jar");

/** A war with the real jars (and a corrupt one) in WEB-INF/lib, wrapped in an ear: built with zip(1). */
function nestedArchives(): { war: string; ear: string } {
  const dir = cached(`java-nested-v1:${root}`, (work) => {
    mkdirSync(join(work, "w/WEB-INF/lib"), { recursive: true });
    copyFileSync(lang3, join(work, "w/WEB-INF/lib/commons-lang3-3.12.0.jar"));
    copyFileSync(logging, join(work, "w/WEB-INF/lib/commons-logging-1.2.jar"));
    writeFileSync(join(work, "w/WEB-INF/lib/broken-1.0.jar"), "this is not a zip archive");
    run("zip", ["-q", "-r", join(work, "app.war"), "WEB-INF"], join(work, "w"));
    mkdirSync(join(work, "e"));
    copyFileSync(join(work, "app.war"), join(work, "e/app.war"));
    run("zip", ["-q", join(work, "app.ear"), "app.war"], join(work, "e"));
  });
  return { war: join(dir, "app.war"), ear: join(dir, "app.ear") };
}

const noZip = hasCommand("zip") ? "" : "zip missing (Debian package zip)";

describe("java analyzer on real Debian jars", () => {
  it("takes groupId/artifactId/version from pom.properties, as unzip reads it", async () => {
    const props = parseProperties(run("sh", ["-c", `unzip -p ${lang3} 'META-INF/maven/*/*/pom.properties'`]));
    const out = await offer(javaAnalyzer, diskFile(lang3, "/usr/share/java/commons-lang3.jar"));
    expect(out?.packages).toEqual([
      {
        type: "maven",
        namespace: props.get("groupId"),
        name: props.get("artifactId"),
        version: props.get("version"),
        purl: "",
        licenses: [],
        locations: [{ path: "/usr/share/java/commons-lang3.jar" }],
      },
    ]);
    expect(props.get("groupId")).toBe("org.apache.commons");
  });

  it("falls back to MANIFEST.MF and the file name", async () => {
    const manifest = parseManifest(run("unzip", ["-p", logging, "META-INF/MANIFEST.MF"]));
    const out = await offer(javaAnalyzer, diskFile(logging, "/usr/share/java/commons-logging-1.2.jar"));
    expect(out?.packages?.[0]).toMatchObject({
      name: "commons-logging",
      version: manifest.get("Implementation-Version"),
      metadata: { identifiedBy: "manifest" },
    });
    expect(out?.packages?.[0]?.licenses).toEqual([manifest.get("Bundle-License")]);
  });
});

describe.skipIf(noZip)("nested archives", () => {
  it("finds jars inside a war and inside a war inside an ear; a corrupt inner jar costs nothing else", async () => {
    const { war, ear } = nestedArchives();
    const w = await offer(javaAnalyzer, diskFile(war, "/srv/app.war"));
    expect(
      w?.packages
        ?.map((p) => `${p.namespace ?? ""}:${p.name}:${p.version} ${p.metadata?.archivePath}`)
        .sort(),
    ).toEqual([
      // broken-1.0.jar is not a zip: it is skipped, the rest of the war is still read.
      "org.apache.commons:commons-lang3:3.12.0 WEB-INF/lib/commons-lang3-3.12.0.jar",
      "org.apache:commons-logging:1.2 WEB-INF/lib/commons-logging-1.2.jar",
    ]);
    const e = await offer(javaAnalyzer, diskFile(ear, "/srv/app.ear"));
    expect(e?.packages?.map((p) => p.metadata?.archivePath).sort()).toEqual([
      "app.war!/WEB-INF/lib/commons-lang3-3.12.0.jar",
      "app.war!/WEB-INF/lib/commons-logging-1.2.jar",
    ]);
    expect(e?.packages?.every((p) => p.locations[0]?.path === "/srv/app.ear")).toBe(true);
  });

  it("does not decompress an oversized inner entry (a 100 MiB jar of zeros compresses to ~100 KiB)", async () => {
    const dir = cached(`java-bomb-v1:${root}`, (work) => {
      mkdirSync(join(work, "b/BOOT-INF/lib"), { recursive: true });
      run("sh", ["-c", "head -c 104857600 /dev/zero > b/BOOT-INF/lib/zeros-1.0.jar"], work);
      copyFileSync(lang3, join(work, "b/BOOT-INF/lib/commons-lang3-3.12.0.jar"));
      run("zip", ["-q", "-r", join(work, "bomb.jar"), "BOOT-INF"], join(work, "b"));
      run("rm", ["-rf", join(work, "b")]);
    });
    const bomb = join(dir, "bomb.jar");
    expect(readFileSync(bomb).length).toBeLessThan(2 * 1024 * 1024);
    const out = await offer(javaAnalyzer, diskFile(bomb, "/app/bomb.jar"));
    expect(out?.packages?.map((p) => `${p.name}@${p.version}`)).toEqual(["commons-lang3@3.12.0"]);
  });

  it("reports a corrupt top-level archive as PARSE", async () => {
    const half = readFileSync(lang3).subarray(0, 1000);
    await expect(offer(javaAnalyzer, bufferFile("/x.jar", half))).rejects.toMatchObject({ code: "PARSE" });
  });
});

describe("file names and manifests", () => {
  it("splits artifact and version from file names", () => {
    expect(nameFromFileName("/a/spring-core-5.3.20.RELEASE.jar")).toEqual({
      name: "spring-core",
      version: "5.3.20.RELEASE",
    });
    expect(nameFromFileName("/a/guava-31.1-jre.jar")).toEqual({ name: "guava", version: "31.1-jre" });
    expect(nameFromFileName("/a/app.jar")).toEqual({ name: "app" });
  });

  it("joins manifest continuation lines", () => {
    expect(parseManifest("A: 12\n 34\nB: x\n\nName: other\nA: no\n").get("A")).toBe("1234");
  });
});
