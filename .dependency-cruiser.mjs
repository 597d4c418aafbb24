/**
 * Import boundaries of the Bulwark tree, checked by dependency-cruiser (`npm run lint`, and
 * test/architecture/boundaries.test.ts, which also proves each rule fires on a wrong fixture).
 *
 * Why dependency-cruiser: it reads TypeScript (type-only imports included), resolves the
 * workspace packages the way Node does, expresses "stage i may import only stages before i"
 * as a few generated path rules, and reports cycles — one tool for all three rules, run over
 * the whole tree in a couple of seconds. Project references only see package-level edges;
 * eslint-plugin-boundaries needs an import resolver plugin on top to see the workspaces.
 *
 * Rules (shipped code only — tests, testutil/, testing/, testkit/ and testdata/ folders are excluded):
 *  1. packages follow the data: a package imports only the packages listed before it in PACKAGES;
 *  2. no package imports another package's internals, only its `src/index.ts` (`@bulwark/<pkg>`);
 *  3. inside the scanner, a stage imports only the stages before it in SCANNER_STAGES;
 *  4. no runtime import cycles between files (folder-level cycles, type imports included, are
 *     counted by the test).
 */

/** Each package and the packages it may import. Order = data flow. */
export const PACKAGES = {
  model: [],
  image: ["model"],
  vulndb: ["model"],
  scanner: ["model", "image", "vulndb"],
  command: ["model"],
  store: ["model"],
  runtime: ["model", "image", "vulndb", "store", "command"],
  prioritize: ["model", "command"],
  policy: ["model", "image", "vulndb", "scanner", "store", "command"],
  vault: ["model", "store", "scanner", "command"],
  server: [
    "model",
    "image",
    "vulndb",
    "scanner",
    "store",
    "runtime",
    "prioritize",
    "policy",
    "vault",
    "command",
  ],
  cli: [
    "model",
    "image",
    "vulndb",
    "scanner",
    "command",
    "store",
    "runtime",
    "prioritize",
    "policy",
    "vault",
    "server",
  ],
};

/** The scanner's stages in data order: a stage may import itself and earlier stages only. */
export const SCANNER_STAGES = [
  "cache",
  "walker",
  "analyzer",
  "inventory",
  "match",
  "secret",
  "misconfig",
  "findings",
  "report",
  "scan",
];

const NOT_SHIPPED = "(\\.test\\.ts$|/testutil/|/testdata/|/testing/|/testkit/)";

function packageRules() {
  return Object.entries(PACKAGES).map(([pkg, allowed]) => ({
    name: `package-order:${pkg}`,
    comment: `@bulwark/${pkg} may import only: ${allowed.join(", ") || "nothing"}`,
    severity: "error",
    from: { path: `(^|/)packages/${pkg}/src/`, pathNot: NOT_SHIPPED },
    to: { path: `(^|/)packages/(?!(${[pkg, ...allowed].join("|")})/)[^/]+/` },
  }));
}

function stageRules() {
  return SCANNER_STAGES.slice(0, -1).map((stage, i) => ({
    name: `stage-order:${stage}`,
    comment: `scanner/${stage} may not import a later stage (${SCANNER_STAGES.slice(i + 1).join(", ")})`,
    severity: "error",
    from: { path: `(^|/)packages/scanner/src/${stage}/`, pathNot: NOT_SHIPPED },
    to: { path: `(^|/)packages/scanner/src/(${SCANNER_STAGES.slice(i + 1).join("|")})/` },
  }));
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...packageRules(),
    ...stageRules(),
    {
      name: "no-internals",
      comment:
        "another package is imported through an entry point its package.json exports (@bulwark/<pkg>, @bulwark/scanner/sbom, @bulwark/model/core, @bulwark/runtime/nats), never a file inside it",
      severity: "error",
      from: { path: "(^|/)packages/([^/]+)/src/", pathNot: `${NOT_SHIPPED}|(^|/)packages/testkit/` },
      to: {
        path: "(^|/)packages/([^/]+)/",
        pathNot: [
          "(^|/)packages/$2/",
          "(^|/)packages/[^/]+/src/index\\.ts$",
          "(^|/)packages/scanner/src/sbom\\.ts$",
          "(^|/)packages/model/src/core\\.ts$",
          "(^|/)packages/runtime/src/ship/nats\\.ts$",
        ],
      },
    },
    {
      name: "no-test-code-shipped",
      comment: "shipped code never imports tests, testutil/, testdata/ or the testkit",
      severity: "error",
      from: { path: "(^|/)packages/[^/]+/src/", pathNot: `${NOT_SHIPPED}|(^|/)packages/testkit/` },
      to: { path: `${NOT_SHIPPED}|(^|/)packages/testkit/` },
    },
    {
      name: "no-circular",
      comment:
        "no runtime import cycle between files; a cycle made only of type imports (a handler typed by the object that dispatches to it) is erased at build time — folder-level cycles, type imports included, are counted by the test",
      severity: "error",
      from: { pathNot: NOT_SHIPPED },
      to: { circular: true, viaOnly: { pathNot: NOT_SHIPPED, dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["(^|/)node_modules/", "(^|/)dist/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["bulwark-source", "import", "node", "default"],
      mainFields: ["main", "types"],
      extensions: [".ts", ".js", ".json"],
    },
    combinedDependencies: false,
  },
};
