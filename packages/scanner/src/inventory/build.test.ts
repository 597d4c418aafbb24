import { describe, expect, it } from "vitest";
import type { AnalyzerOutput } from "../../../model/src/analyzer.js";
import type { Image } from "../../../model/src/image.js";
import type { LayerAnalysis } from "../../../model/src/scan.js";
import { buildInventory } from "./build.js";
import type { Package, PackageType } from "../../../model/src/package.js";

// LayerAnalysis is Bulwark's own intermediate data (what the walker hands over), so the
// merge rules are tested on hand-written layer results; the walker has its own tests.

function pkg(type: PackageType, spec: string, extra: Partial<Package> = {}): Package {
  const at = spec.lastIndexOf("@");
  return {
    type,
    name: spec.slice(0, at),
    version: spec.slice(at + 1),
    purl: "",
    licenses: [],
    locations: [],
    ...extra,
  };
}

interface LayerSpec {
  results?: Array<[analyzer: string, path: string, output: AnalyzerOutput]>;
  paths?: string[];
  whiteouts?: string[];
  opaqueDirs?: string[];
}

function layers(...specs: LayerSpec[]): LayerAnalysis[] {
  return specs.map((s, index) => ({
    index,
    digest: `sha256:${String(index).repeat(64)}`,
    diffId: `sha256:${String(index + 1).repeat(64)}`.slice(0, 71),
    createdBy: `step ${index}`,
    results: (s.results ?? []).map(([analyzer, path, output]) => ({ analyzer, path, output })),
    whiteouts: s.whiteouts ?? [],
    opaqueDirs: s.opaqueDirs ?? [],
    // Every result's file is one the layer added.
    paths: [...(s.paths ?? []), ...(s.results ?? []).map((r) => r[1])],
    issues: [],
  }));
}

const image: Image = {
  name: "oci:x",
  source: "oci",
  digest: "sha256:" + "f".repeat(64),
  repoTags: ["x:1"],
  repoDigests: [],
  config: { architecture: "amd64", os: "linux" },
  layers: [],
  close: async () => {},
};

const STATUS = "/var/lib/dpkg/status";
const deb = (...specs: string[]): AnalyzerOutput => ({
  packages: specs.map((s) => pkg("deb", s, { arch: "amd64" })),
});
const debian12: AnalyzerOutput = { os: { family: "debian", name: "Debian GNU/Linux", version: "12" } };

function introducedBy(inv: ReturnType<typeof buildInventory>): Record<string, string | undefined> {
  return Object.fromEntries(inv.packages.map((p) => [`${p.name}@${p.version}`, p.locations[0]?.createdBy]));
}

