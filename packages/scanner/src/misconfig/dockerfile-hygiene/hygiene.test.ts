import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog.js";
import { scanFiles } from "../testutil/helpers.js";
import { dockerfileHygieneRules } from "./index.js";

/**
 * Hand-written Dockerfiles in the shapes found in public projects (no component here
 * writes Dockerfiles). Each check gets one that fails it and one that passes it; the
 * passing ones are otherwise ordinary, so only the line under test differs.
 */
const HEAD =
  "FROM debian:12.6-slim@sha256:3f1c9a0e8b7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d\n";
const TAIL = "USER 10001\n";
const f = (body: string) => `${HEAD}${body}${TAIL}`;

const CASES: Record<string, { fail: string; pass: string }> = {
  "BW-DF-015": {
    fail: "ARG NODE_TAG\nFROM node:${NODE_TAG}\nUSER node\n",
    pass: "ARG NODE_TAG=20.15.1-bookworm\nFROM node:${NODE_TAG}\nUSER node\n",
  },
  "BW-DF-016": {
    fail: f("RUN cd /opt/app && make install\n"),
    pass: f("WORKDIR /opt/app\nRUN make install\n"),
  },
  "BW-DF-017": {
    fail: f('CMD ["nginx"]\nCMD ["nginx", "-g", "daemon off;"]\n'),
    pass: f('CMD ["nginx", "-g", "daemon off;"]\n'),
  },
  "BW-DF-018": { fail: f('ENTRYPOINT ["/a"]\nENTRYPOINT ["/b"]\n'), pass: f('ENTRYPOINT ["/b"]\n') },
  "BW-DF-019": {
    fail: f('HEALTHCHECK CMD ["/bin/true"]\nHEALTHCHECK CMD ["/app/health"]\n'),
    pass: f('HEALTHCHECK CMD ["/app/health"]\n'),
  },
  "BW-DF-020": {
    fail: `FROM golang:1.22.5 AS builder\nRUN go build -o /out/app .\n${HEAD}COPY --from=build /out/app /app\n${TAIL}`,
    pass: `FROM golang:1.22.5 AS build\nRUN go build -o /out/app .\n${HEAD}COPY --from=build /out/app /app\n${TAIL}`,
  },
  "BW-DF-021": {
    fail: "FROM golang:1.22.5 AS build\nCOPY --from=build /out/app /app\nUSER 10001\n",
    pass: `FROM golang:1.22.5 AS build\nRUN go build -o /out/app .\n${HEAD}COPY --from=build /out/app /app\n${TAIL}`,
  },
  "BW-DF-022": {
    fail: f("RUN apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*\n"),
    pass: f(
      "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n",
    ),
  },
  "BW-DF-023": {
    fail: f(
      "RUN apt-get update && apt-get install --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n",
    ),
    pass: f(
      "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n",
    ),
  },
  "BW-DF-024": {
    fail: f("RUN apt-get update && apt-get install -y tini && rm -rf /var/lib/apt/lists/*\n"),
    pass: f(
      "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n",
    ),
  },
  "BW-DF-025": {
    fail: f("RUN apt-get update && apt-get install -y --no-install-recommends tini\n"),
    pass: f(
      "RUN apt-get update \\\n && apt-get install -y --no-install-recommends tini \\\n && rm -rf /var/lib/apt/lists/*\n",
    ),
  },
  "BW-DF-026": {
    fail: f("RUN apt update && apt install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n"),
    pass: f(
      "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n",
    ),
  },
  "BW-DF-027": {
    fail: "FROM alpine:3.20\nRUN apk add --update curl\nUSER 10001\n",
    pass: "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 10001\n",
  },
  "BW-DF-028": {
    fail: "FROM python:3.12-slim\nRUN pip install -r requirements.txt\nUSER 10001\n",
    pass: "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\nUSER 10001\n",
  },
  "BW-DF-029": {
    fail: "FROM rockylinux:9.3\nRUN yum install httpd && yum clean all\nUSER 10001\n",
    pass: "FROM rockylinux:9.3\nRUN yum install -y httpd && yum clean all\nUSER 10001\n",
  },
  "BW-DF-030": {
    fail: "FROM fedora:40\nRUN dnf install -y httpd\nUSER 10001\n",
    pass: "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\nUSER 10001\n",
  },
  "BW-DF-031": {
    fail: "FROM opensuse/leap:15.6\nRUN zypper install curl && zypper clean --all\nUSER 10001\n",
    pass: "FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl && zypper clean --all\nUSER 10001\n",
  },
  "BW-DF-032": {
    fail: "FROM opensuse/leap:15.6\nRUN zypper -n in curl\nUSER 10001\n",
    pass: "FROM opensuse/leap:15.6\nRUN zypper -n in curl && zypper clean --all\nUSER 10001\n",
  },
  "BW-DF-033": {
    fail: f(
      "RUN wget -q -O /tmp/a.tgz https://example.org/a.tgz\nRUN curl -fsSL -o /tmp/b.tgz https://example.org/b.tgz\n",
    ),
    pass: f(
      "RUN curl -fsSL -o /tmp/a.tgz https://example.org/a.tgz\nRUN curl -fsSL -o /tmp/b.tgz https://example.org/b.tgz\n",
    ),
  },
  "BW-DF-034": { fail: f("WORKDIR app\n"), pass: f("WORKDIR /app\n") },
  "BW-DF-035": {
    fail: f("MAINTAINER Jane Doe <jane@example.org>\n"),
    pass: f('LABEL org.opencontainers.image.authors="jane@example.org"\n'),
  },
  "BW-DF-036": { fail: f("CMD node server.js\n"), pass: f('CMD ["node", "server.js"]\n') },
  "BW-DF-037": {
    fail: f("RUN curl -fsSL https://example.org/a.tgz | tar -xz -C /opt\n"),
    pass: f(
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://example.org/a.tgz | tar -xz -C /opt\n',
    ),
  },
  "BW-DF-038": {
    fail: "FROM node:20.15.1\nWORKDIR /app\nCOPY .npmrc package.json package-lock.json ./\nRUN npm ci\nUSER node\n",
    pass: "FROM node:20.15.1\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nUSER node\n",
  },
  "BW-DF-039": { fail: f("EXPOSE 80800\n"), pass: f("EXPOSE 8080/tcp\n") },
  "BW-DF-040": {
    fail: "FROM --platform=linux/amd64 golang:1.22.5 AS build\nUSER 10001\n",
    pass: "FROM --platform=$BUILDPLATFORM golang:1.22.5 AS build\nUSER 10001\n",
  },
  "BW-DF-041": {
    fail: f("WORKDIR /app\nCOPY package.json yarn.lock /app\n"),
    pass: f("WORKDIR /app\nCOPY package.json yarn.lock /app/\n"),
  },
  "BW-DF-042": {
    fail: f("RUN mkdir -p /data && chmod 777 /data\n"),
    pass: f("RUN mkdir -p /data && chown 10001 /data && chmod 750 /data\n"),
  },
  "BW-DF-043": {
    fail: "FROM golang:1.22.5 AS build\nRUN go build ./...\nFROM node:20.15.1 AS build\nRUN npm ci\nUSER 10001\n",
    pass: "FROM golang:1.22.5 AS build-go\nRUN go build ./...\nFROM node:20.15.1 AS build-web\nRUN npm ci\nUSER 10001\n",
  },
  "BW-DF-044": { fail: f("COPY app.py app/\n"), pass: f("WORKDIR /srv\nCOPY app.py app/\n") },
  "BW-DF-045": {
    fail: f("RUN ln -sf /bin/bash /bin/sh\n"),
    pass: f('SHELL ["/bin/bash", "-c"]\n'),
  },
  "BW-DF-046": {
    fail: 'FROM node:20.15.1\nARG NPM_TOKEN\nWORKDIR /app\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc\nUSER node\n',
    pass: "FROM node:20.15.1\nWORKDIR /app\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\nUSER node\n",
  },
};

describe("Dockerfile hygiene checks", () => {
  it("have a failing and a passing Dockerfile for every check", () => {
    const ids = dockerfileHygieneRules.map((r) => r.meta.id).sort();
    expect(Object.keys(CASES).sort()).toEqual(ids);
    for (const id of ids) expect(catalog().some((c) => c.id === id)).toBe(true);
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id} fails`, async () => {
      const r = await scanFiles({ Dockerfile: c.fail });
      expect(r.findings.map((x) => x.id)).toContain(id);
    });
    it(`${id} passes`, async () => {
      const r = await scanFiles({ Dockerfile: c.pass });
      expect(r.findings.map((x) => x.id)).not.toContain(id);
    });
  }

  it("gives the hardened example Dockerfile no finding", async () => {
    const text = readFileSync(join(import.meta.dirname, "..", "testdata", "hardened", "Dockerfile"), "utf8");
    const r = await scanFiles({ Dockerfile: text });
    expect(r.findings.map((x) => x.id)).toEqual([]);
  });
});
