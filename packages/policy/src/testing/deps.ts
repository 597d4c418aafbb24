/**
 * Test tooling of the existing tree, for this package's tests only (no runtime code imports
 * this file; deps.ts is the runtime's one door into src/).
 */
export { runCli } from "../../../../src/cli/testutil/cli.js";
export { fixtureDb, MATCH_TESTDATA } from "../../../../src/match/testutil/testdb.js";
export {
  startRegistry,
  freePort,
  type RunningRegistry,
} from "../../../../src/image/registry/testing/registry.js";
export { selfSignedCert } from "../../../../src/image/registry/testing/cert.js";
export { buildImage as buildUmociImage, skopeo } from "../../../../src/image/testing/umoci.js";
