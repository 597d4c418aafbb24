import type { Command } from "commander";
import { ExitCode } from "../deps.js";
import { judgeImage } from "../policy/judge.js";
import { loadPolicySet } from "../policy/load.js";
import { imagePolicySchema } from "../policy/schema.js";
import { runPolicyTests } from "../policy/test-runner.js";
import { addPolicyFlags, parseFormat, scanOptions, type PolicyFlags } from "./common.js";
import { renderJson, renderTable } from "./render.js";

async function check(target: string, flags: PolicyFlags, cmd: Command): Promise<void> {
  const format = parseFormat(flags.format);
  const set = loadPolicySet(flags.policy, flags);
  const j = await judgeImage(set, target, scanOptions(cmd, flags));
  process.stdout.write(format === "json" ? renderJson(j) : renderTable(j));
  if (!j.decision.allowed) process.exitCode = ExitCode.findings;
}

async function test(dir: string, flags: PolicyFlags, cmd: Command): Promise<void> {
  const set = loadPolicySet(flags.policy, flags);
  const results = await runPolicyTests(dir, set, scanOptions(cmd, flags));
  const failed = results.filter((r) => !r.passed);
  if (parseFormat(flags.format) === "json") process.stdout.write(JSON.stringify(results, null, 2) + "\n");
  else {
    for (const r of results)
      process.stdout.write(
        `${r.passed ? "PASS" : "FAIL"}  ${r.name}: expected ${r.expected}, got ${r.got}${r.detail ? ` (${r.detail})` : ""}\n`,
      );
    process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed\n`);
  }
  if (failed.length) process.exitCode = ExitCode.findings;
}

/** `bulwark policy check|test|schema`. */
export function registerPolicy(program: Command): void {
  const policy = program.command("policy").description("judge images against ImagePolicy files");
  addPolicyFlags(
    policy
      .command("check")
      .argument("<target>")
      .description("judge one image: exit 0 allowed, 1 denied, 2 error"),
  )
    .option("--format <format>", "table or json", "table")
    .action((target: string, flags: PolicyFlags, cmd: Command) => check(target, flags, cmd));
  addPolicyFlags(
    policy
      .command("test")
      .argument("<dir>")
      .description("run the ImagePolicyTest files of DIR: exit 0 all pass, 1 a case failed"),
  )
    .option("--format <format>", "table or json", "table")
    .action((dir: string, flags: PolicyFlags, cmd: Command) => test(dir, flags, cmd));
  policy
    .command("schema")
    .description("print the JSON Schema of ImagePolicy")
    .action(() => void process.stdout.write(JSON.stringify(imagePolicySchema, null, 2) + "\n"));
}
