/** Test helpers: offer a buffer or a real file on disk to an analyzer the way the walker does. */
import { readFileSync, statSync } from "node:fs";
import type { Analyzer, AnalyzerFile, AnalyzerOutput } from "../../../../model/src/analyzer.js";

export function bufferFile(path: string, data: Buffer | string, mode = 0o100644): AnalyzerFile {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  return {
    path,
    size: buf.length,
    mode,
    uid: 0,
    gid: 0,
    read: () => Promise.resolve(buf),
    readRange: (offset, length) => Promise.resolve(buf.subarray(offset, offset + length)),
  };
}

/** A file from this machine's disk, offered under `imagePath` (defaults to the same path). */
export function diskFile(diskPath: string, imagePath = diskPath): AnalyzerFile {
  const st = statSync(diskPath);
  return {
    path: imagePath,
    size: st.size,
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    read: () => Promise.resolve(readFileSync(diskPath)),
    readRange: (offset, length) => Promise.resolve(readFileSync(diskPath).subarray(offset, offset + length)),
  };
}

/** What the walker does: ask wants(), then analyze(); undefined when the analyzer declines. */
export async function offer(analyzer: Analyzer, file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
  if (!analyzer.wants(file.path, { size: file.size, mode: file.mode })) return undefined;
  return analyzer.analyze(file);
}
