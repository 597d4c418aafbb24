import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicySet } from "../policy/load.js";
import { freePort, selfSignedCert, startRegistry, type RunningRegistry } from "../testing/deps.js";
import { buildPolicyImage, pushImage, remoteDigest } from "../testing/images.js";
import { admissionReview, workloadObject } from "../testing/kubectl.js";
import {
  cosignPayload,
  opensslKeyPair,
  opensslSign,
  pushCosignSignature,
} from "../testing/openssl-cosign.js";
import { AdmissionController, type AdmissionOptions } from "./controller.js";
import { startAdmissionServer, type RunningAdmissionServer } from "./server.js";
import { missingTools } from "../../../testkit/src/tools.js";

// Objects from real kubectl, sent over TLS to the webhook, images in a real registry,
// approval signatures made with openssl.
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl", "kubectl"];
const missing = missingTools(TOOLS);

let work: string;
let reg: RunningRegistry;
let ca: string;
let tls: { cert: Buffer; key: Buffer };
const servers: RunningAdmissionServer[] = [];

const POLICY = `apiVersion: bulwark.dev/v1
kind: ImagePolicy
metadata: { name: prod }
spec:
  registries: ["127.0.0.1:*/team/**"]
  signatures:
    - keys: [{ publicKey: cosign.pub }]
  podChecks: { deny: [BW-K8S-001] }
`;

interface Answer {
  status: number;
  body: {
    response?: { uid: string; allowed: boolean; status?: { message: string }; warnings?: string[] };
    message?: string;
  };
}

