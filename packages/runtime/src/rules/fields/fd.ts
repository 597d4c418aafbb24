/** fd.* fields: the file or socket an event acts on. */
import type { Endpoint, RuntimeEvent } from "../../events/types.js";
import { plain, type FieldDef } from "./types.js";

interface Sock {
  family: "ipv4" | "ipv6" | "unix";
  proto: string;
  client?: Endpoint;
  server?: Endpoint;
  local?: Endpoint;
  remote?: Endpoint;
  unixPath?: string;
  connected: boolean;
}

let lastEvent: RuntimeEvent | undefined;
let lastSock: Sock | undefined;

/** The socket of a network or dup event; many fd.* fields ask for it on the same event. */
function socketOf(e: RuntimeEvent): Sock | undefined {
  if (e !== lastEvent) {
    lastEvent = e;
    lastSock = computeSocket(e);
  }
  return lastSock;
}

function computeSocket(e: RuntimeEvent): Sock | undefined {
  if (e.type === "connect")
    return {
      family: e.family,
      proto: e.protocol,
      client: e.local,
      server: e.remote,
      local: e.local,
      remote: e.remote,
      unixPath: e.unixPath,
      connected: (e.result ?? 0) >= 0,
    };
  if (e.type === "accept")
    return {
      family: e.family,
      proto: e.protocol,
      client: e.remote,
      server: e.local,
      local: e.local,
      remote: e.remote,
      unixPath: e.unixPath,
      connected: true,
    };
  if (e.type === "listen")
    return {
      family: e.family,
      proto: e.protocol,
      server: e.local,
      local: e.local,
      unixPath: e.unixPath,
      connected: false,
    };
  if (e.type === "dup" && e.fdKind === "socket" && e.family)
    return { family: e.family, proto: "tcp", server: e.remote, remote: e.remote, connected: true };
  return undefined;
}

const filePath = (e: RuntimeEvent): string | undefined =>
  e.type === "open" ? e.path : e.type === "memfd_create" ? `memfd:${e.name}` : undefined;

const ep = (x: Endpoint | undefined): string => (x ? `${x.ip}:${x.port}` : "");

function fdName(e: RuntimeEvent): string | undefined {
  const f = filePath(e);
  if (f !== undefined) return f;
  const s = socketOf(e);
  if (!s) return undefined;
  if (s.family === "unix") return s.unixPath ?? "";
  return s.client ? `${ep(s.client)}->${ep(s.server)}` : ep(s.server);
}

function fdType(e: RuntimeEvent): string | undefined {
  if (e.type === "open") return e.flags.includes("O_DIRECTORY") ? "directory" : "file";
  if (e.type === "memfd_create") return "memfd";
  if (e.type === "dup" && e.fdKind !== "socket") return e.fdKind === "unknown" ? undefined : e.fdKind;
  return socketOf(e)?.family;
}

const TYPECHAR: Record<string, string> = {
  file: "f",
  directory: "d",
  ipv4: "4",
  ipv6: "6",
  unix: "u",
  pipe: "p",
  memfd: "f",
};

function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

const sockField = (
  name: string,
  type: "string" | "number",
  pick: (s: Sock) => string | number | undefined,
): FieldDef =>
  plain(name, type, (e) => {
    const s = socketOf(e);
    return s ? pick(s) : undefined;
  });

const ips = (s: Sock): string[] => [s.client?.ip, s.server?.ip].filter((x): x is string => x !== undefined);

export const FD_FIELDS: FieldDef[] = [
  plain("fd.name", "string", fdName),
  plain("fd.nameraw", "string", fdName),
  plain("fd.type", "string", fdType),
  plain("fd.typechar", "string", (e) => {
    const t = fdType(e);
    return t ? TYPECHAR[t] : undefined;
  }),
  plain("fd.num", "number", (e) =>
    e.type === "open"
      ? (e.fd ?? e.result)
      : e.type === "dup"
        ? e.oldFd
        : socketOf(e) && "fd" in e
          ? e.fd
          : undefined,
  ),
  plain("fd.directory", "string", (e) => {
    const f = filePath(e);
    return f === undefined ? undefined : dirname(f);
  }),
  plain("fd.filename", "string", (e) => filePath(e)?.split("/").pop()),
  // Bulwark's file events carry the path as opened; no later event renames an fd.
  plain("fd.name_changed", "bool", (e) => (filePath(e) !== undefined || socketOf(e) ? false : undefined)),
  sockField("fd.l4proto", "string", (s) => s.proto),
  sockField("fd.sockfamily", "string", (s) => (s.family === "unix" ? "unix" : "ip")),
  sockField("fd.sip", "string", (s) => s.server?.ip),
  sockField("fd.cip", "string", (s) => s.client?.ip),
  sockField("fd.rip", "string", (s) => s.remote?.ip),
  sockField("fd.lip", "string", (s) => s.local?.ip),
  sockField("fd.sport", "number", (s) => s.server?.port),
  sockField("fd.cport", "number", (s) => s.client?.port),
  sockField("fd.rport", "number", (s) => s.remote?.port),
  sockField("fd.lport", "number", (s) => s.local?.port),
  plain("fd.connected", "bool", (e) => socketOf(e)?.connected),
  plain("fd.ip", "ips", (e) => {
    const s = socketOf(e);
    return s ? ips(s) : undefined;
  }),
  plain("fd.net", "ips", (e) => {
    const s = socketOf(e);
    return s ? ips(s) : undefined;
  }),
  plain("fd.port", "numbers", (e) => {
    const s = socketOf(e);
    return s ? [s.client?.port, s.server?.port].filter((x): x is number => x !== undefined) : undefined;
  }),
  plain("fd.snet", "ips", (e) => (socketOf(e)?.server ? [socketOf(e)!.server!.ip] : undefined)),
  plain("fd.cnet", "ips", (e) => (socketOf(e)?.client ? [socketOf(e)!.client!.ip] : undefined)),
  plain("fd.rnet", "ips", (e) => (socketOf(e)?.remote ? [socketOf(e)!.remote!.ip] : undefined)),
  plain("fd.lnet", "ips", (e) => (socketOf(e)?.local ? [socketOf(e)!.local!.ip] : undefined)),
];
