import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { RuntimeError } from "../errors.js";
import type { RuntimeEvent } from "../events/types.js";
import { parseBaseline, serializeBaseline, type Baseline } from "./file.js";
import { BaselineGuard } from "./guard.js";
import { emptyProfile } from "./profile.js";
import { BaselineStore } from "./store.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-baseline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DIGEST = `sha256:${"ab".repeat(32)}`;

function exec(path: string, parent = "sh", uid = 0): RuntimeEvent {
  return {
    schema: 1,
    type: "exec",
    time: "2026-12-03T10:00:00.000Z",
    source: "bpftrace",
    process: {
      pid: 4242,
      ppid: 1,
      name: path.split("/").pop()!,
      exe: path,
      exePath: path,
      args: [],
      uid,
      gid: 0,
      ancestors: [{ pid: 1, name: parent, exe: `/usr/bin/${parent}` }],
    },
    container: {
      id: "bulwark-test-container-not-on-this-host",
      name: "app",
      image: "minbase",
      imageDigest: DIGEST,
    },
  } as RuntimeEvent;
}

function baseline(mode: Baseline["mode"]): Baseline {
  const profile = emptyProfile();
  profile.executables.add("/usr/bin/cat <- sh");
  profile.users.add("0");
  return {
    workload: { key: DIGEST, image: "minbase", digest: DIGEST },
    mode,
    learned: { from: "2026-12-03T09:00:00Z", until: "2026-12-03T09:10:00Z", events: 12, node: "n1" },
    approved: { by: "alice", at: "2026-12-03T09:11:00Z" },
    profile,
  };
}

/** The line `mode:` is on in a written baseline (the layout is stable). */
const MODE_LINE = 7;

describe("baseline files", () => {
  it("keep mode on a stable line", () => {
    expect(serializeBaseline(baseline("monitor")).split("\n")[MODE_LINE - 1]).toBe("mode: monitor");
  });

  it("round-trip, with sorted lists and a stable layout", () => {
    const b = baseline("monitor");
    b.profile.writes.add("/var/log").add("/tmp");
    const text = serializeBaseline(b);
    expect(parseBaseline(text, "b.yaml")).toEqual(b);
    expect(serializeBaseline(parseBaseline(text, "b.yaml"))).toBe(text);
    expect(text.indexOf("- /tmp")).toBeLessThan(text.indexOf("- /var/log"));
  });

  it.each([
    [
      "an unknown key",
      (t: string) => t.replace("mode: monitor", "mode: monitor\nmood: happy"),
      new RegExp(`:${MODE_LINE + 1}: unknown key "mood"`),
    ],
    [
      "a bad mode",
      (t: string) => t.replace("mode: monitor", "mode: enforce"),
      new RegExp(`:${MODE_LINE}: mode must be one of`),
    ],
    [
      "a list that is not a list",
      (t: string) => t.replace(/executables:\n(\s+- .*\n)+/, "executables: yes\n"),
      /profile.executables must be a list/,
    ],
    ["broken YAML", (t: string) => `${t}\n  - : [`, /b.yaml:\d+: /],
  ])("refuse %s with one line naming file and line", (_what, edit, message) => {
    const text = edit(serializeBaseline(baseline("monitor")));
    expect(() => parseBaseline(text, "b.yaml")).toThrow(message);
  });

  it("never fail with anything but BASELINE_INVALID on arbitrary text (property)", () => {
    const good = serializeBaseline(baseline("monitor"));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(fc.nat(good.length), fc.string()).map(([at, s]) => good.slice(0, at) + s + good.slice(at)),
        ),
        (text) => {
          try {
            parseBaseline(text, "x.yaml");
          } catch (e) {
            expect(e).toBeInstanceOf(RuntimeError);
            expect((e as RuntimeError).code).toBe("BASELINE_INVALID");
            expect((e as Error).message).toMatch(/^x\.yaml:\d+: /);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("the agent's baseline guard", () => {
  it("learns a candidate while no baseline is approved, and reports nothing", () => {
    const store = new BaselineStore(join(dir, "learn"));
    const guard = new BaselineGuard(store, "n1");
    guard.reload();
    expect(guard.observe(exec("/usr/bin/cat"))).toEqual([]);
    guard.flush();
    expect([...store.read(DIGEST, "candidate")!.profile.executables]).toEqual(["/usr/bin/cat <- sh"]);
  });

  it("reports each new behaviour once in monitor mode, and nothing learned", () => {
    const store = new BaselineStore(join(dir, "monitor"));
    store.write(baseline("monitor"), "approved");
    const guard = new BaselineGuard(store);
    guard.reload();
    expect(guard.observe(exec("/usr/bin/cat"))).toEqual([]);
    const first = guard.observe(exec("/usr/bin/curl"));
    expect(first.map((d) => [d.facet, d.value])).toEqual([["executables", "/usr/bin/curl <- sh"]]);
    expect(guard.observe(exec("/usr/bin/curl"))).toEqual([]);
    expect(guard.observe(exec("/usr/bin/cat", "sh", 1000)).map((d) => d.facet)).toEqual(["users"]);
  });

  it("keeps the baseline in force when its file is hand-edited into something invalid", () => {
    const store = new BaselineStore(join(dir, "edited"));
    const file = store.write(baseline("monitor"), "approved");
    const guard = new BaselineGuard(store);
    expect(guard.reload()).toEqual([]);
    writeFileSync(file, serializeBaseline(baseline("monitor")).replace("mode: monitor", "mode: sometimes"));
    const errors = guard.reload();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:${MODE_LINE}: mode must be`)),
    ]);
    expect(guard.modeOf(DIGEST)).toBe("monitor");
    expect(guard.observe(exec("/usr/bin/curl"))).toHaveLength(1);
  });
});
