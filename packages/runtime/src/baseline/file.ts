/**
 * Baseline files: YAML a person can read, review in a pull request and diff — stable key
 * order, sorted lists, one file per workload. Loading is strict: any problem is one error
 * naming the file and line, and the caller keeps the baseline it had.
 */
import { isScalar, isSeq, stringify, type Node } from "yaml";
import { type Located, mapEntries, only, parseYamlFile } from "../config/yaml.js";
import { BASELINE_MODES, FACETS, type BaselineMode, type FacetName, type Profile } from "./profile.js";

export const BASELINE_API = "bulwark.dev/v1";
export const BASELINE_KIND = "RuntimeBaseline";

export interface Baseline {
  workload: { key: string; image?: string; digest?: string };
  mode: BaselineMode;
  learned: { from: string; until: string; events: number; node?: string };
  approved?: { by: string; at: string };
  profile: Profile;
}

export function serializeBaseline(b: Baseline): string {
  const doc = {
    apiVersion: BASELINE_API,
    kind: BASELINE_KIND,
    workload: b.workload,
    mode: b.mode,
    learned: b.learned,
    ...(b.approved ? { approved: b.approved } : {}),
    profile: Object.fromEntries(FACETS.map((f) => [f, [...b.profile[f]].sort()])),
  };
  return stringify(doc, { lineWidth: 0 });
}

function text(node: Node | undefined, where: string, loc: Located, optional = false): string | undefined {
  if (node === undefined && optional) return undefined;
  if (!isScalar(node) || typeof node.value !== "string" || node.value === "")
    loc.fail(node, `${where} must be a non-empty string`);
  return node.value;
}

function facetList(node: Node | undefined, facet: FacetName, loc: Located): Set<string> {
  if (node === undefined) return new Set();
  if (!isSeq(node)) loc.fail(node, `profile.${facet} must be a list`);
  return new Set(node.items.map((i) => text(i as Node, `an entry of profile.${facet}`, loc)!));
}

export function parseBaseline(yamlText: string, file: string): Baseline {
  const { doc, loc: at } = parseYamlFile(yamlText, file, "BASELINE_INVALID");
  // Annotated: TypeScript narrows through \`loc.fail\` (never) only on an explicitly typed name.
  const loc: Located = at;
  const top = mapEntries(doc.contents, "the baseline", loc);
  only(
    top,
    ["apiVersion", "kind", "workload", "mode", "learned", "approved", "profile"],
    "the baseline",
    loc,
  );
  if (text(top.get("apiVersion"), "apiVersion", loc) !== BASELINE_API)
    loc.fail(top.get("apiVersion"), `apiVersion must be ${BASELINE_API}`);
  if (text(top.get("kind"), "kind", loc) !== BASELINE_KIND)
    loc.fail(top.get("kind"), `kind must be ${BASELINE_KIND}`);
  const mode = text(top.get("mode"), "mode", loc) as BaselineMode;
  if (!BASELINE_MODES.includes(mode))
    loc.fail(top.get("mode"), `mode must be one of ${BASELINE_MODES.join(", ")}`);
  const w = mapEntries(top.get("workload"), "workload", loc);
  only(w, ["key", "image", "digest"], "workload", loc);
  const l = mapEntries(top.get("learned"), "learned", loc);
  only(l, ["from", "until", "events", "node"], "learned", loc);
  const eventsNode = l.get("events");
  const events = isScalar(eventsNode) ? eventsNode.value : undefined;
  if (typeof events !== "number" || !Number.isSafeInteger(events) || events < 0)
    loc.fail(eventsNode ?? top.get("learned"), "learned.events must be a whole number");
  const approvedNode = top.get("approved");
  const a = approvedNode === undefined ? undefined : mapEntries(approvedNode, "approved", loc);
  if (a) only(a, ["by", "at"], "approved", loc);
  const p = mapEntries(top.get("profile"), "profile", loc);
  only(p, [...FACETS], "profile", loc);
  return {
    workload: {
      key: text(w.get("key"), "workload.key", loc)!,
      image: text(w.get("image"), "workload.image", loc, true),
      digest: text(w.get("digest"), "workload.digest", loc, true),
    },
    mode,
    learned: {
      from: text(l.get("from"), "learned.from", loc)!,
      until: text(l.get("until"), "learned.until", loc)!,
      events,
      node: text(l.get("node"), "learned.node", loc, true),
    },
    ...(a
      ? {
          approved: {
            by: text(a.get("by"), "approved.by", loc)!,
            at: text(a.get("at"), "approved.at", loc)!,
          },
        }
      : {}),
    profile: Object.fromEntries(FACETS.map((f) => [f, facetList(p.get(f), f, loc)])) as unknown as Profile,
  };
}
