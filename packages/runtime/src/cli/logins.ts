/** `bulwark runtime logins`: SSH logins and failures, and sudo, on this node. */
import type { Command } from "commander";
import { RuntimeError } from "../errors.js";
import { collectLogins, defaultLoginSources } from "../logins/collect.js";
import type { LoginEvent } from "../logins/types.js";
import { columns } from "./table.js";

interface LoginFlags {
  authLog: string[];
  wtmp?: string;
  btmp?: string;
  journal?: boolean;
  since?: string;
  format: string;
}

const repeatable = (v: string, prev: string[]): string[] => [...prev, v];

function row(e: LoginEvent): string[] {
  const what = e.kind.startsWith("sudo")
    ? `${e.runAs ?? ""}: ${e.command ?? ""}`
    : [e.method, e.invalidUser ? "invalid user" : "", e.tty].filter(Boolean).join(" ");
  return [
    e.time ?? "-",
    e.kind,
    e.user,
    e.from ? `${e.from}${e.port ? `:${e.port}` : ""}` : "-",
    what,
    e.source,
  ];
}

export function registerLoginsCommand(runtime: Command): void {
  runtime
    .command("logins")
    .description("SSH logins and failures, and sudo use, on this node (auth log, wtmp/btmp, journal)")
    .option(
      "--auth-log <file>",
      "auth log to read (repeatable); default /var/log/auth.log or /var/log/secure",
      repeatable,
      [],
    )
    .option("--wtmp <file>", "wtmp file (logins); default /var/log/wtmp")
    .option("--btmp <file>", "btmp file (failed logins); default /var/log/btmp")
    .option("--journal", "also read sshd and sudo messages from the systemd journal")
    .option("--since <time>", "only events at or after this time (RFC 3339)")
    .option("--format <format>", "table or json", "table")
    .action(async (flags: LoginFlags) => {
      if (flags.format !== "table" && flags.format !== "json")
        throw new RuntimeError("USAGE", `--format: expected table or json, got "${flags.format}"`);
      const since = flags.since === undefined ? undefined : Date.parse(flags.since);
      if (Number.isNaN(since)) throw new RuntimeError("USAGE", `--since: not a time: "${flags.since}"`);
      const given = flags.authLog.length > 0 || flags.wtmp !== undefined || flags.btmp !== undefined;
      const defaults = defaultLoginSources();
      const sources = given
        ? { authLogs: flags.authLog, wtmp: flags.wtmp, btmp: flags.btmp, journal: flags.journal === true }
        : { ...defaults, journal: flags.journal === true };
      const events = (await collectLogins(sources)).filter(
        (e) => since === undefined || (e.time !== undefined && Date.parse(e.time) >= since),
      );
      if (flags.format === "json") for (const e of events) process.stdout.write(`${JSON.stringify(e)}\n`);
      else
        process.stdout.write(
          columns([["TIME", "KIND", "USER", "FROM", "DETAIL", "SOURCE"], ...events.map(row)]),
        );
    });
}
