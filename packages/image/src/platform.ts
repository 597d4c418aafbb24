import { BulwarkError } from "@bulwark/model";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM = "linux/amd64";

/** "linux/amd64", "linux/arm64/v8", "linux/arm/v7". */
export function parsePlatform(text: string = DEFAULT_PLATFORM): Platform {
  const parts = text.split("/");
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || variant === "") {
    throw new BulwarkError(
      "USAGE",
      `bad --platform ${JSON.stringify(text)}: expected OS/ARCH[/VARIANT], e.g. linux/amd64`,
    );
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Partial<Platform> | undefined): string {
  if (!p) return "unknown";
  return [p.os ?? "?", p.architecture ?? "?", p.variant].filter(Boolean).join("/");
}

// arm64 images usually omit the variant; "v8" is what it means then.
function normalVariant(arch: string, variant: string | undefined): string | undefined {
  if (arch === "arm64" && (variant === undefined || variant === "v8")) return "v8";
  return variant;
}

/** Does an index entry's platform satisfy the wanted one? A wanted variant must match. */
export function platformMatches(want: Platform, have: Partial<Platform> | undefined): boolean {
  if (!have || have.os !== want.os || have.architecture !== want.architecture) return false;
  if (want.variant === undefined && want.architecture !== "arm64") return true;
  return normalVariant(want.architecture, want.variant) === normalVariant(have.architecture, have.variant);
}
