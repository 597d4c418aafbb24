import type { Store } from "../../../store/src/index.js";
import { registryFacts } from "../admission/registry-facts.js";
import { parseReference } from "../deps.js";
import type { ImageFacts } from "../policy/facts.js";
import type { RegistryAccess } from "../signature/registry-access.js";
import { factsOf } from "./catalog.js";
import { getDigest } from "./repo.js";

/**
 * Admission facts from the catalog: a digest `registry scan` stored carries its full scan
 * (vulnerabilities as last re-matched, secrets, image checks), so vulnerability rules apply in
 * the webhook without scanning inside its deadline. Other digests fall back to the registry's
 * manifest and config, where layer rules deny as "not scanned".
 */
export function catalogFacts(
  store: Store,
  access: RegistryAccess & { platform?: string },
): (image: string) => Promise<ImageFacts> {
  return async (image) => {
    const ref = parseReference(image);
    const row = ref.digest ? await getDigest(store, ref.digest) : undefined;
    return row ? factsOf(ref.registry, ref.repository, row) : registryFacts(image, access);
  };
}
