import type { Command } from "commander";
import { cacheDir } from "@bulwark/model";
import { SBOM_FORMATS, parseSbomFormat } from "@bulwark/scanner/sbom";
import {
  globalOptions,
  log,
  addImageAccessFlags,
  addUploadFlags,
  imageAccessFlags,
  type ImageAccessFlags,
  type UploadFlags,
} from "@bulwark/command";
import { writeChunks } from "./output.js";

interface SbomFlags extends ImageAccessFlags, UploadFlags {
  format: string;
  output?: string;
  skipDev?: boolean;
}

/** `bulwark sbom TARGET`: the inventory of an image as CycloneDX, SPDX, JSON or a table. */
export function registerSbom(program: Command): void {
  const sbom = program
    .command("sbom")
    .description(
      "list every package in an image (SBOM): registry ref, docker-archive:, oci-archive:, oci:, rootfs:",
    )
    .argument("<target>", "image to inventory")
    .option("-f, --format <format>", `output format: ${SBOM_FORMATS.join(", ")}`, "table")
    .option("-o, --output <file>", "write the SBOM to FILE (atomically) instead of standard output")
    .option("--skip-dev", "leave out dev/test dependencies that lockfiles mark as such");
  addUploadFlags(addImageAccessFlags(sbom)).action(async (target: string, flags: SbomFlags, cmd: Command) => {
    const g = globalOptions(cmd);
    const format = parseSbomFormat(flags.format);
    // The server client is loaded only when an upload is asked for; flags are checked first.
    const upload =
      flags.server || flags.token
        ? await (await import("@bulwark/server")).uploadAfterSbom(flags, (m) => log(g, m))
        : undefined;
    // Loaded on use, so that other commands start without the catalogers and writers.
    const { generateInventory, renderSbomChunks } = await import("@bulwark/scanner/sbom");
    const inventory = await generateInventory(target, {
      cacheDir: cacheDir(g.cacheDir),
      ...imageAccessFlags(flags),
      ...(flags.skipDev ? { skipDev: true } : {}),
      progress: (m) => log(g, m),
    });
    // Written in pieces (atomically to --output): a quarter-million packages is never one string.
    await writeChunks(renderSbomChunks(inventory, format), flags.output);
    if (flags.output) log(g, `wrote ${flags.output}`);
    await upload?.send(inventory);
  });
}
