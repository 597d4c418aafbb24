import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { writeChunks } from "./output.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeChunks", () => {
  it("writes the pieces to a file, whole", async () => {
    const file = join(dir, "report.json");
    await writeChunks(["{", '"a":', "1}", "\n"], file);
    expect(readFileSync(file, "utf8")).toBe('{"a":1}\n');
  });

  it("guards standard output once, however often it runs in one process (in-process CLI runs, tests)", async () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      await writeChunks(["first"], undefined);
      const after = process.stdout.listenerCount("error");
      for (let i = 0; i < 12; i++) await writeChunks([`run ${i}`], undefined);
      expect(process.stdout.listenerCount("error")).toBe(after);
      expect(write).toHaveBeenCalledWith("run 11");
    } finally {
      write.mockRestore();
    }
  });
});
