// Maven repository layout: <repo>/<group as dirs>/<artifactId>/<version>/<artifactId>-<version>[-classifier].jar.
// Debian's /usr/share/maven-repo and ~/.m2/repository both follow it, so a jar without
// pom.properties (Debian strips them) still tells its groupId through its path.
const REPO_ROOTS = ["/usr/share/maven-repo/", "/.m2/repository/"];

/** The groupId a jar's path implies under a known Maven repository root, if any. */
export function groupFromRepoPath(path: string, artifact: string): string | undefined {
  for (const root of REPO_ROOTS) {
    const at = path.indexOf(root);
    if (at < 0) continue;
    const parts = path.slice(at + root.length).split("/");
    // parts: [...group, artifact, version, file]
    if (parts.length < 4 || parts[parts.length - 3] !== artifact) continue;
    const group = parts.slice(0, -3);
    if (group.every((p) => /^[A-Za-z0-9_.-]+$/.test(p))) return group.join(".");
  }
  return undefined;
}
