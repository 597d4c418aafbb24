/** The vault's own alerts: root token use, bursts of denials (one per burst), audit failures. */
import { describe, expect, it } from "vitest";
import { RequestWatch, type VaultAlert } from "./alerts.js";
import type { TokenEntry } from "./auth/tokens.js";
import type { Caller, VaultRequest } from "./types.js";

const req = (path: string, remote = "10.0.0.7"): VaultRequest => ({
  method: "GET",
  path,
  query: new URLSearchParams(),
  body: {},
  remote,
});

function caller(policies: string[], meta: Record<string, string> = {}): Caller {
  const token: TokenEntry = {
    accessor: "acc1",
    policies,
    meta,
    displayName: "token",
    path: "auth/token/create",
    created: 0,
    expires: 0,
    creationTtl: 0,
    explicitMaxTtl: 0,
    renewable: false,
    numUses: 0,
    parent: "",
    orphan: false,
  };
  return { token, tokenId: "t" };
}

describe("RequestWatch", () => {
  it("raises one denied-burst per burst, per identity, within the window", () => {
    const alerts: VaultAlert[] = [];
    const w = new RequestWatch((a) => alerts.push(a), { deniedBurst: 3, deniedWindowMs: 1000 });
    for (let i = 0; i < 10; i++) w.observe(req("secret/data/x"), undefined, 403, false, 1000 + i);
    w.observe(req("secret/data/x", "10.0.0.8"), undefined, 403, false, 1100);
    expect(alerts.map((a) => [a.kind, a.identity])).toEqual([["denied-burst", "address:10.0.0.7"]]);
    // after a quiet window the next burst is raised again
    for (let i = 0; i < 3; i++) w.observe(req("secret/data/y"), undefined, 403, false, 5000 + i);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ kind: "denied-burst", path: "secret/data/y", count: 3 });
  });

  it("raises root-token-use and audit-failure, naming a workload's container", () => {
    const alerts: VaultAlert[] = [];
    const w = new RequestWatch((a) => alerts.push(a));
    w.observe(req("sys/mounts"), caller(["root"]), 200, false, 0);
    w.observe(req("secret/data/a"), caller(["default"]), 200, false, 0);
    const wl = caller(["app"], { workload_role: "app", container_id: "c1", image_digest: "sha256:ab" });
    w.observe(req("secret/data/a"), wl, 500, true, 0);
    expect(alerts.map((a) => a.kind)).toEqual(["root-token-use", "audit-failure"]);
    expect(alerts[1]!.workload).toEqual({ containerId: "c1", role: "app", imageDigest: "sha256:ab" });
  });
});
