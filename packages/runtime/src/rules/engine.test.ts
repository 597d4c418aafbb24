import { describe, expect, it } from "vitest";
import { RUNTIME_EVENT_SCHEMA, type RuntimeEvent } from "../events/types.js";
import { WEB_CONTAINER } from "../testkit/scenarios.js";
import { RuleEngine } from "./engine.js";
import { loadRuleTexts } from "./loader.js";

const proc = {
  pid: 10,
  ppid: 9,
  name: "bash",
  exe: "bash",
  exePath: "/bin/bash",
  args: ["-c", "ls /tmp"],
  uid: 1000,
  gid: 1000,
  userName: "app",
  tty: 0,
  ancestors: [
    { pid: 9, name: "nginx", exe: "/usr/sbin/nginx" },
    { pid: 1, name: "tini" },
  ],
};
const base = {
  schema: RUNTIME_EVENT_SCHEMA,
  time: "2026-12-01T10:00:00Z",
  source: "replay" as const,
  process: proc,
  container: WEB_CONTAINER,
};
const exec: RuntimeEvent = { ...base, type: "exec" };
const open: RuntimeEvent = {
  ...base,
  type: "open",
  path: "/etc/ssl/private/key.pem",
  access: "read",
  flags: ["O_RDONLY"],
  fd: 3,
};
const conn: RuntimeEvent = {
  ...base,
  type: "connect",
  family: "ipv4",
  protocol: "tcp",
  local: { ip: "10.1.2.3", port: 40000 },
  remote: { ip: "169.254.169.254", port: 80 },
  result: 0,
};

function rule(condition: string, extra = ""): string {
  return `- rule: r\n  desc: d\n  condition: ${condition}\n  output: "out %proc.name %fd.name %proc.aname[2]"\n  priority: WARNING\n${extra}`;
}
const engineFor = (yaml: string): RuleEngine =>
  new RuleEngine(loadRuleTexts([{ name: "t.yaml", text: yaml }]).rules);
const fires = (condition: string, e: RuntimeEvent, extra = ""): boolean =>
  engineFor(rule(condition, extra)).evaluate(e).length > 0;

describe("operators and fields", () => {
  it.each([
    ["proc.name = bash", true],
    ["proc.name != bash", false],
    ["proc.name in (sh, bash)", true],
    ["proc.cmdline contains 'ls /tmp'", true],
    ["proc.cmdline icontains 'LS /TMP'", true],
    ["proc.exepath startswith /bin/", true],
    ["proc.exepath endswith /bash", true],
    ["proc.exepath glob '/b*/ba?h'", true],
    ["proc.cmdline regex '^bash -c ls'", true],
    ["proc.pname = nginx", true],
    ["proc.aname[2] = tini", true],
    ["proc.aname = tini", true],
    ["proc.aname in (nothing, tini)", true],
    ["proc.name intersects (sh, bash)", true],
    ["proc.args intersects (-c, -x)", false],
    ["user.uid >= 1000 and user.uid < 1001", true],
    ["user.uid > 1000", false],
    ["proc.tty = 0", true],
    ["proc.exepath pmatch (/bin, /usr)", true],
    ["proc.exepath pmatch (/bi)", false],
    ["toupper(proc.name) = BASH", true],
    ["basename(proc.exepath) = bash", true],
    ["len(proc.name) = 4", true],
    ["proc.name = val(proc.name)", true],
    ["proc.name = val(proc.pname)", false],
    ["fd.name exists", false],
    ["container.id != host and container.image.repository = docker.io/library/nginx", true],
    ["container.image.tag = '1.25'", true],
    ["not proc.name = sh", true],
    ["evt.type = execve and evt.dir = <", true],
  ])("%s on an exec event → %s", (cond, want) => {
    expect(fires(cond, exec)).toBe(want);
  });

  it("fd fields describe the opened file and the socket", () => {
    expect(
      fires(
        "fd.name = /etc/ssl/private/key.pem and fd.directory = /etc/ssl/private and fd.filename = key.pem and fd.typechar = f and fd.num = 3",
        open,
      ),
    ).toBe(true);
    expect(fires("evt.is_open_read = true and evt.is_open_write = false", open)).toBe(true);
    expect(
      fires(
        "fd.name = '10.1.2.3:40000->169.254.169.254:80' and fd.sip = 169.254.169.254 and fd.sport = 80 and fd.l4proto = tcp",
        conn,
      ),
    ).toBe(true);
    expect(fires("fd.snet = '169.254.0.0/16' and not fd.net in ('192.168.0.0/16')", conn)).toBe(true);
    expect(fires("fd.net = '10.0.0.0/8'", conn)).toBe(true);
    expect(fires("fd.snet = '10.0.0.0/8'", conn)).toBe(false);
  });

  it("evt.num counts events, so Falco's never_true macro (evt.num=0) never fires", () => {
    expect(fires("evt.num = 0", exec)).toBe(false);
    expect(fires("evt.num > 0", exec)).toBe(true);
  });
});

