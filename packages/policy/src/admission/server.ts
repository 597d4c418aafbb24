import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { errorMessage } from "../deps.js";
import { PolicyError } from "../errors.js";
import type { AdmissionController } from "./controller.js";

/** Kubernetes caps an object at ~1.5 MiB; an AdmissionReview carries it (and oldObject) plus a little. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export interface AdmissionServerOptions {
  host: string;
  port: number;
  https: { cert: Buffer; key: Buffer };
  bodyLimit?: number;
  log?: (line: string) => void;
}

export interface RunningAdmissionServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * The validating webhook over TLS: `POST /validate` (AdmissionReview v1) and `GET /healthz`.
 * Bad bodies get HTTP 400 with a message; an unexpected error gets 500, which Kubernetes
 * turns into a denial under failurePolicy Fail: never an allow by accident.
 */
export async function startAdmissionServer(
  controller: AdmissionController,
  opts: AdmissionServerOptions,
): Promise<RunningAdmissionServer> {
  const app = Fastify({
    https: opts.https,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: false,
  }) as unknown as FastifyInstance;
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err instanceof PolicyError)
      return void reply.code(400).send({ error: err.code, message: err.message });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      // Too large, not JSON, wrong content type: the client's fault, said in one line.
      return void reply.code(400).send({ error: err.code ?? "BAD_REQUEST", message: err.message });
    opts.log?.(`admission: internal error: ${errorMessage(err)}`);
    return void reply.code(500).send({ error: "INTERNAL", message: "internal error" });
  });
  app.setNotFoundHandler(
    (_req, reply) => void reply.code(404).send({ error: "NOT_FOUND", message: "no such route" }),
  );
  app.get("/healthz", async () => ({ ok: true }));
  app.post("/validate", async (req) => controller.review(req.body));
  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return { app, url: `https://${host}:${port}`, close: () => app.close() };
}
