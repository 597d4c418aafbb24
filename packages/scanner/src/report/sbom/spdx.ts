import { createHash, randomUUID } from "node:crypto";
import { type Inventory, type Package, VERSION, reportTime } from "@bulwark/model";
import { imageName, imageProperties, packageProperties, sortedPackages } from "./common.js";
import { spdxExpressionFor } from "./licenses.js";
import type { RenderOptions } from "./options.js";
import { jsonChunks } from "../json-stream.js";

/** SPDX 2.3 JSON shapes (the subset Bulwark writes). */
export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: "NOASSERTION";
  filesAnalyzed: false;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: "NOASSERTION";
  primaryPackagePurpose: "CONTAINER" | "OPERATING-SYSTEM" | "LIBRARY";
  sourceInfo?: string;
  externalRefs?: Array<{
    referenceCategory: "PACKAGE-MANAGER";
    referenceType: "purl";
    referenceLocator: string;
  }>;
  annotations?: Array<{
    annotator: string;
    annotationDate: string;
    annotationType: "OTHER";
    comment: string;
  }>;
}

export interface SpdxDocument {
  spdxVersion: "SPDX-2.3";
  dataLicense: "CC0-1.0";
  SPDXID: "SPDXRef-DOCUMENT";
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  documentDescribes: string[];
  packages: SpdxPackage[];
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
  hasExtractedLicensingInfos?: Array<{ licenseId: string; extractedText: string; name: string }>;
}

const TOOL = `Tool: bulwark-${VERSION}`;

/** SPDX ids allow letters, digits, "." and "-": a readable prefix plus a hash keeps them unique. */
function spdxId(kind: string, pkg: Package, index: number): string {
  const readable = `${pkg.type}-${pkg.name}`.replace(/[^A-Za-z0-9.-]+/g, "-").slice(0, 60);
  const hash = createHash("sha256").update(`${pkg.purl}\0${index}`).digest("hex").slice(0, 12);
  return `SPDXRef-${kind}-${readable}-${hash}`;
}

function annotations(pairs: Array<[string, string]>, date: string): SpdxPackage["annotations"] {
  return pairs.map(([k, v]) => ({
    annotator: TOOL,
    annotationDate: date,
    annotationType: "OTHER",
    comment: `${k}=${v}`,
  }));
}

/** SPDX 2.3 JSON of an inventory: the image package DESCRIBED, CONTAINS every package (and the OS). */
export function spdxDocument(inv: Inventory, opts: RenderOptions = {}): SpdxDocument {
  const created = (opts.timestamp ?? reportTime()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const name = imageName(inv);
  const extracted = new Map<string, string>();
  const imagePkg: SpdxPackage = {
    SPDXID: "SPDXRef-Image",
    name,
    ...(inv.image?.digest ? { versionInfo: inv.image.digest } : {}),
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    primaryPackagePurpose: "CONTAINER",
    annotations: annotations(imageProperties(inv), created),
  };
  const packages: SpdxPackage[] = [imagePkg];
  const relationships: SpdxDocument["relationships"] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-Image" },
  ];
  if (inv.os) {
    packages.push({
      SPDXID: "SPDXRef-OperatingSystem",
      name: inv.os.family,
      versionInfo: inv.os.version,
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "OPERATING-SYSTEM",
    });
    relationships.push({
      spdxElementId: "SPDXRef-Image",
      relationshipType: "CONTAINS",
      relatedSpdxElement: "SPDXRef-OperatingSystem",
    });
  }
  sortedPackages(inv).forEach((pkg, i) => {
    const { expression, refs } = spdxExpressionFor(pkg.licenses);
    for (const [id, text] of refs) extracted.set(id, text);
    const id = spdxId("Package", pkg, i);
    packages.push({
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: expression ?? "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "LIBRARY",
      ...(pkg.source
        ? { sourceInfo: `built from source package ${pkg.source.name} ${pkg.source.version}` }
        : {}),
      ...(pkg.purl
        ? {
            externalRefs: [
              { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: pkg.purl },
            ],
          }
        : {}),
      annotations: annotations(packageProperties(pkg), created),
    });
    relationships.push({
      spdxElementId: "SPDXRef-Image",
      relationshipType: "CONTAINS",
      relatedSpdxElement: id,
    });
  });
  const doc: SpdxDocument = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name,
    documentNamespace: `https://bulwark.dev/spdx/${encodeURIComponent(name)}-${opts.uuid ?? randomUUID()}`,
    creationInfo: { created, creators: [TOOL] },
    documentDescribes: ["SPDXRef-Image"],
    packages,
    relationships,
  };
  if (extracted.size > 0) {
    doc.hasExtractedLicensingInfos = [...extracted].map(([licenseId, text]) => ({
      licenseId,
      extractedText: text,
      name: text,
    }));
  }
  return doc;
}

/** The SPDX document as JSON text in pieces: one per package and relationship, never one string. */
export function spdxChunks(inv: Inventory, opts: RenderOptions = {}): Iterable<string> {
  return jsonChunks(spdxDocument(inv, opts));
}
