// Part of `npm run build`: bundles the CLI into packages/cli/dist/bundle/ with esbuild, so that
// `bulwark` starts by reading a few files instead of resolving and compiling ~800 modules.
// Each command's `import()` stays a separate chunk, so `bulwark scan` never parses the server.
// The per-package ES modules in packages/*/dist stay as they are, for programmatic users.
//
//   node scripts/bundle-cli.mjs [--outdir DIR]   (DIR must sit under this repository, so that
//                                                  the native modules left out resolve)
import { build } from "esbuild";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const at = process.argv.indexOf("--outdir");
const outdir = resolve(at >= 0 ? process.argv[at + 1] : join(repo, "packages/cli/dist/bundle"));

/**
 * Left out of the bundle and loaded from node_modules: native addons (a .node file cannot be
 * bundled) and optional peers that are absent on purpose (pg's native binding, the CycloneDX
 * library's XML/JSON validators).
 */
const EXTERNAL = [
  "better-sqlite3",
  "@node-rs/argon2",
  "pg-native",
  "libxmljs2",
  "xmlbuilder2",
  "ajv-formats-draft2019",
];

const BANNER = [
  'import { createRequire as __bulwarkRequire } from "node:module";',
  'import { dirname as __bulwarkDirname } from "node:path";',
  "const require = __bulwarkRequire(import.meta.url);",
  "const __filename = new URL(import.meta.url).pathname;",
  "const __dirname = __bulwarkDirname(__filename);",
].join(" ");

/**
 * An import of `module` from files matching `importer` becomes `contents`, a stand-in that
 * loads the real module on first use (its own `require` is not intercepted).
 */
function deferred(name, module, importer, contents) {
  const namespace = `deferred-${name}`;
  return {
    name,
    setup(b) {
      b.onResolve({ filter: module }, (args) =>
        importer.test(args.importer) ? { path: args.path, namespace } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace }, () => ({ contents, loader: "js", resolveDir: repo }));
    },
  };
}

/**
 * The CycloneDX library from its TypeScript sources (shipped in the package), not its CommonJS
 * build: as ES modules esbuild hoists them into the chunk and drops what Bulwark never calls
 * (the XML serializer, all of the SPDX schema file but its id list), where the CommonJS build
 * came whole, each module parsed twice (once skimmed with the chunk, again when first
 * required): its 202 KB of the SBOM chunk became 68 KB, the chunk 388 KB became 255 KB.
 */
const CYCLONEDX_SOURCES = {
  Models: "models/index.ts",
  Enums: "enums/index.ts",
  Serialize: "serialize/index.node.ts",
  Spec: "spec/index.ts",
  "Contrib/License": "contrib/license/index.node.ts",
};
const CYCLONEDX_FROM_SOURCE = {
  name: "cyclonedx-from-source",
  setup(b) {
    const src = join(repo, "node_modules/@cyclonedx/cyclonedx-library/src");
    b.onResolve({ filter: /^@cyclonedx\/cyclonedx-library\/[A-Za-z/]+$/ }, (args) => {
      const file = CYCLONEDX_SOURCES[args.path.slice("@cyclonedx/cyclonedx-library/".length)];
      if (!file) return { errors: [{ text: `no TypeScript source mapped for ${args.path}` }] };
      return { path: join(src, file) };
    });
    // A JSON key that is a reserved word ("enum") gets no named export from esbuild's JSON loader.
    b.onLoad({ filter: /[\\/]spdx\.SNAPSHOT\.schema\.json$/ }, (args) => ({
      contents: `const ids = ${JSON.stringify(JSON.parse(readFileSync(args.path, "utf8")).enum)}; export { ids as enum };`,
      loader: "js",
    }));
    // The optional XML stringifier imports xmlbuilder2, not installed: as in the CommonJS build,
    // requiring it fails and the library's XML serializer reports the missing dependency.
    b.onResolve({ filter: /[\\/]__xmlStringifiers[\\/]xmlbuilder2$/ }, () => ({
      path: "xmlbuilder2",
      namespace: "absent-optional",
    }));
    b.onLoad({ filter: /.*/, namespace: "absent-optional" }, (args) => ({
      contents: `throw Object.assign(new Error("Cannot find module '${args.path}'"), { code: "MODULE_NOT_FOUND" });`,
      loader: "js",
    }));
  },
};

const PLUGINS = [
  CYCLONEDX_FROM_SOURCE,
  // commander requires node:child_process at load time, for executable subcommands Bulwark
  // does not have; loading it pulls in net, dgram and the stream stack — about a third of a
  // `bulwark --version`. Commander's copy becomes a proxy.
  deferred(
    "child-process",
    /^(node:)?child_process$/,
    /[\\/]commander[\\/]/,
    'let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require("node:child_process"))[k] });',
  ),
];

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  absWorkingDir: repo,
  // The secret scan's worker threads start tree-worker.js beside the module that spawns them.
  entryPoints: {
    bulwark: "packages/cli/src/bin.ts",
    "tree-worker": "packages/scanner/src/secret/tree-worker.ts",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["bulwark-source"],
  external: EXTERNAL,
  sourcemap: "linked",
  // Whitespace and comments out: fewer bytes to read, decode and pre-parse on every start, and
  // no comment can bring a non-ASCII character in (below). Names stay; --debug maps to sources.
  minifyWhitespace: true,
  chunkNames: "chunk-[hash]",
  legalComments: "linked",
  // Bundled CommonJS dependencies call require() for Node built-ins and name __dirname; ES
  // module output has neither. (Their __dirname paths — CycloneDX's schemas, pino's workers —
  // serve validators and log transports Bulwark does not use.)
  banner: { js: BANNER },
  plugins: PLUGINS,
  logLevel: "warning",
  metafile: true,
});
// Data files read beside their module at run time (see scripts/copy-assets.mjs): in the bundle
// every module sits in the one output folder.
mkdirSync(join(outdir, "default"), { recursive: true });
for (const name of ["bulwark_rules.yaml", "bulwark_k8s_audit_rules.yaml"])
  cpSync(join(repo, "packages/runtime/src/rules/default", name), join(outdir, "default", name));
// One character past ASCII anywhere in a chunk makes Node decode the whole chunk into a
// two-byte string, slower to decode and to compile on every start (about 7 ms of a warm SBOM).
// esbuild escapes strings; only a doc comment it keeps (on a class field) can bring one in.
const notAscii = [];
for (const name of Object.keys(result.metafile.outputs).filter((n) => n.endsWith(".js"))) {
  const text = readFileSync(join(repo, name), "utf8");
  const at = text.search(/[\u0080-\uffff]/);
  if (at >= 0) notAscii.push(`${name}: ${JSON.stringify(text.slice(Math.max(0, at - 50), at + 10))}`);
}
if (notAscii.length) {
  console.error(
    `bundle: keep these kept comments ASCII (find the text in the sources):\n${notAscii.join("\n")}`,
  );
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `bundle: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1048576).toFixed(1)} MiB in ${outdir}`,
);
