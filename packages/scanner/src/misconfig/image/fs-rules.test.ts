import { describe, expect, it } from "vitest";
import type { LayerAnalysis } from "../../../../model/src/scan.js";
import { type FsFact, emptyPasswords, uid0Accounts } from "./fs-analyzer.js";
import { finalFacts } from "./fs-rules.js";

// Hand-built LayerAnalysis values in the walker's documented shape: opaque directories are
// hard to make with umoci on demand, so their semantics are pinned here (the umoci image
// test covers whiteouts and replaced files end to end).
function layer(index: number, facts: FsFact[], extra: Partial<LayerAnalysis> = {}): LayerAnalysis {
  return {
    index,
    results: facts.map((f) => ({
      analyzer: "misconfig-fs",
      path: f.path,
      output: { fsFacts: [f] },
    })),
    whiteouts: [],
    opaqueDirs: [],
    paths: facts.map((f) => f.path),
    issues: [],
    ...extra,
  };
}
const suid = (path: string): FsFact => ({ type: "setuid", path, mode: 0o104755 });

describe("final filesystem view", () => {
  it("drops facts under a later opaque directory or whiteout, keeps facts the same layer re-adds", () => {
    const facts = finalFacts([
      layer(0, [suid("/opt/a/tool"), suid("/opt/b/tool"), suid("/usr/bin/su")]),
      layer(1, [suid("/opt/a/new")], { opaqueDirs: ["/opt/a"], whiteouts: ["/opt/b"] }),
    ]);
    expect(facts.map((f) => f.path).sort()).toEqual(["/opt/a/new", "/usr/bin/su"]);
  });

  it("drops a fact when a later layer replaces the path without it", () => {
    const facts = finalFacts([layer(0, [suid("/usr/bin/x")]), layer(1, [], { paths: ["/usr/bin/x"] })]);
    expect(facts).toEqual([]);
  });

  it("ignores other analyzers' results", () => {
    const l = layer(0, [suid("/x")]);
    l.results[0]!.analyzer = "dpkg";
    expect(finalFacts([l])).toEqual([]);
  });
});

describe("account files", () => {
  it("finds extra UID 0 accounts and empty passwords with their lines", () => {
    expect(
      uid0Accounts(
        "root:x:0:0::/root:/bin/sh\n#toor:x:0:0::/:/bin/sh\nbin:x:1:1::/:/bin/false\nadm2:x:0:5::/:/bin/sh\n",
      ),
    ).toEqual([
      { name: "root", line: 1 },
      { name: "adm2", line: 4 },
    ]);
    expect(emptyPasswords("root:*:1::::::\nnopw::1::::::\nlocked:!:1::::::\n")).toEqual([
      { name: "nopw", line: 2 },
    ]);
  });
});
