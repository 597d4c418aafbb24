import { execFileSync } from "node:child_process";

/** The tools of this list that are not on PATH, for `describe.skipIf(missing.length)` with a reason. */
export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => {
    try {
      execFileSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
}
