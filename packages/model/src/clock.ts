import { BulwarkError } from "./errors.js";

/**
 * The time a report says it was made. SOURCE_DATE_EPOCH (reproducible-builds.org: whole
 * seconds since 1970, UTC) fixes it, so two runs on the same input write byte-identical SBOMs
 * and reports — what a build pipeline that checksums its artefacts needs; otherwise the clock.
 */
export function reportTime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date();
  const seconds = /^\d{1,12}$/.test(epoch) ? Number(epoch) : NaN;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime()))
    throw new BulwarkError("USAGE", `SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${epoch}"`);
  return date;
}
