import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// `@bulwark/<pkg>` resolves to packages/<pkg>/src through the "bulwark-source" export condition,
// in the test workers (Vite) and in every child process a test starts (NODE_OPTIONS is inherited),
// so tests always run the sources, never a stale dist/.
const SOURCE = "--conditions=bulwark-source";
if (!(process.env.NODE_OPTIONS ?? "").includes(SOURCE))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} ${SOURCE}`.trim();

// Every temp file of a run goes under one folder removed when the run ends, so tests (and the
// processes they start) leave nothing behind in the system temp dir. The test-image cache stays
// in the real temp dir: it is kept between runs on purpose (keyed by recipe).
process.env.BULWARK_TEST_CACHE ??= join(tmpdir(), "bulwark-test-cache");
const runTemp = mkdtempSync(join(tmpdir(), "bulwark-test-run-"));
chmodSync(runTemp, 0o1777); // like /tmp: tests run servers as unprivileged users (PostgreSQL)
process.env.TMPDIR = runTemp;
process.on("exit", () => {
  // Never recurse into a mount a test left behind (a bind mount could reach real files).
  if (readFileSync("/proc/self/mounts", "utf8").includes(` ${runTemp}/`)) return;
  rmSync(runTemp, { recursive: true, force: true });
});

// `bulwark db update` re-judges the approved-image catalog in the default data directory: tests
// (and the CLI processes they start) get a throwaway one, never the developer's own store.
process.env.BULWARK_DATA_DIR = mkdtempSync(join(runTemp, "bulwark-test-data-"));

// Image builds and registry round-trips are slow on a 2-core machine; the
// timeouts below are hang guards, not performance limits (benchmarks hold those).
export default defineConfig({
  resolve: { conditions: ["bulwark-source", ...defaultServerConditions] },
  ssr: { resolve: { conditions: ["bulwark-source", ...defaultServerConditions] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "fuzz/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: "forks",
    fileParallelism: true,
  },
});
