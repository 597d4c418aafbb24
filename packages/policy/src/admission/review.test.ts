import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../errors.js";
import { compileGlob } from "../policy/glob.js";
import { imagesOf, parseReview, podSpecOf } from "./review.js";

// Hand-written AdmissionReview skeletons: the property test mutates them at random; the
// kubectl-built objects are exercised end to end in admission.test.ts.
const skeleton = (object: unknown) => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: { uid: "u", kind: { kind: "Pod" }, object },
});

/** parseReview + pod spec + images: either a clean result or a PolicyError, never anything else. */
function judge(body: unknown): "ok" | "refused" {
  try {
    const req = parseReview(body);
    const spec = podSpecOf(req.kind, req.object);
    if (spec) imagesOf(spec);
    return "ok";
  } catch (e) {
    if (e instanceof PolicyError && e.code === "ADMISSION_INVALID") return "refused";
    throw e;
  }
}

describe("AdmissionReview parsing (property)", () => {
  it("arbitrary JSON values are refused with ADMISSION_INVALID or parsed, never crash", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => void judge(v)),
      { numRuns: 2000 },
    );
  });

  it("arbitrary pod specs inside a valid review never crash, and an image-less container is refused", () => {
    fc.assert(
      fc.property(fc.anything(), (spec) => {
        const result = judge(skeleton({ metadata: { name: "p" }, spec }));
        const containers = (spec as { containers?: unknown } | null)?.containers;
        if (
          Array.isArray(containers) &&
          containers.some((c) => typeof (c as { image?: unknown } | null)?.image !== "string")
        )
          expect(result).toBe("refused");
      }),
      { numRuns: 2000 },
    );
  });

  it("every pod-spec image is reported, in order", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9./:-]{1,30}$/), { maxLength: 10 }), (imgs) => {
        const spec = podSpecOf("Pod", {
          spec: { containers: imgs.map((image, i) => ({ name: `c${i}`, image })) },
        })!;
        expect(imagesOf(spec).map((x) => x.image)).toEqual(imgs);
      }),
    );
  });
});

describe("image globs (property)", () => {
  it("a glob compiles or is refused with a message; '*' never crosses '/'", () => {
    fc.assert(
      fc.property(fc.string(), (p) => {
        try {
          const re = compileGlob(p);
          if (p === "a/*") expect(re.test("a/b/c")).toBe(false);
        } catch (e) {
          expect((e as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
    expect(compileGlob("r.io/team/*").test("r.io/team/app")).toBe(true);
    expect(compileGlob("r.io/team/*").test("r.io/team/a/b")).toBe(false);
    expect(compileGlob("r.io/team/**").test("r.io/team/a/b")).toBe(true);
    expect(compileGlob("r.io/team/*").test("rxio/team/app")).toBe(false);
  });
});
