"""Independent Alpine/Wolfi advisory evaluation for the apk end-to-end test.

argv: ROOTFS VULNDB. Reads ROOTFS/etc/os-release (ID, VERSION_ID) and
ROOTFS/lib/apk/db/installed (P: name, V: version, o: origin), and prints one JSON line
{"binary","source","id","fixed","status"} for every record of VULNDB/osv/<Alpine|Wolfi>/all.zip
whose entry for the image's ecosystem ("Alpine:vX.Y" or "Wolfi") and origin package covers
the installed version. Versions are ordered by apk's rules implemented here from apk-tools'
documented version format (digits, optional letter, _suffixes, -rN): no code is shared with
Bulwark's comparator, and no apk tool exists on Debian to ask.
"""
import functools
import json
import re
import sys
import zipfile

SUFFIX = {"alpha": 0, "beta": 1, "pre": 2, "rc": 3, "": 4, "cvs": 5, "svn": 6, "git": 7, "hg": 8, "p": 9}
VERSION = re.compile(r"^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:-r(\d+))?$")


def parse(v):
    m = VERSION.match(v)
    if not m:
        raise ValueError(f"not an apk version: {v}")
    nums = [int(x) for x in m.group(1).split(".")]
    suffixes = [(SUFFIX[s], int(n or 0)) for s, n in re.findall(r"_([a-z]+)(\d*)", m.group(3))]
    return nums, m.group(2), suffixes, int(m.group(4) or 0)


def compare(a, b):
    na, la, sa, ra = parse(a)
    nb, lb, sb, rb = parse(b)
    for x, y in zip(na, nb):
        if x != y:
            return -1 if x < y else 1
    if len(na) != len(nb):
        return -1 if len(na) < len(nb) else 1
    if la != lb:
        return -1 if la < lb else 1
    for i in range(max(len(sa), len(sb))):
        x = sa[i] if i < len(sa) else (SUFFIX[""], 0)
        y = sb[i] if i < len(sb) else (SUFFIX[""], 0)
        if x != y:
            return -1 if x < y else 1
    return (ra > rb) - (ra < rb)


def covered(version, events):
    def cmp(a, b):
        va, vb = next(iter(a.values())), next(iter(b.values()))
        if va == "0" or vb == "0":
            return (va != "0") - (vb != "0")
        return compare(va, vb)

    inside = False
    for e in sorted(events, key=functools.cmp_to_key(cmp)):
        if "introduced" in e:
            if e["introduced"] == "0" or compare(e["introduced"], version) <= 0:
                inside = True
        elif "fixed" in e and compare(e["fixed"], version) <= 0:
            inside = False
        elif "last_affected" in e and compare(e["last_affected"], version) < 0:
            inside = False
    return inside


def os_release(root):
    out = {}
    with open(f"{root}/etc/os-release") as fh:
        for line in fh:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                out[k] = v.strip('"')
    return out


def installed(root):
    pkgs, cur = [], {}
    with open(f"{root}/lib/apk/db/installed") as fh:
        for line in fh.read().split("\n") + [""]:
            if not line:
                if cur:
                    pkgs.append((cur["P"], cur.get("o", cur["P"]), cur["V"]))
                cur = {}
            elif line[1:2] == ":":
                cur.setdefault(line[0], line[2:])
    return pkgs


def main():
    root, vulndb = sys.argv[1], sys.argv[2]
    rel = os_release(root)
    if rel["ID"] == "alpine":
        folder, eco = "Alpine", "Alpine:v" + ".".join(rel["VERSION_ID"].split(".")[:2])
    else:
        folder, eco = "Wolfi", "Wolfi"
    by_origin = {}
    for b, o, v in installed(root):
        by_origin.setdefault(o, []).append((b, v))
    with zipfile.ZipFile(f"{vulndb}/osv/{folder}/all.zip") as z:
        for n in z.namelist():
            rec = json.loads(z.read(n))
            if rec.get("withdrawn"):
                continue
            for aff in rec.get("affected", []):
                p = aff.get("package", {})
                if p.get("ecosystem") != eco or p.get("name") not in by_origin:
                    continue
                for r in aff.get("ranges", []):
                    if r.get("type") != "ECOSYSTEM":
                        continue
                    fixed = [e["fixed"] for e in r["events"] if "fixed" in e]
                    status = (aff.get("database_specific") or {}).get("status")
                    for b, v in by_origin[p["name"]]:
                        if covered(v, r["events"]):
                            print(json.dumps({"binary": b, "source": p["name"], "id": rec["id"],
                                              "fixed": fixed[-1] if fixed else None, "status": status}))


main()
