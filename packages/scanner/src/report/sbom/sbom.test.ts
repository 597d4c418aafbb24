// The SBOM writers on a real inventory: the node-modules test image (Debian, npm, Python
// and Go packages) catalogued by Bulwark, rendered and checked by independent readers:
// the CycloneDX library's JSON-schema validator, spdx-expression-parse and packageurl-js.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { PackageURL } from "packageurl-js";
import parseSpdx from "spdx-expression-parse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../../testkit/src/fixtures/recipes.js";
import type { Inventory } from "../../../../model/src/package.js";
import { generateInventory } from "../../scan/sbom.js";
import { renderSbom, wholeSbom } from "../testutil/whole.js";
import { SBOM_FORMATS } from "./formats.js";
import { parseSbomFormat, renderSbomChunks } from "./index.js";
import type { SpdxDocument } from "./spdx.js";

let inv: Inventory;
let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "bulwark-sbom-"));
  const img = await buildImage(recipes.nodeModules);
  inv = await generateInventory(img.ociRef, { cacheDir });
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

interface CdxComponent {
  "bom-ref": string;
  type: string;
  name: string;
  version?: string;
  purl?: string;
  licenses?: Array<{ license?: { id?: string; name?: string }; expression?: string }>;
  properties?: Array<{ name: string; value: string }>;
}

describe("streamed writers", () => {
  it.each(SBOM_FORMATS)("write %s of a real image byte for byte as the whole-document writer", (format) => {
    const opts = { uuid: "00000000-0000-4000-8000-000000000000", timestamp: new Date(0) };
    const pieces = [...renderSbomChunks(inv, format, opts)];
    // JSON of ~200 packages is well under WHOLE_DOCUMENT_VALUES: one piece and the final
    // newline (scale.test.ts streams 5,000 in pieces). The table is written a row at a time.
    if (format.endsWith("json")) expect(pieces).toHaveLength(2);
    else expect(pieces.length).toBeGreaterThan(inv.packages.length);
    expect(pieces.join("")).toBe(wholeSbom(inv, format, opts));
  });
});

describe("CycloneDX 1.6", () => {
  it("validates against the CycloneDX 1.6 JSON schema", async () => {
    const text = renderSbom(inv, "cyclonedx-json");
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    // The validator can fail: a component without its required name is rejected.
    const broken = JSON.parse(text) as { components: Array<Record<string, unknown>> };
    delete broken.components[1]?.name;
    expect(
      await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(JSON.stringify(broken)),
    ).not.toBeNull();
  });

  it("has one component per package with its purl, licenses and locations", () => {
    const bom = JSON.parse(renderSbom(inv, "cyclonedx-json")) as {
      specVersion: string;
      metadata: { component: CdxComponent };
      components: CdxComponent[];
    };
    expect(bom.specVersion).toBe("1.6");
    const libs = bom.components.filter((c) => c.type === "library");
    expect(libs).toHaveLength(inv.packages.length);
    expect(new Set(libs.map((c) => c["bom-ref"])).size).toBe(libs.length);
    const pathsOf = (c: CdxComponent) =>
      (c.properties ?? []).filter((p) => p.name === "bulwark:location:path").map((p) => p.value);
    for (const pkg of inv.packages) {
      // One purl can occur at several paths (npm copies nested twice): match on the paths too.
      const paths = pkg.locations.map((l) => l.path);
      const c = libs.find((l) => l.purl === pkg.purl && JSON.stringify(pathsOf(l)) === JSON.stringify(paths));
      expect(c, `${pkg.purl} at ${paths.join(", ")}`).toBeDefined();
      expect(c?.version ?? "").toBe(pkg.version);
      PackageURL.fromString(c?.purl ?? "");
      const props = c?.properties ?? [];
      expect(props.some((p) => p.name === "bulwark:location:layer" && p.value.startsWith("sha256:"))).toBe(
        true,
      );
    }
    // lodash declares "MIT" in its package.json: an SPDX id, not a name.
    const lodash = libs.find((c) => c.name === "lodash");
    expect(lodash?.licenses).toEqual([{ license: { id: "MIT" } }]);
    // The OS is a component, and the image digest and layers are metadata.
    expect(bom.components.find((c) => c.type === "operating-system")).toMatchObject({
      name: "debian",
      version: "12",
    });
    const meta = bom.metadata.component;
    expect(meta.type).toBe("container");
    expect(meta.version).toBe(inv.image?.digest);
    const layerProps = (meta.properties ?? []).filter((p) => /^bulwark:layer:\d+:diffId$/.test(p.name));
    expect(layerProps).toHaveLength(inv.layers.length);
  });
});

