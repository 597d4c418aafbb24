"""Independent Debian advisory evaluation for the distribution end-to-end test.

argv: ROOTFS VULNDB RELEASE (e.g. 12). Reads ROOTFS/var/lib/dpkg/status with python3-apt's
TagFile, maps each installed binary package to its source package and source version
(the Source: field, "name (version)" when they differ), and prints one JSON line
{"binary","source","id","cves","fixed"} for every DSA/DLA record in
VULNDB/osv/Debian/all.zip whose Debian:RELEASE range covers that source version, with
events ordered by libapt's version comparison (apt_pkg.version_compare). Written apart
from Bulwark's matcher on purpose: it shares no code with it.
"""
import functools
import json
import sys
import zipfile

import apt_pkg

apt_pkg.init_system()


def installed(root):
    out = []
    with open(f"{root}/var/lib/dpkg/status") as fh:
        for sec in apt_pkg.TagFile(fh):
            if "install ok installed" not in sec.get("Status", ""):
                continue
            name, version = sec["Package"], sec["Version"]
            src, src_version = name, version
            if sec.get("Source"):
                parts = sec["Source"].split()
                src = parts[0]
                if len(parts) > 1:
                    src_version = parts[1].strip("()")
            out.append((name, src, src_version))
    return out


def covered(version, events):
    def key(e):
        v = next(iter(e.values()))
        return (0, "") if v == "0" else (1, v)

    def cmp(a, b):
        ka, kb = key(a), key(b)
        if ka[0] != kb[0]:
            return ka[0] - kb[0]
        return apt_pkg.version_compare(ka[1], kb[1]) if ka[0] else 0

    inside = False
    for e in sorted(events, key=functools.cmp_to_key(cmp)):
        if "introduced" in e:
            if e["introduced"] == "0" or apt_pkg.version_compare(e["introduced"], version) <= 0:
                inside = True
        elif "fixed" in e and apt_pkg.version_compare(e["fixed"], version) <= 0:
            inside = False
    return inside


def main():
    root, vulndb, release = sys.argv[1], sys.argv[2], sys.argv[3]
    eco = f"Debian:{release}"
    pkgs = installed(root)
    by_source = {}
    for b, s, v in pkgs:
        by_source.setdefault(s, []).append((b, v))
    with zipfile.ZipFile(f"{vulndb}/osv/Debian/all.zip") as z:
        for n in z.namelist():
            rec = json.loads(z.read(n))
            for aff in rec.get("affected", []):
                p = aff.get("package", {})
                if p.get("ecosystem") != eco or p.get("name") not in by_source:
                    continue
                for r in aff.get("ranges", []):
                    if r.get("type") != "ECOSYSTEM":
                        continue
                    fixed = [e["fixed"] for e in r["events"] if "fixed" in e]
                    for b, v in by_source[p["name"]]:
                        if covered(v, r["events"]):
                            print(json.dumps({"binary": b, "source": p["name"], "id": rec["id"],
                                              "cves": rec.get("upstream", []), "fixed": fixed[-1] if fixed else None}))


main()
