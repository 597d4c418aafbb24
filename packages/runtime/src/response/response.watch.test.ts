/**
 * `runtime watch --responses` through the real CLI: a bad responses file or one naming a rule
 * that is not loaded is refused before the sensor starts (one line, exit 2, nothing on
 * stdout); and, under the real eBPF sensor with a real runc container, a rule with an enabled
 * kill kills the matching process and records who enabled it, while an entry nobody enabled
 * only records a dry run. The rule matches this test's own container id only, so containers of
 * other live tests running at the same time are never acted on. The live part is skipped
 * (reason printed) when not root or bpftrace/runc/ip are missing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import {
  eventually,
  missingForLiveTests,
  startContainer,
  type Container,
} from "../sensor/testing/containers.js";
import { REPO_ROOT } from "../testkit/paths.js";
import { startWatch } from "../testkit/watch.js";

const work = mkdtempSync(join(tmpdir(), "bulwark-response-watch-"));
const bin = resolve(REPO_ROOT, "packages/cli/src/bin.ts");
const tag = `${process.pid % 100000}`;
const ID = `bw-rspw-${tag}`;
afterAll(() => rmSync(work, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
};
const RULES = file(
  "rules.yaml",
  `- rule: Response test intruder\n  desc: tail run in this test's container\n  condition: evt.type in (execve, execveat) and container.id = "${ID}" and proc.name = tail\n  output: intruder %proc.name\n  priority: WARNING\n`,
);
const HEAD = "apiVersion: bulwark.dev/v1\nkind: RuntimeResponses\nresponses:\n";

function watchSync(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", bin, "runtime", "watch", "--status-file", join(work, "status.json"), ...args],
    { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("runtime watch --responses refusals", () => {
  it("a bad responses file: one line naming file and line, exit 2", () => {
    const bad = file("bad.yaml", `${HEAD}  - rule: Response test intruder\n    action: explode\n`);
    const r = watchSync(["--rules", RULES, "--responses", bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      `RESPONSES_INVALID: ${bad}:5: action must be one of kill, pause, stop, isolate, got "explode"`,
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a rule that is not loaded (a typo would never respond): refused", () => {
    const typo = file("typo.yaml", `${HEAD}  - rule: Response test intrudr\n    action: kill\n`);
    const r = watchSync(["--rules", RULES, "--responses", typo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${typo}:4: rule "Response test intrudr" is not among the rules loaded`);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a missing responses file: refused", () => {
    const r = watchSync(["--rules", RULES, "--responses", join(work, "nope.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(work, "nope.yaml")}: cannot read: ENOENT`);
  });
});

const missing = missingForLiveTests("response.watch.test");

describe.skipIf(missing.length > 0)("runtime watch --responses on a real runc container", () => {
  let app: Container | undefined;
  afterAll(async () => app?.remove());

  it("an enabled kill kills the rule's process and names who enabled it; a dry run acts on nothing", async () => {
    const rootfs = await (await buildImage(recipes.minbase)).rootfs();
    const responses = file(
      "responses.yaml",
      `${HEAD}  - rule: Response test intruder\n    action: kill\n    enabledBy: alice\n    enabledAt: 2026-12-04T10:00:00Z\n  - rule: Response test intruder\n    action: stop\n`,
    );
    const watch = await startWatch([
      "--status-file",
      join(work, "status.json"),
      "--rules",
      RULES,
      "--responses",
      responses,
    ]);
    const alerts = watch.alerts;
    try {
      app = await startContainer({
        id: ID,
        name: "rsp-watch",
        imageRootfs: rootfs,
        args: ["sh", "-c", "while true; do sleep 1; done"],
      });
      const ours = () => alerts.filter((a) => a.rule === "Response action" && a.container.id === ID);
      // Wait until the agent knows the container (its status lists it), then run the intruder:
      // tail -f never ends unless the agent kills it. Should an exec still be missed (a
      // container's first moments can resolve to the host), another one follows.
      const status = join(work, "status.json");
      const known = await eventually(() => {
        try {
          return readFileSync(status, "utf8").includes(`"${ID}"`);
        } catch {
          return false;
        }
      });
      expect(known, "the agent never listed the container").toBe(true);
      const intruders = [app.exec(["/usr/bin/tail", "-f", "/dev/null"])];
      let lastStart = Date.now();
      const acted = await eventually(() => {
        if (ours().some((a) => a.tags.includes("taken"))) return true;
        if (Date.now() - lastStart > 15_000) {
          intruders.push(app!.exec(["/usr/bin/tail", "-f", "/dev/null"]));
          lastStart = Date.now();
        }
        return false;
      }, 90_000);
      expect(acted, JSON.stringify(alerts.map((a) => a.output))).toBe(true);
      // The intruder the alert names was killed, not left to exit on its own.
      const killed = await Promise.race(intruders);
      expect(killed.code).not.toBe(0);
      const got = ours();
      expect(got.filter((a) => a.tags.includes("taken")).map((a) => a.output)[0]).toMatch(
        /^killed pid \d+ \(tail\), for rule "Response test intruder" \(enabled by alice at 2026-12-04T10:00:00Z; .*responses\.yaml:4\)$/,
      );
      expect(got.filter((a) => a.tags.includes("dry-run")).map((a) => a.output)[0]).toMatch(
        new RegExp(
          `^dry run: would stop container ${ID} \\(pid \\d+ tail\\) through its runtime, for rule "Response test intruder"; enable it`,
        ),
      );
      // The dry-run stop did nothing: the container still runs its loop.
      expect((await app.exec(["true"])).code).toBe(0);
    } finally {
      await watch.stop();
    }
  }, 180_000);
});
