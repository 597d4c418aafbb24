import { defineConfig } from "vitest/config";

// Image builds and registry round-trips are slow on a 2-core machine; the
// timeouts below are hang guards, not performance limits (benchmarks hold those).
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "fuzz/**/*.test.ts", "packages/*/src/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: "forks",
    fileParallelism: true,
  },
});
