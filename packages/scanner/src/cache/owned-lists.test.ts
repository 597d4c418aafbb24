import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LayerAnalysis, OwnedFiles } from "../../../model/src/index.js";
import { asciiJson } from "./json.js";
import { holdsText, type ListSection, packOwnedLists, unpackOwnedLists } from "./owned-lists.js";

type Result = LayerAnalysis["results"][number];

const dpkgList = (owner: string, files: string[]): Result => ({
  analyzer: "dpkg",
  path: `/var/lib/dpkg/info/${owner}.list`,
  output: { ownedFiles: { owner, files } },
});

/** The owned-lists line as the cache file gives it, counting the ranges read. */
function inMemory(section: string): ListSection & { reads: number } {
  const bytes = Buffer.from(section, "latin1");
  return {
    length: bytes.length,
    reads: 0,
    read(start, end) {
      this.reads++;
      return bytes.subarray(start, end);
    },
  };
}

/** What a cache file carries: the head's results through JSON, the lists as the third line. */
function roundTrip(results: Result[]): Result[] {
  const packed = packOwnedLists(results);
  const head = JSON.parse(JSON.stringify(packed.results)) as Result[];
  const index = JSON.parse(JSON.stringify(packed.index)) as unknown;
  expect(unpackOwnedLists(head, inMemory(packed.section), index, "/cache/x.json")).toBe(true);
  return head;
}

const lists = (results: Result[]): OwnedFiles[] =>
  results.flatMap((r) => [
    ...(r.output.ownedFiles ? [r.output.ownedFiles] : []),
    ...(r.output.ownedFileSets ?? []),
  ]);

afterEach(() => vi.restoreAllMocks());

