import { VERSION } from "./deps.js";
import type { RouteDef } from "./routes/types.js";

const ERROR = {
  type: "object",
  required: ["error", "message"],
  properties: { error: { type: "string" }, message: { type: "string" } },
};

function parametersOf(route: RouteDef): object[] {
  const out: object[] = [];
  const add = (where: "path" | "query", schema: object | undefined): void => {
    const s = schema as { properties?: Record<string, object>; required?: string[] } | undefined;
    for (const [name, prop] of Object.entries(s?.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === "path" || (s?.required ?? []).includes(name),
        schema: prop,
      });
    }
  };
  add("path", route.params);
  add("query", route.querystring);
  return out;
}

/** The OpenAPI 3.1 document, built from the same route table and schemas fastify validates with. */
export function openApiDocument(routes: readonly RouteDef[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, "{$1}");
    const security = r.access === "public" ? [] : [{ bearer: [] }, { session: [] }];
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      "x-bulwark-access": r.access,
      security,
      parameters: parametersOf(r),
      ...(r.body
        ? { requestBody: { required: true, content: { "application/json": { schema: r.body } } } }
        : {}),
      responses: {
        [String(r.status ?? 200)]: {
          description: "success",
          content: { "application/json": { schema: { type: "object" } } },
        },
        default: {
          description: "error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Bulwark API",
      version: VERSION,
      description:
        "Bulwark server: images, scans, findings with history, runtime alerts and evidence, identity and audit.",
    },
    paths,
    components: {
      schemas: { Error: ERROR },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token (scopes ingest, read, admin)" },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "bulwark_session",
          description: "Session cookie; mutating calls also need X-CSRF-Token",
        },
      },
    },
  };
}
