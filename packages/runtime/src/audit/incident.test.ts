/**
 * The exec join on recorded sensor events. testdata/sensor-exec-session.jsonl is in the
 * exact shape `runtime watch --record` writes, hand-written because no runc/bpftrace run
 * produces a Kubernetes pod here; testdata/audit.jsonl is hand-written from the
 * audit.k8s.io/v1 schema (no API server runs here). The live runc version of this join is
 * incident.containers.test.ts; the recorded stream pins the cases that made an earlier live
 * version flaky (the container's sleep loop running next to the session) deterministically.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../events/audit.js";
import { checkRuntimeEvent } from "../events/validate.js";
import type { RuntimeEvent } from "../events/types.js";
import { joinExecIncidents } from "./incident.js";

const lines = (p: string): unknown[] =>
  readFileSync(resolve(import.meta.dirname, "testdata", p), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
const audit = lines("audit.jsonl") as AuditEvent[];
const sensor = lines("sensor-exec-session.jsonl").map((v) => {
  const c = checkRuntimeEvent(v);
  if (!c.ok) throw new Error(c.reason);
  return c.event;
});

describe("exec incidents", () => {
  it("joins alice's kubectl exec with the process tree it started, not the container's sleep loop", () => {
    const incidents = joinExecIncidents(audit, sensor);
    expect(incidents).toHaveLength(1);
    const i = incidents[0]!;
    expect(i).toMatchObject({
      kind: "exec",
      auditID: "5b1e0f7a-0001",
      user: "alice",
      pod: { namespace: "payments", name: "api-7f9" },
      container: "api",
      command: ["sh", "-c", "id; cat /etc/hostname"],
      containerId: "bw-api-4242",
    });
    expect(i.processes.map((p) => [p.pid, p.exe])).toEqual([
      [310, "/usr/bin/sh"],
      [311, "/usr/bin/id"],
      [310, "/usr/bin/cat"],
    ]);
    expect(i.summary).toBe(
      "user alice ran kubectl exec `sh -c id; cat /etc/hostname` into payments/api-7f9; the session ran sh -c id; cat /etc/hostname → id → cat /etc/hostname",
    );
  });

  it("the join does not depend on the order the sensor delivered events in", () => {
    const reversed = [...sensor].reverse();
    expect(joinExecIncidents(audit, reversed)).toEqual(joinExecIncidents(audit, sensor));
  });

  it("an exec the sensor did not see is still one incident, saying so", () => {
    const withoutSession = sensor.filter((e) => e.k8s?.podName !== "api-7f9" || e.process.ppid === 200);
    const [i] = joinExecIncidents(audit, withoutSession);
    expect(i!.processes).toEqual([]);
    expect(i!.summary).toContain("the sensor saw no process of the session");
  });

  it("two people running the same command in the same pod get one root each, in request order", () => {
    const second: AuditEvent = {
      ...audit[0]!,
      auditID: "bob-1",
      user: { username: "bob" },
      requestReceivedTimestamp: "2026-12-01T10:00:10Z",
      stageTimestamp: "2026-12-01T10:00:10Z",
    };
    const later: RuntimeEvent[] = sensor
      .filter((e) => e.process.pid === 310 && e.process.name === "sh")
      .map((e) => ({
        ...e,
        time: "2026-12-01T10:00:10.300Z",
        process: { ...e.process, pid: 900, startTime: "2026-12-01T10:00:10.300Z" },
      }));
    const incidents = joinExecIncidents([...audit, second], [...sensor, ...later]);
    expect(incidents.map((i) => [i.user, i.processes[0]?.pid])).toEqual([
      ["alice", 310],
      ["bob", 900],
    ]);
  });
});
