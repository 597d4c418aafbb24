import { describe, expect, it } from "vitest";
import { buildContext } from "./config.js";
import { WINDOW_CHARS } from "./engine.js";
import { removedIn } from "./image.js";
import type { LayerAnalysis } from "../../../model/src/scan.js";
import { fill, prng } from "./testutil/generate.js";

const ctx = buildContext({});
const rand = prng(23);

describe("engine", () => {
  it("finds secrets that straddle every window boundary of a long single line", () => {
    const tokens: string[] = [];
    let text = "";
    for (let w = 1; w <= 4; w++) {
      const token = fill("ghp_{A62:36}", rand);
      tokens.push(token);
      text += "x".repeat(w * WINDOW_CHARS - text.length - 20) + ` ${token} `;
    }
    const hits = ctx.engine.scanText("bundle.js", text);
    expect(hits.filter((h) => h.ruleId === "github-pat")).toHaveLength(4);
    expect(hits.every((h) => h.line === 1)).toBe(true);
  });

  it("finds a Google service-account key file: key id and the JSON-escaped private key", () => {
    const body = Array.from({ length: 20 }, () => fill("{B64:64}", rand)).join("\\n");
    const json = JSON.stringify({
      type: "service_account",
      project_id: "demo",
      private_key_id: fill("{HEX:40}", rand),
      private_key: "",
    }).replace(
      '"private_key":""',
      `"private_key":"-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n"`,
    );
    const ids = ctx.engine.scanText("sa.json", json).map((h) => h.ruleId);
    expect(ids.sort()).toEqual(["gcp-service-account-key", "private-key-pkcs8"]);
  });

  it("names a secret once, by the most specific rule, when several rules match it", () => {
    const token = fill("ghp_{A62:36}", rand);
    const hits = ctx.engine.scanText(".env", `GITHUB_TOKEN=${token}\napi_token: "${token}"\n`);
    expect(hits.map((h) => [h.ruleId, h.line])).toEqual([
      ["github-pat", 1],
      ["github-pat", 2],
    ]);
  });

  it("reads the reason of an inline bulwark:allow comment in any comment syntax", () => {
    const t = (): string => fill("sk_live_{A62:32}", rand);
    const text = [
      `a = "${t()}" # bulwark:allow rotated 2024-05`,
      `b = "${t()}"; // bulwark:allow`,
      `<key>${t()}</key> <!-- bulwark:allow: demo account -->`,
      `c = "${t()}"`,
    ].join("\n");
    expect(ctx.engine.scanText("x", text).map((h) => h.allowed)).toEqual([
      "rotated 2024-05",
      "inline bulwark:allow",
      "demo account",
      undefined,
    ]);
  });

  it("scans a long text in the same windows whole, as bytes, and streamed in uneven pieces", () => {
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++)
      lines.push(
        i % 997 === 0 ? `key_${i} = "${fill("ghp_{A62:36}", rand)}"` : `line ${i} ${"y".repeat(i % 50)}`,
      );
    const text = lines.join("\n");
    expect(text.length).toBeGreaterThan(3 * WINDOW_CHARS);
    const whole = ctx.engine.scanText("big.txt", text);
    expect(whole.length).toBe(Math.ceil(40_000 / 997));
    expect(ctx.engine.scanText("big.txt", text, Buffer.from(text, "latin1"))).toEqual(whole);
    const stream = ctx.engine.stream("big.txt");
    for (let i = 0; i < text.length;) {
      const n = 1 + Math.floor(rand() * 200_000);
      stream.push(text.slice(i, i + n));
      i += n;
    }
    expect(stream.end()).toEqual(whole);
    const byteStream = ctx.engine.stream("big.txt");
    const bytes = Buffer.from(text, "latin1");
    for (let i = 0; i < text.length; i += 300_000)
      byteStream.push(text.slice(i, i + 300_000), bytes.subarray(i, i + 300_000));
    expect(byteStream.end()).toEqual(whole);
  });

  it("still finds secrets in text whose lower-case form changes length (non-latin1)", () => {
    const token = fill("ghp_{A62:36}", rand);
    const hits = ctx.engine.scanText("image-config:Env", `NAME=İstanbul İİİ TOKEN=${token}`);
    expect(hits.map((h) => h.ruleId)).toEqual(["github-pat"]);
  });
});

describe("removedIn", () => {
  const layer = (index: number, over: Partial<LayerAnalysis>): LayerAnalysis => ({
    index,
    digest: `sha256:${index}`,
    results: [],
    whiteouts: [],
    opaqueDirs: [],
    paths: [],
    issues: [],
    ...over,
  });
  // Synthetic layer analyses: the walker's own output type, built by hand to cover each case.
  const layers = [
    layer(0, { paths: ["/etc/app/key.pem", "/root/.aws/credentials", "/srv/a.env"] }),
    layer(1, { paths: ["/unrelated"] }),
    layer(2, { whiteouts: ["/root/.aws"] }),
    layer(3, { opaqueDirs: ["/etc/app"] }),
    layer(4, { paths: ["/srv/a.env"] }),
  ];

  it("is the first later layer that deletes the file, a parent, makes a parent opaque or overwrites it", () => {
    expect(removedIn(layers, 0, "/root/.aws/credentials")?.index).toBe(2);
    expect(removedIn(layers, 0, "/etc/app/key.pem")?.index).toBe(3);
    expect(removedIn(layers, 0, "/srv/a.env")?.index).toBe(4);
    expect(removedIn(layers, 4, "/srv/a.env")).toBeUndefined();
    expect(removedIn(layers, 0, "/root/.aws-other")).toBeUndefined();
  });
});
