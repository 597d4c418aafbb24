import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import type { Analyzer, AnalyzerFile } from "../../../model/src/analyzer.js";
import { sha256Digest } from "../../../image/src/digest.js";
import type { Image, Layer } from "../../../model/src/image.js";

/**
 * Hand-made layers for walker tests. Hostile tars (names with "..", absolute names,
 * escaping links, bombs, truncation) can only be made by hand: no real image builder
 * here writes them, which is the point.
 */
export interface TarEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link";
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const e of entries) {
    const content = typeof e.content === "string" ? Buffer.from(e.content) : e.content;
    const header = { name: e.name, type: e.type ?? "file", mode: e.mode ?? 0o644, linkname: e.linkname };
    if (header.type === "file")
      p.entry({ ...header, size: content?.length ?? 0 }, content ?? Buffer.alloc(0));
    else p.entry(header);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export type Compression = "none" | "gzip" | "zstd";

/** zstd through the real zstd binary (Node 20 has no zstd encoder). */
export function compress(tar: Buffer, how: Compression): Buffer {
  if (how === "gzip") return gzipSync(tar);
  if (how === "zstd") return execFileSync("zstd", ["-q", "-c", "-"], { input: tar });
  return tar;
}

/** An in-memory layer that counts how often it is opened. */
export interface CountedLayer extends Layer {
  opens: number;
}

export function memLayer(blob: Buffer, tar: Buffer | undefined, createdBy?: string): CountedLayer {
  const layer: CountedLayer = {
    digest: sha256Digest(blob),
    diffId: tar ? sha256Digest(tar) : undefined,
    size: blob.length,
    createdBy,
    opens: 0,
    async open() {
      layer.opens++;
      // Small chunks, so entries straddle chunk boundaries as they do on the wire.
      const parts: Buffer[] = [];
      for (let i = 0; i < blob.length; i += 4096) parts.push(blob.subarray(i, i + 4096));
      return Readable.from(parts);
    },
  };
  return layer;
}

export function memImage(layers: Layer[]): Image {
  return {
    name: "test",
    source: "oci",
    repoTags: [],
    repoDigests: [],
    config: {},
    layers,
    close: async () => {},
  };
}

/** A tiny cataloger for tests: "*.pkgs" files hold "name version" lines. */
export function linesAnalyzer(version = 1, seen: Buffer[] = []): Analyzer {
  return {
    name: "lines",
    version,
    wants: (path) => path.endsWith(".pkgs"),
    async analyze(file: AnalyzerFile) {
      const data = await file.read();
      seen.push(data);
      const text = data.toString("utf8");
      if (text.startsWith("!")) throw new Error("bad line format");
      const packages = text
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [name = "", ver = ""] = l.split(" ");
          return { type: "npm" as const, name, version: ver, purl: "", licenses: [], locations: [] };
        });
      return { packages };
    },
  };
}
