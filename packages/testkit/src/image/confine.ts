import { mkdtemp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";

/**
 * Runs each test with HOME and the working directory pointed at fresh empty directories
 * under `parent()`, and checks afterwards that they are still empty: nothing from an image
 * may be written outside Bulwark's cache directory.
 */
export function expectNothingWrittenOutsideCache(parent: () => string): void {
  const saved = { home: process.env.HOME, cwd: process.cwd() };
  let home = "";
  let cwd = "";
  beforeEach(async () => {
    home = await mkdtemp(join(parent(), "home-"));
    cwd = await mkdtemp(join(parent(), "cwd-"));
    process.env.HOME = home;
    process.chdir(cwd);
  });
  afterEach(async () => {
    process.chdir(saved.cwd);
    process.env.HOME = saved.home;
    expect(await readdir(home)).toEqual([]);
    expect(await readdir(cwd)).toEqual([]);
  });
}
