import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The seed corpus of a target: every file in fuzz/corpus/<target>/, in name order. */
export function seedsOf(name: string): Buffer[] {
  const dir = join(import.meta.dirname, "corpus", name);
  try {
    return readdirSync(dir)
      .sort()
      .map((f) => readFileSync(join(dir, f)));
  } catch {
    return [];
  }
}