function post(url: string, body: string | Buffer, path = "/validate"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: "POST", ca, headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Answer["body"],
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function serve(
  extra: Partial<AdmissionOptions> = {},
): Promise<{ url: string; controller: AdmissionController }> {
  const controller = new AdmissionController({
    set: loadPolicySet([join(work, "policy.yaml")]),
    access: {},
    ...extra,
  });
  const s = await startAdmissionServer(controller, { host: "127.0.0.1", port: 0, https: tls });
  servers.push(s);
  return { url: s.url, controller };
}

const review = (kind: string, image: string, ns = "default") =>
  JSON.stringify(admissionReview(workloadObject(kind, "web", image), ns));

describe.skipIf(missing.length > 0)(
  `admission webhook${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    let signed: string;
    let unsigned: string;
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-admission-"));
      reg = await startRegistry({ dir: work });
      const cert = selfSignedCert(work, "webhook", "127.0.0.1");
      ca = await readFile(cert.certFile, "utf8");
      tls = { cert: await readFile(cert.certFile), key: await readFile(cert.keyFile) };
      const { key } = opensslKeyPair(work, "cosign");
      await writeFile(join(work, "policy.yaml"), POLICY);
      await buildPolicyImage(join(work, "layout"), "app", work, {
        opensslVersion: "3.0.13-1~deb12u1",
        user: "1000",
      });
      signed = `${reg.host}/team/app:1`;
      unsigned = `${reg.host}/team/unsigned:1`;
      await pushImage(join(work, "layout"), "app", signed);
      await pushImage(join(work, "layout"), "app", unsigned);
      const digest = await remoteDigest(signed);
      const payload = cosignPayload(`${reg.host}/team/app`, digest);
      await pushCosignSignature({
        registry: reg.host,
        repo: "team/app",
        digest,
        payload,
        signatureB64: opensslSign(key, "ecdsa", payload),
      });
    }, 120_000);
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it.each(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"])(
      "%s: a signed image is allowed, an unsigned one denied with reasons",
      async (kind) => {
        const { url } = await serve();
        const ok = await post(url, review(kind, signed));
        expect(ok.status).toBe(200);
        expect(ok.body.response).toEqual({ uid: "0b4e1a2c-1111-4c3b-9a55-5f1f2e3d4c5b", allowed: true });
        const denied = await post(url, review(kind, unsigned));
        expect(denied.body.response?.allowed).toBe(false);
        expect(denied.body.response?.status?.message).toMatch(
          new RegExp(
            `^bulwark denied ${kind} default/web: \\[prod/signatures\\] containers\\[0\\] \\(.*team/unsigned:1\\): no required signature verified`,
          ),
        );
      },
    );

    it("denies a foreign registry and a privileged container, naming each rule", async () => {
      const { url } = await serve();
      const foreign = await post(url, review("Deployment", `${reg.host}/other/app:1`));
      expect(foreign.body.response?.status?.message).toContain("[prod/registries]");
      const obj = workloadObject("Pod", "web", signed);
      obj.spec.containers[0].securityContext = { privileged: true };
      const priv = await post(url, JSON.stringify(admissionReview(obj)));
      expect(priv.body.response?.allowed).toBe(false);
      expect(priv.body.response?.status?.message).toMatch(
        /\[prod\/podChecks\] BW-K8S-001 Container runs privileged/,
      );
    });

    it("warn mode allows with warnings; an exempt namespace is not checked", async () => {
      const { url } = await serve({ mode: "warn", exemptNamespaces: ["kube-system"] });
      const warned = await post(url, review("Deployment", unsigned));
      expect(warned.body.response?.allowed).toBe(true);
      expect(warned.body.response?.warnings?.[0]).toMatch(/^bulwark: \[prod\/signatures\]/);
      const exempt = await post(url, review("Deployment", unsigned, "kube-system"));
      expect(exempt.body.response?.allowed).toBe(true);
      expect(exempt.body.response?.warnings).toBeUndefined();
    });

    it("caches decisions per digest and policy version", async () => {
      const { url, controller } = await serve();
      await post(url, review("Deployment", signed));
      const before = controller.cache.hits;
      await post(url, review("Job", signed));
      expect(controller.cache.hits).toBe(before + 1);
    });

    it("a registry that is down or hangs: denied (fail closed) within the deadline, or warned (fail open)", async () => {
      const dead = `127.0.0.1:${await freePort()}/team/app:1`;
      const hang = net.createServer(() => {}); // accepts and never answers
      await new Promise<void>((r) => hang.listen(0, "127.0.0.1", () => r()));
      const hung = `127.0.0.1:${(hang.address() as net.AddressInfo).port}/team/app:1`;
      try {
        const closed = await serve({ timeoutMs: 1000 });
        const down = await post(closed.url, review("Pod", dead));
        expect(down.body.response?.allowed).toBe(false);
        expect(down.body.response?.status?.message).toMatch(/could not check images \(failure mode closed\)/);
        const slow = await post(closed.url, review("Pod", hung));
        expect(slow.body.response?.allowed).toBe(false);
        expect(slow.body.response?.status?.message).toMatch(/no answer within 1000 ms/);
        const open = await serve({ timeoutMs: 1000, failureMode: "open" });
        const warned = await post(open.url, review("Pod", dead));
        expect(warned.body.response?.allowed).toBe(true);
        expect(warned.body.response?.warnings?.[0]).toMatch(/failure mode open/);
      } finally {
        hang.close();
      }
    });

    it("bad input: malformed, wrong kind, huge, missing fields → HTTP 400 with a message, never an allow", async () => {
      const { url } = await serve();
      const cases: Array<[string | Buffer, RegExp]> = [
        ["{not json", /JSON/i],
        [
          JSON.stringify({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview" }),
          /apiVersion must be admission.k8s.io\/v1/,
        ],
        [
          JSON.stringify({
            apiVersion: "admission.k8s.io/v1",
            kind: "AdmissionReview",
            request: { uid: "x" },
          }),
          /request.kind.kind is missing/,
        ],
        [
          JSON.stringify(
            admissionReview({
              apiVersion: "v1",
              kind: "Pod",
              metadata: { name: "p" },
              spec: { containers: [{ name: "c" }] },
            }),
          ),
          /containers\[0\]\.image is missing/,
        ],
        [Buffer.alloc(5 * 1024 * 1024, 0x20), /too large/i],
      ];
      for (const [body, message] of cases) {
        const r = await post(url, body);
        expect(r.status).toBe(400);
        expect(r.body.message).toMatch(message);
        expect(r.body.response).toBeUndefined();
      }
      // The server is still up and judging.
      expect((await post(url, review("Pod", signed))).body.response?.allowed).toBe(true);
    });
  },
);
