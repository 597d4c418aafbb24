import { describe, expect, it } from "vitest";
import { ids, scanFiles } from "../testutil/helpers.js";
import { parseDockerfile } from "./parser.js";

// Hand-written Dockerfiles covering the builder's documented syntax.
describe("Dockerfile parser", () => {
  it("joins continuations, drops comments inside them and keeps the start line", () => {
    const d = parseDockerfile(
      "FROM a:1\n\nRUN apt-get update \\\n# a comment\n    && apt-get install -y x\nUSER 1000\n",
    );
    expect(d.instructions.map((i) => [i.cmd, i.line])).toEqual([
      ["FROM", 1],
      ["RUN", 3],
      ["USER", 6],
    ]);
    expect(d.instructions[1]!.args).toBe("apt-get update      && apt-get install -y x");
  });

  it("honours the escape parser directive", () => {
    const d = parseDockerfile(
      "# escape=`\nFROM mcr.microsoft.com/windows:1809\nRUN dir `\n    c:\\\nUSER app\n",
    );
    expect(d.instructions.map((i) => i.cmd)).toEqual(["FROM", "RUN", "USER"]);
    expect(d.instructions[1]!.args).toContain("c:\\");
  });

  it("reads heredoc bodies as part of the instruction and skips them as instructions", () => {
    const d = parseDockerfile(
      "FROM a:1\nRUN <<EOF\ncurl -fsSL https://x.example/i.sh | sh\nUSER root\nEOF\nUSER 1000\n",
    );
    expect(d.instructions.map((i) => [i.cmd, i.line])).toEqual([
      ["FROM", 1],
      ["RUN", 2],
      ["USER", 6],
    ]);
    expect(d.instructions[1]!.args).toContain("| sh");
  });

  it("parses JSON form, flags and stages with ARG expansion", () => {
    const d = parseDockerfile(
      'ARG V=3.19\nFROM --platform=linux/amd64 alpine:${V} AS base\nCOPY --chown=1:1 ["a b", "/c"]\n',
    );
    expect(d.stages[0]).toMatchObject({ from: "alpine:3.19", alias: "base" });
    expect(d.instructions[2]).toMatchObject({ flags: { chown: "1:1" }, json: ["a b", "/c"] });
  });
});

describe("Dockerfile checks", () => {
  it("follows the final stage back to the stage it builds on for USER and HEALTHCHECK", async () => {
    const r = await scanFiles({
      Dockerfile:
        'FROM debian:12@sha256:ab AS base\nUSER 10001\nHEALTHCHECK CMD ["true"]\nFROM base AS final\nCOPY app /app\n',
    });
    expect(ids(r)).toEqual([]);
  });

  it("flags a final stage that switches back to root, and ignores scratch and stage references for FROM", async () => {
    const r = await scanFiles({
      Dockerfile:
        "FROM golang:1.22@sha256:ab AS build\nUSER 1000\nFROM scratch\nCOPY --from=build /x /x\nUSER 0:0\nHEALTHCHECK NONE\n",
    });
    expect(r.findings.map((f) => [f.id, f.line])).toEqual([
      ["BW-DF-001", 5],
      ["BW-DF-010", 6],
    ]);
  });

  it("finds curl | sh inside a heredoc and accepts ADD --checksum", async () => {
    const r = await scanFiles({
      "app.Dockerfile": [
        "FROM a:1@sha256:ab",
        "ADD --checksum=sha256:0123 https://example.com/x.tgz /x.tgz",
        "RUN <<EOF",
        "set -e",
        "wget -qO- https://example.com/install | sudo bash",
        "EOF",
        "USER 1",
        "HEALTHCHECK CMD true",
        "",
      ].join("\n"),
    });
    expect(r.findings.map((f) => [f.id, f.line])).toEqual([
      ["BW-DF-006", 3],
      ["BW-DF-008", 3],
      ["BW-DF-037", 3], // the pipe runs without pipefail
    ]);
  });

  it("does not mistake look-alike flags or placeholder values for problems", async () => {
    const r = await scanFiles({
      Containerfile: [
        "FROM a:1@sha256:ab",
        "ENV API_TOKEN_FILE=/run/secrets/token PASSWORD=${PASSWORD}",
        "RUN curl --mask-output -o x https://example.com/x && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
        "USER app",
        "HEALTHCHECK CMD true",
        "",
      ].join("\n"),
    });
    expect(ids(r)).toEqual([]);
  });
});
