import { randomUUID } from "node:crypto";
// Subpath imports: the package root also loads its validators (ajv and JSON schemas), ~20 ms
// of start-up that writing a BOM never uses.
import * as License from "@cyclonedx/cyclonedx-library/Contrib/License";
import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import { isOsPackage } from "../../inventory/purl.js";
import { type Inventory, type Package, VERSION, reportTime } from "@bulwark/model";
import { imageName, imageProperties, packageProperties, sortedPackages } from "./common.js";
import { validateSpdxExpression } from "./licenses.js";
import type { RenderOptions } from "./options.js";
import { bomJsonChunks } from "../cyclonedx-stream.js";

const licenseFactory = new License.Factories.LicenseFactory(validateSpdxExpression);

/**
 * CycloneDX allows either one license expression or a list of single licenses. One
 * entry goes through the library's factory (SPDX id, expression or name); several become
 * single licenses (SPDX id when it is one, else a name).
 */
function licenses(pkg: Package): Models.License[] {
  const list = [...new Set(pkg.licenses.map((l) => l.trim()).filter(Boolean))];
  if (list.length === 1) return [licenseFactory.makeFromString(list[0] as string)];
  return list.map((l) => licenseFactory.makeDisjunctive(l));
}

function properties(pairs: Array<[string, string]>): Models.PropertyRepository {
  return new Models.PropertyRepository(pairs.map(([k, v]) => new Models.Property(k, v)));
}

function component(pkg: Package, bomRef: string): Models.Component {
  const c = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    // A Go main module built from a checkout has no version: the field is left out.
    ...(pkg.version ? { version: pkg.version } : {}),
    bomRef,
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    ...(pkg.namespace ? { group: pkg.namespace } : {}),
    properties: properties(packageProperties(pkg)),
  });
  for (const l of licenses(pkg)) c.licenses.add(l);
  return c;
}

/** The CycloneDX 1.6 BOM of an inventory: the image as metadata component, its OS and every package. */
export function cycloneDxSbomBom(inv: Inventory, opts: RenderOptions = {}): Models.Bom {
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${opts.uuid ?? randomUUID()}` });
  bom.metadata.timestamp = opts.timestamp ?? reportTime();
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, "bulwark", { version: VERSION }),
  );
  const root = new Models.Component(Enums.ComponentType.Container, imageName(inv), {
    bomRef: "image",
    ...(inv.image?.digest ? { version: inv.image.digest } : {}),
    properties: properties(imageProperties(inv)),
  });
  bom.metadata.component = root;
  const rootDeps = root.dependencies;
  let osComponent: Models.Component | undefined;
  if (inv.os) {
    osComponent = new Models.Component(Enums.ComponentType.OperatingSystem, inv.os.family, {
      version: inv.os.version,
      bomRef: "os",
      ...(inv.os.prettyName ? { description: inv.os.prettyName } : {}),
    });
    bom.components.add(osComponent);
    rootDeps.add(osComponent.bomRef);
  }
  const seen = new Map<string, number>();
  for (const pkg of sortedPackages(inv)) {
    // Two copies of one purl (e.g. an npm package nested twice) stay two components.
    const base = pkg.purl || `${pkg.type}/${pkg.name}@${pkg.version}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const c = component(pkg, n === 0 ? base : `${base}#${n}`);
    bom.components.add(c);
    (isOsPackage(pkg) && osComponent ? osComponent.dependencies : rootDeps).add(c.bomRef);
  }
  return bom;
}

/** The inventory's CycloneDX JSON in pieces. */
export function cycloneDxSbomChunks(inv: Inventory, opts: RenderOptions = {}): Iterable<string> {
  // No list sorting: a location's path and layer properties must stay adjacent; packages are pre-sorted.
  return bomJsonChunks(cycloneDxSbomBom(inv, opts), false);
}
