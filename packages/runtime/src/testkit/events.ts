import type { ContainerInfo, RuntimeEvent } from "../events/index.js";

/** An exec event as a sensor would send it for a live process (response tests act on it). */
export function execEventOf(
  pid: number,
  container: ContainerInfo,
  process: { name: string; startTime?: string },
): RuntimeEvent {
  return {
    schema: 1,
    type: "exec",
    time: new Date().toISOString(),
    source: "bpftrace",
    process: {
      pid,
      ppid: 1,
      name: process.name,
      exe: process.name,
      args: [],
      uid: 0,
      gid: 0,
      ancestors: [],
      startTime: process.startTime,
    },
    container,
  } as RuntimeEvent;
}