describe("owned-file lists of a cached layer", () => {
  // Paths with the characters JSON escapes or that delimit its arrays, and beyond ASCII.
  const segment = fc.string({ unit: fc.constantFrom("a", "/", '"', "\\", ",", "[", "]", "é", "\n", "😀") });
  const path = fc.oneof(
    segment.map((s) => `/${s}`),
    segment,
  );

  it("answer has() as the parsed list would, and give the same files back (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(path, { maxLength: 12 }), { maxLength: 4 }),
        fc.array(path, { maxLength: 8 }),
        (fileLists, strangers) => {
          const results = fileLists.map((files, i) => dpkgList(`p${i}`, files));
          const cached = lists(roundTrip(results));
          cached.forEach((list, i) => {
            const files = fileLists[i]!;
            // A file's tail after a quote appears in the list's text after an escaped quote.
            const tails = files.flatMap((f) => f.split('"').slice(1));
            for (const q of [...files, ...strangers, ...tails, ...files.map((f) => `${f}x`)])
              expect(list.has?.(q)).toBe(files.includes(q));
            expect(list.files).toEqual(files);
            expect(list.owner).toBe(`p${i}`);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  // has() looks the text up only after the path's hash matched, which a path not in the list
  // does only by collision: the text search is tested on its own.
  it("find an absolute path's text only where it is a whole element (property)", () => {
    fc.assert(
      fc.property(fc.array(path, { maxLength: 12 }), fc.array(path, { maxLength: 8 }), (files, strangers) => {
        const text = Buffer.from(asciiJson(files), "latin1");
        const tails = files.flatMap((f) => f.split('"').slice(1));
        for (const q of [...files, ...strangers, ...tails, ...files.map((f) => `${f}x`)])
          if (q.startsWith("/")) expect(holdsText(text, q)).toBe(files.includes(q));
      }),
      { numRuns: 500 },
    );
  });

  it("answer has() for an absolute path without parsing the list", () => {
    const files = Array.from({ length: 1000 }, (_, i) => `/usr/share/doc/pkg/file-${i}`);
    const [list] = lists(roundTrip([dpkgList("pkg", files)]));
    const parse = vi.spyOn(JSON, "parse");
    expect(list?.has?.("/usr/share/doc/pkg/file-999")).toBe(true);
    expect(list?.has?.("/usr/share/doc/pkg/file-1000")).toBe(false);
    expect(list?.has?.("/usr/share/doc/pkg/file-9")).toBe(true);
    expect(parse).not.toHaveBeenCalled();
    expect(list?.files).toEqual(files);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it("carry apk and rpm file sets the same way, and leave other outputs alone", () => {
    const results: Result[] = [
      {
        analyzer: "apk",
        path: "/lib/apk/db/installed",
        output: {
          packages: [],
          ownedFileSets: [
            { owner: "a", files: ["/bin/a"] },
            { owner: "b", files: [] },
          ],
        },
      },
      { analyzer: "npm", path: "/app/package.json", output: { packages: [] } },
    ];
    const back = roundTrip(results);
    expect(back).toEqual(results);
    expect(back[1]).toEqual(results[1]);
    const [a, b] = back[0]?.output.ownedFileSets ?? [];
    expect([a?.has?.("/bin/a"), a?.has?.("/bin/b"), b?.has?.("/bin/a")]).toEqual([true, false, false]);
  });

  it("reject references or an index out of shape or out of the section: the file is a miss", () => {
    const packed = packOwnedLists([dpkgList("p", ["/a", "/b"]), dpkgList("q", ["/c"])]);
    const section = inMemory(packed.section);
    const good = JSON.parse(JSON.stringify(packed.results)) as Array<{ output: { ownedFiles: object } }>;
    const withList = (list: unknown) => [{ ...good[0], output: { ownedFiles: list } }] as unknown as Result[];
    const list = good[0]!.output.ownedFiles;
    for (const bad of [
      { ...list, listAt: [0, section.length + 1] },
      { ...list, listAt: [3, 3] },
      { ...list, listAt: [1] },
      { ...list, listAt: "1,5" },
      { ...list, owner: 7 },
      { ...list, ordinal: -1 },
      { ...list, ordinal: "0" },
      { owner: "p", files: ["/a"] }, // the unpacked shape
    ])
      expect(unpackOwnedLists(withList(bad), section, packed.index, "/cache/x.json")).toBe(false);
    const { hashes, lists: owners } = packed.index;
    const reversed = Buffer.from(Buffer.from(hashes, "base64").reverse()).toString("base64");
    for (const index of [
      undefined,
      {},
      { hashes },
      { hashes, lists: "AAAA" },
      { hashes: reversed, lists: owners },
    ])
      expect(unpackOwnedLists(withList(list), section, index, "/cache/x.json")).toBe(false);
    expect(section.reads).toBe(0);
    expect(unpackOwnedLists(withList(list), section, packed.index, "/cache/x.json")).toBe(true);
  });

  it("read a list's bytes only when a path's hash is in it, once, and check its brackets then", () => {
    const packed = packOwnedLists([dpkgList("p", ["/a", "/b"]), dpkgList("q", ["/c", "/a"])]);
    const section = inMemory(packed.section);
    const head = JSON.parse(JSON.stringify(packed.results)) as Result[];
    expect(unpackOwnedLists(head, section, packed.index, "/cache/x.json")).toBe(true);
    const [p, q] = lists(head);
    expect([p?.has?.("/zzz"), q?.has?.("/b")]).toEqual([false, false]); // the index only
    expect(section.reads).toBe(0);
    expect([p?.has?.("/a"), p?.has?.("/b"), q?.has?.("/c"), q?.has?.("/a")]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(section.reads).toBe(2);
    // A range that passed the head's checks but does not fall on the list's brackets: the file
    // was not written by us, which only shows once the list is read.
    const shifted = JSON.parse(JSON.stringify(packed.results)) as Array<{
      output: { ownedFiles: { listAt: number[] } };
    }>;
    const [start, end] = shifted[0]!.output.ownedFiles.listAt as [number, number];
    shifted[0]!.output.ownedFiles.listAt = [start + 1, end];
    const damaged = shifted as unknown as Result[];
    expect(unpackOwnedLists(damaged, section, packed.index, "/cache/x.json")).toBe(true);
    expect(() => lists(damaged)[0]?.files).toThrow(/layer cache \/cache\/x.json is damaged/);
  });
});
