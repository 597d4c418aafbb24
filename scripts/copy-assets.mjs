// Part of `npm run build`: tsc copies only code, so the data files a package reads beside its
// modules at run time (the runtime's default rule YAML) are copied from src/ to dist/ here.
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const ASSETS = /\.(ya?ml)$/;
const SKIP = /(^|\/)(testdata|testutil|testing|testkit)(\/|$)/;

for (const pkg of readdirSync("packages")) {
  const src = join("packages", pkg, "src");
  if (!existsSync(join("packages", pkg, "dist"))) continue;
  for (const rel of readdirSync(src, { recursive: true, encoding: "utf8" })) {
    if (ASSETS.test(rel) && !SKIP.test(rel)) cpSync(join(src, rel), join("packages", pkg, "dist", rel));
  }
}
