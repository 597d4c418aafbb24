import type { Command } from "commander";
import { cacheDir } from "../cache/dirs.js";
import { SBOM_FORMATS, parseSbomFormat } from "../report/sbom/formats.js";
import { globalOptions, log } from "./context.js";
import { writeFileAtomic } from "./output.js";

interface SbomFlags {
  format: string;
  output?: string;
  platform?: string;
  username?: string;
  password?: string;
  insecure?: boolean;
}

/** `bulwark sbom TARGET`: the inventory of an image as CycloneDX, SPDX, JSON or a table. */
export function registerSbom(program: Command): void {
  program
    .command("sbom")
    .description(
      "list every package in an image (SBOM): registry ref, docker-archive:, oci-archive:, oci:, rootfs:",
    )
    .argument("<target>", "image to inventory")
    .option("-f, --format <format>", `output format: ${SBOM_FORMATS.join(", ")}`, "table")
    .option("-o, --output <file>", "write the SBOM to FILE (atomically) instead of standard output")
    .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image")
    .option("--username <user>", "registry user name")
    .option("--password <password>", "registry password or token")
    .option("--insecure", "allow plain HTTP and unverified TLS to the registry")
    .action(async (target: string, flags: SbomFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const format = parseSbomFormat(flags.format);
      const { generateSbom } = await import("../sbom/index.js");
      const text = await generateSbom(target, format, {
        cacheDir: cacheDir(g.cacheDir),
        ...(flags.platform ? { platform: flags.platform } : {}),
        ...(flags.username ? { username: flags.username } : {}),
        ...(flags.password ? { password: flags.password } : {}),
        ...(flags.insecure ? { insecure: true } : {}),
        progress: (m) => log(g, m),
      });
      if (flags.output) {
        writeFileAtomic(flags.output, text);
        log(g, `wrote ${flags.output}`);
      } else {
        process.stdout.write(text);
      }
    });
}
