import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../../../vulndb/src/osv.js";
import { matchStatus } from "./status.js";

const r: OsvRecord = { id: "DEBIAN-CVE-2024-1", modified: "2024-01-01T00:00:00Z" };

describe("matchStatus", () => {
  it("is fixed whenever a fixed version exists", () => {
    expect(matchStatus(r, { ecosystem_specific: { urgency: "unimportant" } }, "1.2-3")).toBe("fixed");
  });

  it("is affected (unfixed) without a fix or a word from the distro", () => {
    expect(matchStatus(r, {}, undefined)).toBe("affected");
  });

  it("reads Debian's unimportant urgency on unfixed issues as will_not_fix", () => {
    expect(matchStatus(r, { ecosystem_specific: { urgency: "unimportant" } }, undefined)).toBe(
      "will_not_fix",
    );
  });

  it.each([
    [{ ecosystem_specific: { status: "<no-dsa>" } }, "fix_deferred"],
    [{ ecosystem_specific: { status: "ignored" } }, "will_not_fix"],
    [{ database_specific: { fix_state: "Will not fix" } }, "will_not_fix"],
    [{ database_specific: { fix_state: "Out of support scope" } }, "will_not_fix"],
    [{ ecosystem_specific: { status: "end-of-life" } }, "end_of_life"],
    [{ database_specific: { status: "postponed" } }, "fix_deferred"],
    // Wolfi's advisory events (the real feed's database_specific.status values).
    [{ database_specific: { status: "fix-not-planned" } }, "will_not_fix"],
    [{ database_specific: { status: "pending-upstream-fix" } }, "affected"],
  ])("%o → %s", (affected, want) => {
    expect(matchStatus(r, affected, undefined)).toBe(want);
  });

  it("honours an explicit not-affected even when ranges matched", () => {
    expect(matchStatus(r, { database_specific: { fix_state: "Not affected" } }, undefined)).toBe(
      "not_affected",
    );
    expect(matchStatus({ ...r, database_specific: { status: "not_affected" } }, {}, "2.0")).toBe(
      "not_affected",
    );
  });
});
