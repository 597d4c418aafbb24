/**
 * Who + what, live: a `kubectl exec` into a pod joined with the process tree it started in a
 * real runc container, seen by the real sensor (`bulwark runtime watch --record`, bpftrace),
 * through the real `bulwark runtime audit incidents`.
 *
 * The audit event is hand-written from the audit.k8s.io/v1 schema: no API server (and so no
 * kubelet turning the request into a `runc exec`) runs here. The test plays the API server:
 * it takes the request time, then does what the kubelet's runtime would (`runc exec` into
 * the container carrying the CRI pod annotations).
 *
 * Why this cannot flake the way session 7's version did (it expected id/cat and once saw
 * only the container's own sleep loop): the exec'd command carries a token no other process
 * has, the test first waits (up to 60 s, polling the recording) until the sensor has
 * recorded that exact command *and* its two children, and only then writes the audit event
 * and runs the join. Nothing depends on how fast the sensor is, on event order, or on the
 * container's first moments; the sleep loop runs all along and must stay out of the incident.
 * The exec starts only once the agent attributes the container's own processes to it (a
 * container's first few hundred ms of events go to the host: see the docs). Should the
 * sensor still lose a session outright (its ring buffer overflowing on a loaded machine),
 * the exec is repeated with a new token (at most 3 times, each announced); the join is only
 * ever asked about a session the recording holds completely.
 *
 * Skipped (reason printed) when not root or bpftrace/runc/ip are missing.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import type { ExecEvent } from "../events/types.js";
import {
  eventually,
  missingForLiveTests,
  startContainer,
  type Container,
} from "../sensor/testing/containers.js";
import { REPO_ROOT } from "../testkit/paths.js";
import { startWatch, type Watch } from "../testkit/watch.js";
import type { ExecIncident } from "./incident.js";

const missing = missingForLiveTests("incident.containers.test");

const tag = `${process.pid % 100000}`;
const work = mkdtempSync(join(tmpdir(), "bulwark-incident-e2e-"));
const recording = join(work, "events.jsonl");
const bin = resolve(REPO_ROOT, "packages/cli/src/bin.ts");
const POD = { namespace: "payments", name: `api-${tag}`, container: "api" };

/** The container's exec events recorded so far (a half-written last line is skipped). */
function recordedExecs(containerId: string): ExecEvent[] {
  let text: string;
  try {
    text = readFileSync(recording, "utf8");
  } catch {
    return []; // not created yet
  }
  const out: ExecEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes(containerId)) continue;
    try {
      const e = JSON.parse(line) as ExecEvent;
      if (e.type === "exec" && e.container.id === containerId) out.push(e);
    } catch {
      // the line the agent is writing right now
    }
  }
  return out;
}

interface Session {
  token: string;
  command: string[];
  at: Date;
  root: ExecEvent;
  children: ExecEvent[];
}

/**
 * The session's root (its argv holds the token) and its id and cat children, once all are
 * recorded, and once a process of the container's own loop started after the root.
 */
function findSession(containerId: string, command: string[]): Omit<Session, "token" | "at"> | undefined {
  const execs = recordedExecs(containerId);
  const root = execs.find(
    (e) => e.process.args.length === 2 && e.process.args[1] === command[2] && e.process.args[0] === "-c",
  );
  if (!root) return undefined;
  const children = execs.filter(
    (e) => e.process.ppid === root.process.pid && ["id", "cat"].includes(e.process.name),
  );
  // The container's own loop must have run after the session started, too: the join has to
  // leave it out (session 7's version never made sure it was there to leave out).
  const started = Date.parse(root.process.startTime ?? root.time);
  const loopAfter = execs.some(
    (e) => e.process.name === "sleep" && Date.parse(e.process.startTime ?? e.time) > started,
  );
  return children.length === 2 && loopAfter ? { command, root, children } : undefined;
}

/** kubectl exec, as the kubelet's runtime carries it out; retried only if the sensor lost it. */
async function execSession(app: Container): Promise<Session> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const token = `bw-${randomBytes(8).toString("hex")}`;
    const command = ["sh", "-c", `id; cat /etc/hostname; echo ${token}`];
    const at = new Date(); // the API server receives the request before the runtime acts
    const r = await app.exec(command);
    expect(r.stdout).toContain(token);
    let found: Omit<Session, "token" | "at"> | undefined;
    if (await eventually(() => (found = findSession(app.id, command)) !== undefined))
      return { token, at, ...found! };
    console.warn(`incident.containers.test: the sensor did not record session ${token} whole; again`);
  }
  throw new Error("the sensor recorded none of 3 exec sessions whole");
}