describe("macros, lists, append, override, exceptions", () => {
  it("expands lists (including lists of lists and quoted items) and macros", () => {
    const yaml = `
- list: a
  items: [sh]
- list: b
  items: [a, '"bash"']
- macro: shells
  condition: proc.name in (b)
${rule("shells")}`;
    expect(engineFor(yaml).evaluate(exec)).toHaveLength(1);
  });

  it("append and override extend lists, macros and rules", () => {
    const yaml = `
- list: names
  items: [sh]
- list: names
  items: [bash]
  append: true
- macro: m
  condition: proc.name in (names)
${rule("m")}
- rule: r
  condition: and user.uid = 0
  override:
    condition: append`;
    expect(engineFor(yaml).evaluate(exec)).toHaveLength(0);
    const replaced = `${rule("proc.name = zsh")}
- rule: r
  condition: proc.name = bash
  override:
    condition: replace`;
    expect(engineFor(replaced).evaluate(exec)).toHaveLength(1);
  });

  it("a rule item with only enabled: false disables the rule", () => {
    expect(
      engineFor(`${rule("proc.name = bash")}\n- rule: r\n  enabled: false\n`).evaluate(exec),
    ).toHaveLength(0);
  });

  it("exceptions suppress matching events", () => {
    const exc = `  exceptions:\n    - name: known\n      fields: [proc.name, proc.pname]\n      values:\n        - [bash, nginx]\n`;
    expect(fires("proc.name = bash", exec, exc)).toBe(false);
    const other = `  exceptions:\n    - name: known\n      fields: proc.name\n      values: [sh, zsh]\n`;
    expect(fires("proc.name = bash", exec, other)).toBe(true);
  });

  it("renders the output with %field and <NA> for absent values", () => {
    const m = engineFor(rule("proc.name = bash")).evaluate(exec);
    expect(m[0]!.output).toBe("out bash <NA> tini");
  });

  it("indexes rules by event type: an open rule is not a candidate for exec events", () => {
    const e = engineFor(`${rule("evt.type in (open, openat) and fd.name exists")}`);
    expect(e.candidates("execve")).toHaveLength(0);
    expect(e.candidates("openat")).toHaveLength(1);
    expect(e.evaluate(open)).toHaveLength(1);
  });
});

describe("load errors name file, line and column", () => {
  const load = (text: string) => () => loadRuleTexts([{ name: "bad.yaml", text }]);

  it("YAML syntax error", () => {
    expect(load("- rule: x\n  desc: [unclosed\n")).toThrow(/^bad\.yaml:\d+:\d+: YAML syntax error/);
  });
  it("condition syntax error points at the offending character", () => {
    expect(load(rule("proc.name = bash and (user.uid = 0"))).toThrow(
      /^bad\.yaml:3:\d+: rule r: "\(" at \d+ is never closed/,
    );
    expect(load(rule("proc.name bogus bash"))).toThrow(/^bad\.yaml:3:24: rule r: expected an operator/);
  });
  it("unknown macro", () => {
    expect(load(rule("proc.name = bash and no_such_macro"))).toThrow(
      /^bad\.yaml:3:35: rule r: unknown macro "no_such_macro"/,
    );
  });
  it("cyclic macro", () => {
    const text = `- macro: a\n  condition: b\n- macro: b\n  condition: proc.name = x or a\n${rule("a")}`;
    expect(load(text)).toThrow(/^bad\.yaml:4:\d+: macro b \(used by rule r\): cyclic macro: a -> b -> a/);
  });
  it("a macro chain too deep to be real is an error, not a stack overflow", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => `- macro: m${i}\n  condition: m${i + 1}\n`).join("");
    expect(load(`${chain}- macro: m5000\n  condition: proc.name = x\n${rule("m0")}`)).toThrow(
      /macros nested deeper than 100/,
    );
  });
  it("a regex that could backtrack catastrophically", () => {
    expect(load(rule("proc.cmdline regex '(a+)+$'"))).toThrow(
      /^bad\.yaml:3:\d+: rule r: regex .* could backtrack catastrophically/,
    );
  });
  it("a number field compared with a word", () => {
    expect(load(rule("user.uid = root"))).toThrow(
      /^bad\.yaml:3:\d+: rule r: expected a number, found "root"/,
    );
  });
  it("append to an undefined rule, unknown priority, newer engine version", () => {
    expect(load("- rule: x\n  condition: a\n  append: true\n")).toThrow(
      /bad\.yaml:1:3: rule x: append of a rule that is not defined/,
    );
    expect(load(rule("proc.name = x").replace("WARNING", "LOUD"))).toThrow(/unknown priority "LOUD"/);
    expect(load("- required_engine_version: 99.0.0\n")).toThrow(/required_engine_version 99\.0\.0 is newer/);
  });
  it("a field Bulwark cannot supply loads the rule inactive with a warning naming the field", () => {
    const loaded = loadRuleTexts([{ name: "w.yaml", text: rule("fd.sip.name = example.com") }]);
    expect(loaded.rules[0]!.evaluable).toBe(false);
    expect(loaded.warnings.map((w) => w.message)).toContain(
      "rule r: not evaluated: Bulwark cannot supply fd.sip.name",
    );
    expect(new RuleEngine(loaded.rules).active).toHaveLength(0);
  });
});
