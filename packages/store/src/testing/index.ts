export { startPostgres, PG_BIN, type RunningPostgres } from "./postgres.js";
