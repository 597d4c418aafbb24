/**
 * The package catalogers, in one explicit list. Adding a package type means adding its
 * folder and one line here; nothing registers itself on import.
 */
import type { Analyzer } from "@bulwark/model";
import { apkAnalyzer } from "./apk/apk.js";
import { cargoAuditableAnalyzer } from "./cargo/cargo.js";
import { composerAnalyzer } from "./composer/composer.js";
import { dotnetAnalyzer } from "./dotnet/dotnet.js";
import { dpkgAnalyzer } from "./dpkg/dpkg.js";
import { gemAnalyzer } from "./gem/gem.js";
import { goBinaryAnalyzer } from "./gobinary/gobinary.js";
import { javaAnalyzer } from "./java/java.js";
import { npmAnalyzer } from "./npm/npm.js";
import { osAnalyzer } from "./os/os.js";
import { pythonAnalyzer } from "./python/python.js";
import { rpmAnalyzer } from "./rpm/rpm.js";
import { lockfileAnalyzer } from "./lockfile/analyzer.js";

export const catalogers: readonly Analyzer[] = [
  osAnalyzer,
  dpkgAnalyzer,
  apkAnalyzer,
  rpmAnalyzer,
  npmAnalyzer,
  pythonAnalyzer,
  goBinaryAnalyzer,
  javaAnalyzer,
  gemAnalyzer,
  composerAnalyzer,
  dotnetAnalyzer,
  cargoAuditableAnalyzer,
  lockfileAnalyzer,
];
