/** Reading a database whose file was damaged after it was built (bad disk, partial copy). */
import { closeSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BulwarkError } from "../../model/src/errors.js";
import { openVulnDb, updateVulnDb } from "./index.js";
import { dbPath } from "./schema.js";
import { MIRROR, MIRROR_PRESENT, SKIP_REASON, tempDir, unzipTo } from "./testutil/mirror.js";
import type { OsvRecord } from "./osv.js";

const work = tempDir("store");
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!MIRROR_PRESENT)(
  `damaged database${MIRROR_PRESENT ? "" : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    it("turns read errors from damaged pages into DB_CORRUPT, never a crash", async () => {
      const cache = join(work, "cache");
      await updateVulnDb({ cacheDir: cache, source: MIRROR, ecosystems: ["npm"] });
      // Garbage over the middle half of the file; the header and first pages stay intact.
      const file = dbPath(cache);
      const size = statSync(file).size;
      const fd = openSync(file, "r+");
      writeSync(fd, Buffer.alloc(Math.floor(size / 2), 0xa5), 0, Math.floor(size / 2), Math.floor(size / 4));
      closeSync(fd);

      const names = readdirSync(unzipTo(join(MIRROR, "osv", "npm", "all.zip"), join(work, "x"))).flatMap(
        (f) =>
          ((JSON.parse(readFileSync(join(work, "x", f), "utf8")) as OsvRecord).affected ?? []).map(
            (a) => a.package?.name ?? "",
          ),
      );
      let error: unknown;
      try {
        const db = openVulnDb(cache);
        for (const name of names) db.advisories("npm", name);
        db.close();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BulwarkError);
      expect((error as BulwarkError).code).toBe("DB_CORRUPT");
      expect((error as BulwarkError).message).toContain("bulwark db update");
    });
  },
);
