import { describe, expect, it } from "vitest";
import type { ImageConfig } from "../../../../model/src/image.js";
import { runRules } from "../rules.js";
import { historyScript, imageConfigRules } from "../image/config-rules.js";

/**
 * The same misreadings in image history: `created_by` lines as Docker's classic builder
 * and BuildKit write them (hand-written: the formats are documented, and building images
 * with those builders is not possible here).
 */
const idsFor = (created: string[]): string[] => {
  const config = { history: created.map((created_by) => ({ created_by })) } as unknown as ImageConfig;
  return [...new Set(runRules(imageConfigRules, config, new Set()).map((h) => h.rule.id))].sort();
};

describe("image history read as shell", () => {
  it("extracts the script of classic, BuildKit and build-arg lines", () => {
    expect(historyScript("/bin/sh -c apt-get update")).toBe("apt-get update");
    expect(historyScript("RUN /bin/sh -c npm ci # buildkit")).toBe("npm ci");
    expect(historyScript("|1 NODE_TLS_REJECT_UNAUTHORIZED=0 /bin/sh -c npm ci")).toBe(
      "NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci",
    );
    expect(historyScript('/bin/sh -c #(nop)  CMD ["sudo"]')).toBe("");
    expect(historyScript("/bin/sh -c #(nop)  ENV GIT_SSL_NO_VERIFY=1")).toBe("export GIT_SSL_NO_VERIFY=1");
  });

  it("does not report installing the sudo package, reports running sudo", () => {
    expect(idsFor(["/bin/sh -c apt-get update && apt-get install -y sudo"])).not.toContain("BW-IMG-006");
    expect(idsFor(["RUN /bin/sh -c sudo apt-get update # buildkit"])).toContain("BW-IMG-006");
  });

  it("sees TLS turned off by a variable on the step or an ENV step, not a quoted flag", () => {
    expect(idsFor(["|1 NODE_TLS_REJECT_UNAUTHORIZED=0 /bin/sh -c npm ci"])).toContain("BW-IMG-007");
    expect(idsFor(["/bin/sh -c #(nop)  ENV GIT_SSL_NO_VERIFY=1"])).toContain("BW-IMG-007");
    expect(idsFor(['/bin/sh -c echo "--allow-unauthenticated is banned" > /etc/policy'])).not.toContain(
      "BW-IMG-007",
    );
  });
});