describe("SPDX 2.3", () => {
  it("has the required document and package fields", () => {
    const doc = JSON.parse(renderSbom(inv, "spdx-json")) as SpdxDocument;
    expect(doc).toMatchObject({
      spdxVersion: "SPDX-2.3",
      dataLicense: "CC0-1.0",
      SPDXID: "SPDXRef-DOCUMENT",
    });
    expect(doc.name).toBeTruthy();
    expect(doc.documentNamespace).toMatch(/^https:\/\/\S+$/);
    expect(doc.creationInfo.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(doc.creationInfo.creators[0]).toMatch(/^Tool: bulwark-/);
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    for (const p of doc.packages) {
      expect(p.name).toBeTruthy();
      expect(p.downloadLocation).toBe("NOASSERTION");
      expect(typeof p.filesAnalyzed).toBe("boolean");
    }
    expect(doc.packages.filter((p) => p.primaryPackagePurpose === "LIBRARY")).toHaveLength(
      inv.packages.length,
    );
  });

  it("describes the image, which contains every package", () => {
    const doc = JSON.parse(renderSbom(inv, "spdx-json")) as SpdxDocument;
    const ids = new Set(doc.packages.map((p) => p.SPDXID));
    const describes = doc.relationships.filter((r) => r.relationshipType === "DESCRIBES");
    expect(describes).toEqual([
      {
        spdxElementId: "SPDXRef-DOCUMENT",
        relationshipType: "DESCRIBES",
        relatedSpdxElement: "SPDXRef-Image",
      },
    ]);
    for (const r of doc.relationships) {
      expect(r.spdxElementId === "SPDXRef-DOCUMENT" || ids.has(r.spdxElementId)).toBe(true);
      expect(ids.has(r.relatedSpdxElement)).toBe(true);
    }
    const contained = doc.relationships.filter((r) => r.relationshipType === "CONTAINS");
    expect(contained).toHaveLength(doc.packages.length - 1);
  });

  it("writes valid license expressions, declared LicenseRefs and purl external refs", () => {
    const doc = JSON.parse(renderSbom(inv, "spdx-json")) as SpdxDocument;
    const declared = new Set((doc.hasExtractedLicensingInfos ?? []).map((l) => l.licenseId));
    let withLicense = 0;
    for (const p of doc.packages) {
      if (p.licenseDeclared === "NOASSERTION") continue;
      withLicense++;
      parseSpdx(p.licenseDeclared);
      for (const ref of p.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? [])
        expect(declared).toContain(ref);
    }
    expect(withLicense).toBeGreaterThan(0);
    const purls = doc.packages.flatMap((p) => p.externalRefs ?? []);
    expect(purls).toHaveLength(inv.packages.length);
    for (const ref of purls) {
      expect(ref).toMatchObject({ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl" });
      PackageURL.fromString(ref.referenceLocator);
    }
  });

  it("gives every document its own namespace", () => {
    const a = JSON.parse(renderSbom(inv, "spdx-json")) as SpdxDocument;
    const b = JSON.parse(renderSbom(inv, "spdx-json")) as SpdxDocument;
    expect(a.documentNamespace).not.toBe(b.documentNamespace);
  });
});

describe("json and table", () => {
  it("json is the inventory itself", () => {
    expect(JSON.parse(renderSbom(inv, "json"))).toEqual(JSON.parse(JSON.stringify(inv)));
  });

  it("table has one row per package and a footer with counts", () => {
    const lines = renderSbom(inv, "table").split("\n");
    const header = lines.findIndex((l) => l.startsWith("NAME"));
    const rows = lines.slice(header + 1, lines.indexOf("", header));
    expect(rows).toHaveLength(inv.packages.length);
    expect(rows.some((r) => /^lodash\s+4\.17\.4\s+npm\s+#2 /.test(r))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${inv.packages.length} packages (deb: `))).toBe(true);
  });

  it("rejects an unknown format with a usage error", () => {
    expect(() => parseSbomFormat("xml")).toThrow(/unknown SBOM format "xml"/);
  });
});
