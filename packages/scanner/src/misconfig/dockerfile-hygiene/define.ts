import type { Severity } from "@bulwark/model";
import type { Dockerfile, Instruction } from "../dockerfile/parser.js";
import { programsOf } from "../dockerfile/shell-words.js";
import { NIST } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";

export type DfRule = Rule<Dockerfile, number>;

export interface HygieneMeta {
  id: string;
  title: string;
  severity: Severity;
  why: string;
  remediation: string;
  hadolint?: string[];
  trivy?: string[];
  checkov?: string[];
  cisDocker?: string[];
}

export function meta(m: HygieneMeta): CheckMeta {
  return {
    id: m.id,
    family: "dockerfile",
    title: m.title,
    severity: m.severity,
    why: m.why,
    remediation: m.remediation,
    mappings: mapIds({
      cisDocker: m.cisDocker,
      nist: [NIST.imageConfig],
      trivy: m.trivy,
      checkov: m.checkov,
      hadolint: m.hadolint,
    }),
  };
}

export const shellOf = (i: Instruction): string => (i.json ? i.json.join(" ") : i.args);

/** Every simple command of every RUN, with the instruction it is in. */
export function runCommands(d: Dockerfile): Array<{ ins: Instruction; argv: string[] }> {
  return d.instructions
    .filter((i) => i.cmd === "RUN")
    .flatMap((ins) => programsOf(shellOf(ins)).map(({ argv }) => ({ ins, argv })));
}

/** A rule that reports each RUN with a command `bad` returns a message for (once per RUN). */
export function commandRule(
  m: HygieneMeta,
  bad: (argv: string[], all: string[][]) => string | undefined,
): DfRule {
  return {
    meta: meta(m),
    check: (d, report) => {
      for (const ins of d.instructions.filter((i) => i.cmd === "RUN")) {
        const all = programsOf(shellOf(ins)).map((p) => p.argv);
        for (const argv of all) {
          const why = bad(argv, all);
          if (why) {
            report(ins.line, why);
            break;
          }
        }
      }
    },
  };
}

/** True when argv is `<pm> <sub> …` for one of the subcommands. */
export const isSub = (argv: string[], pm: RegExp, subs: string[]): boolean =>
  pm.test(argv[0] ?? "") && subs.includes(argv.slice(1).find((w) => !w.startsWith("-")) ?? "");

/** True when a flag (short letter or long spelling) is among the words, before `--`. */
export function has(argv: string[], short: string | undefined, ...long: string[]): boolean {
  const end = argv.indexOf("--");
  const words = end >= 0 ? argv.slice(1, end) : argv.slice(1);
  return words.some(
    (w) =>
      long.some((l) => w === l || w.startsWith(`${l}=`)) ||
      (short !== undefined && /^-[A-Za-z]+$/.test(w) && w.includes(short)),
  );
}
