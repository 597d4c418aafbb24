/**
 * A CycloneDX BOM as JSON text in pieces. The library's serializer ends in one
 * `JSON.stringify` of the whole normalized document, which fails past V8's string limit
 * (a million vulnerabilities, a quarter-million components); here the library still does
 * the normalizing (bom-ref discrimination, list sorting, spec rules) and `jsonChunks`
 * writes the result, producing the same text as `serialize(bom, { space: 2 })`.
 */
import type * as Models from "@cyclonedx/cyclonedx-library/Models";
import * as Serialize from "@cyclonedx/cyclonedx-library/Serialize";
import * as Spec from "@cyclonedx/cyclonedx-library/Spec";
import { jsonChunks } from "./json-stream.js";

/** The library's JSON serializer, stopped before its final stringify: it keeps the normalized document. */
class NormalizingSerializer extends Serialize.JsonSerializer {
  normalized: unknown;

  protected override _serialize(normalized: unknown): string {
    this.normalized = normalized;
    return "";
  }
}

/** CycloneDX 1.6 JSON of `bom`, two-space indented and newline-terminated, in pieces. */
export function* bomJsonChunks(bom: Models.Bom, sortLists: boolean): Generator<string> {
  const serializer = new NormalizingSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  serializer.serialize(bom, { sortLists, space: 2 });
  const normalized = serializer.normalized;
  serializer.normalized = undefined;
  yield* jsonChunks(normalized);
}