function auditEvent(s: Session, stage: string, at: Date): string {
  const q = new URLSearchParams();
  for (const c of s.command) q.append("command", c);
  q.append("container", POD.container);
  q.append("stdout", "true");
  q.append("stderr", "true");
  const ts = at.toISOString();
  return JSON.stringify({
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level: "Metadata",
    auditID: `e2e-${s.token}`,
    stage,
    requestURI: `/api/v1/namespaces/${POD.namespace}/pods/${POD.name}/exec?${q.toString()}`,
    verb: "create",
    user: { username: "alice", groups: ["system:authenticated"] },
    sourceIPs: ["10.0.0.12"],
    userAgent: "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
    objectRef: {
      resource: "pods",
      namespace: POD.namespace,
      name: POD.name,
      apiVersion: "v1",
      subresource: "exec",
    },
    responseStatus: { metadata: {}, code: 101 },
    requestReceivedTimestamp: s.at.toISOString(),
    stageTimestamp: ts,
    annotations: { "authorization.k8s.io/decision": "allow" },
  });
}

describe.skipIf(missing.length > 0)("exec incidents on a real runc container", () => {
  let app: Container | undefined;
  let watch: Watch | undefined;

  beforeAll(async () => {
    const rootfs = await (await buildImage(recipes.minbase)).rootfs();
    watch = await startWatch(["--record", recording, "--status-file", join(work, "status.json")]);
    app = await startContainer({
      id: `bw-incident-${tag}`,
      name: "api",
      imageRootfs: rootfs,
      // The container's own process tree: a loop running a program all the time, beside the session.
      args: ["sh", "-c", "while true; do sleep 0.2; done"],
      annotations: {
        "io.kubernetes.pod.namespace": POD.namespace,
        "io.kubernetes.pod.name": POD.name,
        "io.kubernetes.container.name": POD.container,
      },
    });
    // The agent attributes a container's first events (its first few hundred ms) to the
    // host until runc has written its state (docs/runtime-behaviour.md); a kubectl exec comes
    // long after a pod started, so the test waits until the agent knows the container.
    const known = await eventually(() => recordedExecs(app!.id).some((e) => e.k8s?.podName === POD.name));
    expect(known, "the agent never attributed the container's sleep loop to it").toBe(true);
  }, 300_000);

  afterAll(async () => {
    await watch?.stop();
    await app?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it("one incident names alice, the pod and exactly the process tree her exec started", async () => {
    const s = await execSession(app!);
    // The recording is complete for this session; stop the agent so the file is closed.
    await watch!.stop();
    watch = undefined;
    const auditLog = join(work, "audit.jsonl");
    writeFileSync(
      auditLog,
      `${auditEvent(s, "ResponseStarted", s.at)}\n${auditEvent(s, "ResponseComplete", new Date())}\n`,
    );
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        bin,
        "runtime",
        "audit",
        "incidents",
        "--audit",
        auditLog,
        "--events",
        recording,
        "--format",
        "json",
      ],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    const incidents = r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ExecIncident);
    expect(incidents).toHaveLength(1);
    const i = incidents[0]!;
    expect(i).toMatchObject({
      kind: "exec",
      user: "alice",
      pod: { namespace: POD.namespace, name: POD.name },
      container: POD.container,
      command: s.command,
      containerId: app!.id,
    });
    // Exactly the session: its sh, then id and cat (the pids the recording gave them), never
    // the container's sleep loop, which ran all the while.
    const expected = [s.root, ...s.children].map((e) => e.process.pid).sort((a, b) => a - b);
    expect(i.processes.map((p) => p.pid).sort((a, b) => a - b)).toEqual(expected);
    expect(i.processes[0]).toMatchObject({ pid: s.root.process.pid, args: s.command.slice(1) });
    expect(i.processes.map((p) => p.exe.slice(p.exe.lastIndexOf("/") + 1)).sort()).toEqual([
      "cat",
      "id",
      "sh",
    ]);
    expect(i.processes.some((p) => p.exe.endsWith("/sleep"))).toBe(false);
    expect(i.summary).toMatch(
      new RegExp(
        `^user alice ran kubectl exec \`sh -c id; cat /etc/hostname; echo ${s.token}\` into payments/${POD.name}; the session ran `,
      ),
    );
  }, 300_000);
});
