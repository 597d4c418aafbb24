/**
 * Test tooling of the existing tree, for this package's tests only (no runtime code imports
 * this file; deps.ts is the runtime's one door into src/).
 */
export { runCli } from "../../../cli/src/testutil/cli.js";
export { fixtureDb, MATCH_TESTDATA } from "../../../scanner/src/match/testutil/testdb.js";
export { startRegistry, freePort, type RunningRegistry } from "../../../testkit/src/registry/registry.js";
export { selfSignedCert } from "../../../testkit/src/registry/cert.js";
export { buildImage as buildUmociImage, skopeo } from "../../../testkit/src/image/umoci.js";
export { MIRROR, MIRROR_PRESENT } from "../../../vulndb/src/testutil/mirror.js";
