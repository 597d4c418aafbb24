import { describe, expect, it } from "vitest";
import { apiHost, formatReference, isLoopbackHost, parseReference } from "./reference.js";

describe("parseReference", () => {
  it.each([
    ["debian", { registry: "docker.io", repository: "library/debian", tag: "latest" }],
    ["debian:12", { registry: "docker.io", repository: "library/debian", tag: "12" }],
    ["bitnami/redis:7.2", { registry: "docker.io", repository: "bitnami/redis", tag: "7.2" }],
    ["docker.io/library/alpine:3.19", { registry: "docker.io", repository: "library/alpine", tag: "3.19" }],
    [
      "index.docker.io/library/alpine",
      { registry: "docker.io", repository: "library/alpine", tag: "latest" },
    ],
    ["localhost:5000/app:1", { registry: "localhost:5000", repository: "app", tag: "1" }],
    ["localhost/app", { registry: "localhost", repository: "app", tag: "latest" }],
    ["127.0.0.1:5000/a/b/c:v1.2-rc", { registry: "127.0.0.1:5000", repository: "a/b/c", tag: "v1.2-rc" }],
    [
      "ghcr.io/org/app@sha256:" + "a".repeat(64),
      { registry: "ghcr.io", repository: "org/app", digest: "sha256:" + "a".repeat(64) },
    ],
    [
      "ghcr.io/org/app:1.0@sha256:" + "b".repeat(64),
      { registry: "ghcr.io", repository: "org/app", tag: "1.0", digest: "sha256:" + "b".repeat(64) },
    ],
  ])("%s", (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each(["", "Debian:12", "debian:", "a//b", "app@sha256:xyz", "ghcr.io/org/app:bad tag", " debian"])(
    "rejects %j with TARGET_UNKNOWN",
    (input) => {
      expect(() => parseReference(input)).toThrow(expect.objectContaining({ code: "TARGET_UNKNOWN" }));
    },
  );

  it("formats back to the canonical form", () => {
    expect(formatReference(parseReference("debian:12"))).toBe("docker.io/library/debian:12");
    expect(formatReference(parseReference("localhost:5000/app"))).toBe("localhost:5000/app:latest");
  });

  it("maps Docker Hub to its API host and knows loopback hosts", () => {
    expect(apiHost("docker.io")).toBe("registry-1.docker.io");
    expect(apiHost("ghcr.io")).toBe("ghcr.io");
    expect(isLoopbackHost("localhost:5000")).toBe(true);
    expect(isLoopbackHost("127.0.0.2:80")).toBe(true);
    expect(isLoopbackHost("[::1]:5000")).toBe(true);
    expect(isLoopbackHost("registry.local:5000")).toBe(false);
  });
});
