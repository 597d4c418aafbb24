/** container.* and k8s.* fields. */
import { HOST_CONTAINER_ID } from "../../events/types.js";
import { compileGlob } from "../glob.js";
import { plain, type FieldDef } from "./types.js";

function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const name = image.split("@")[0]!;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(colon + 1) : undefined;
}

function imageRepository(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const name = image.split("@")[0]!;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(0, colon) : name;
}

export const CONTAINER_FIELDS: FieldDef[] = [
  plain("container.id", "string", (e) => e.container.id),
  plain("container.name", "string", (e) =>
    e.container.id === HOST_CONTAINER_ID ? HOST_CONTAINER_ID : e.container.name,
  ),
  plain("container.image", "string", (e) => e.container.image),
  plain(
    "container.image.repository",
    "string",
    (e) => e.container.imageRepository ?? imageRepository(e.container.image),
  ),
  plain("container.image.tag", "string", (e) => e.container.imageTag ?? imageTag(e.container.image)),
  plain("container.image.digest", "string", (e) => e.container.imageDigest),
  plain("container.type", "string", (e) => e.container.runtime),
  plain("container.privileged", "bool", (e) => e.container.privileged),
  plain("container.user", "string", (e) => e.container.user),
  plain("container.start_ts", "number", (e) =>
    e.container.startTime ? Date.parse(e.container.startTime) * 1e6 : undefined,
  ),
  plain("container.mounts", "string", (e) =>
    e.container.mounts?.map((m) => `${m.source}:${m.destination}:${m.readOnly ? "ro" : "rw"}`).join(","),
  ),
  {
    // Falco: the source of the first mount whose destination matches the glob, else "N/A".
    name: "container.mount.dest",
    type: "string",
    arg: "text",
    bind(arg) {
      const matches = compileGlob(arg ?? "", false);
      return (e) => {
        if (e.container.id === HOST_CONTAINER_ID) return undefined;
        return e.container.mounts?.find((m) => matches(m.destination))?.source ?? "N/A";
      };
    },
  },
  {
    name: "container.label",
    type: "string",
    arg: "text",
    bind: (arg) => (e) => e.container.labels?.[arg ?? ""],
  },
  plain("k8s.ns.name", "string", (e) => e.k8s?.namespace),
  plain("k8s.pod.name", "string", (e) => e.k8s?.podName),
  plain("k8s.pod.uid", "string", (e) => e.k8s?.podUid),
  plain("k8s.pod.id", "string", (e) => e.k8s?.podUid),
  plain("k8s.container.name", "string", (e) => e.k8s?.containerName),
  {
    name: "k8s.pod.label",
    type: "string",
    arg: "text",
    bind: (arg) => (e) => e.k8s?.podLabels?.[arg ?? ""],
  },
];