describe("buildInventory", () => {
  it("attributes packages of a shared database to the layer that first had them unchanged", () => {
    const inv = buildInventory(
      image,
      layers(
        {
          results: [
            ["dpkg", STATUS, deb("a@1", "b@1")],
            ["os", "/etc/os-release", debian12],
          ],
        },
        { results: [["dpkg", STATUS, deb("a@1", "b@2", "c@1")]] },
        { paths: ["/usr/bin/tool"] },
        { results: [["dpkg", STATUS, deb("a@1", "b@2", "c@1", "d@1")]] },
      ),
    );
    expect(introducedBy(inv)).toEqual({ "a@1": "step 0", "b@2": "step 1", "c@1": "step 1", "d@1": "step 3" });
    const a = inv.packages.find((p) => p.name === "a");
    expect(a?.locations).toEqual([
      {
        path: STATUS,
        layerDigest: `sha256:${"0".repeat(64)}`,
        layerDiffId: `sha256:${"1".repeat(64)}`,
        createdBy: "step 0",
      },
    ]);
    expect(a?.purl).toBe("pkg:deb/debian/a@1?arch=amd64&distro=debian-12");
    expect(inv.os).toEqual(debian12.os);
    expect(inv.image).toMatchObject({ digest: image.digest, repoTags: ["x:1"], architecture: "amd64" });
    expect(inv.layers.map((l) => l.createdBy)).toEqual(["step 0", "step 1", "step 2", "step 3"]);
  });

  it("a package removed and installed again, or a database deleted and recreated, is attributed to the later layer", () => {
    const inv = buildInventory(
      image,
      layers(
        { results: [["dpkg", STATUS, deb("a@1", "b@1")]] },
        { results: [["dpkg", STATUS, deb("b@1")]] },
        { results: [["dpkg", STATUS, deb("a@1", "b@1")]] },
      ),
    );
    expect(introducedBy(inv)).toEqual({ "a@1": "step 2", "b@1": "step 0" });
    const recreated = buildInventory(
      image,
      layers(
        { results: [["dpkg", STATUS, deb("a@1")]] },
        { whiteouts: [STATUS] },
        { results: [["dpkg", STATUS, deb("a@1")]] },
      ),
    );
    expect(introducedBy(recreated)).toEqual({ "a@1": "step 2" });
  });

  it("whiteouts of the file or a parent, opaque parents and re-added paths remove earlier results", () => {
    const npm = (spec: string): AnalyzerOutput => ({ packages: [pkg("npm", spec)] });
    const inv = buildInventory(
      image,
      layers(
        {
          results: [
            ["npm", "/app/node_modules/gone-file/package.json", npm("gone-file@1")],
            ["npm", "/app/node_modules/gone-dir/package.json", npm("gone-dir@1")],
            ["npm", "/srv/opaque/package.json", npm("gone-opaque@1")],
            ["npm", "/lib/replaced/package.json", npm("replaced@1")],
            ["npm", "/lib/unparsable/package.json", npm("unparsable@1")],
            ["npm", "/keep/package.json", npm("kept@1")],
          ],
        },
        {
          whiteouts: ["/app/node_modules/gone-file/package.json", "/app/node_modules/gone-dir"],
          opaqueDirs: ["/srv/opaque"],
          paths: ["/lib/unparsable/package.json", "/srv/opaque/other"],
          results: [["npm", "/lib/replaced/package.json", npm("replaced@2")]],
        },
      ),
    );
    expect(inv.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(["kept@1", "replaced@2"]);
    expect(inv.packages.find((p) => p.name === "replaced")?.locations[0]?.createdBy).toBe("step 1");
    expect(inv.os).toBeUndefined();
  });

  it("an opaque dir hides only lower layers, not its own layer's files", () => {
    const inv = buildInventory(
      image,
      layers(
        { results: [["npm", "/d/package.json", { packages: [pkg("npm", "old@1")] }]] },
        { opaqueDirs: ["/d"], results: [["npm", "/d/package.json", { packages: [pkg("npm", "new@1")] }]] },
      ),
    );
    expect(inv.packages.map((p) => p.name)).toEqual(["new"]);
  });

  it("reports a language package once when an OS package owns its file (merged /usr aware)", () => {
    const inv = buildInventory(
      image,
      layers({
        results: [
          [
            "dpkg",
            STATUS,
            {
              ...deb("node-semver@7.3.8-1", "restic@0.14.0-1"),
              ownedFiles: {
                owner: "node-semver",
                files: ["/usr/share/nodejs/semver/package.json", "/bin/restic"],
              },
            },
          ],
          ["npm", "/usr/share/nodejs/semver/package.json", { packages: [pkg("npm", "semver@7.3.8")] }],
          ["gobinary", "/usr/bin/restic", { packages: [pkg("golang", "github.com/restic/restic@v0.14.0")] }],
          ["npm", "/app/node_modules/semver/package.json", { packages: [pkg("npm", "semver@7.6.0")] }],
        ],
      }),
    );
    expect(inv.packages.map((p) => `${p.type}:${p.name}@${p.version}`)).toEqual([
      "deb:node-semver@7.3.8-1",
      "deb:restic@0.14.0-1",
      "npm:semver@7.6.0",
    ]);
  });

  it("also honours multi-package file lists (apk installed, rpmdb)", () => {
    const inv = buildInventory(
      image,
      layers({
        results: [
          [
            "apk",
            "/lib/apk/db/installed",
            {
              packages: [pkg("apk", "py3-six@1.16.0-r9")],
              ownedFileSets: [
                {
                  owner: "py3-six",
                  files: ["/usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA"],
                },
              ],
            },
          ],
          [
            "python",
            "/usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA",
            { packages: [pkg("pypi", "six@1.16.0")] },
          ],
        ],
      }),
    );
    expect(inv.packages.map((p) => `${p.type}:${p.name}`)).toEqual(["apk:py3-six"]);
  });

  it("keeps analyzer-given locations, collects every layer's issues, and omits image metadata for rootfs", () => {
    const ls = layers({
      results: [
        [
          "jar",
          "/app/app.war",
          {
            packages: [pkg("maven", "lib@1", { namespace: "org.x", locations: [{ path: "/app/app.war" }] })],
          },
        ],
      ],
    });
    ls[0]?.issues.push({ path: "/bad", code: "PARSE", message: "x", layer: "L" });
    const rootfs: Image = { ...image, source: "rootfs", rootDir: "/tmp/r", digest: undefined };
    const inv = buildInventory(rootfs, ls);
    expect(inv.packages[0]?.purl).toBe("pkg:maven/org.x/lib@1");
    expect(inv.packages[0]?.locations[0]).toMatchObject({ path: "/app/app.war", createdBy: "step 0" });
    expect(inv.issues).toEqual([{ path: "/bad", code: "PARSE", message: "x", layer: "L" }]);
    expect(inv.image).toBeUndefined();
    expect(inv.layers).toEqual([]);
    expect(inv.source).toBe("rootfs");
  });

  it("joins dpkg copyright licenses to the deb package of that name, unless a later layer deletes the file", () => {
    const copyright = (name: string): [string, string, AnalyzerOutput] => [
      "dpkg",
      `/usr/share/doc/${name}/copyright`,
      { licenses: [{ type: "deb", package: name, licenses: ["GPL-2+"] }] },
    ];
    const inv = buildInventory(
      image,
      layers(
        { results: [["dpkg", STATUS, deb("a@1", "b@1")], copyright("a"), copyright("b")] },
        { whiteouts: ["/usr/share/doc/b"] },
      ),
    );
    const licenses = Object.fromEntries(inv.packages.map((p) => [p.name, p.licenses]));
    expect(licenses).toEqual({ a: ["GPL-2+"], b: [] });
  });
});
