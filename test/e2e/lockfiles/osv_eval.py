"""Independent OSV evaluation for the lockfile end-to-end test.

Reads packages as JSON lines {"ecosystem","name","version"} on stdin and the OSV
mirror's <Ecosystem>/all.zip files; prints {"name","version","id"} for every record
whose affected ranges or versions list include the package version. Version order:
packaging.version for PyPI, semantic versioning (prerelease below release) for npm and
Go. Written apart from Bulwark's matcher on purpose: it shares no code with it.
"""
import json
import re
import sys
import zipfile

from packaging.version import InvalidVersion, Version


def semver_key(v):
    v = v.lstrip("v").split("+")[0]
    core, _, pre = v.partition("-")
    nums = [int(x) if x.isdigit() else 0 for x in core.split(".")] + [0, 0, 0]
    pre_key = (1,) if not pre else (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")))
    return (tuple(nums[:3]), pre_key)


def key_for(eco, v):
    if eco == "PyPI":
        try:
            return Version(v)
        except InvalidVersion:
            return None
    return semver_key(v)


def pypi_norm(n):
    return re.sub(r"[-_.]+", "-", n).lower()


def affected(eco, version, aff):
    if version in aff.get("versions", []):
        return True
    v = key_for(eco, version)
    if v is None:
        return False
    for r in aff.get("ranges", []):
        if r.get("type") not in ("SEMVER", "ECOSYSTEM"):
            continue
        inside = False
        # OSV: events are evaluated in version order, whatever order the record lists them.
        def order(e):
            val = next(iter(e.values()))
            k = key_for(eco, val) if val != "0" else None
            return (0, 0) if k is None else (1, k)

        for e in sorted(r.get("events", []), key=order):
            if "introduced" in e:
                intro = e["introduced"]
                if intro == "0" or key_for(eco, intro) <= v:
                    inside = True
            elif "fixed" in e and key_for(eco, e["fixed"]) is not None and key_for(eco, e["fixed"]) <= v:
                inside = False
            elif "last_affected" in e and key_for(eco, e["last_affected"]) is not None and key_for(eco, e["last_affected"]) < v:
                inside = False
        if inside:
            return True
    return False


def main():
    root = sys.argv[1]
    pkgs = [json.loads(l) for l in sys.stdin if l.strip()]
    by_eco = {}
    for p in pkgs:
        by_eco.setdefault(p["ecosystem"], []).append(p)
    for eco, plist in by_eco.items():
        with zipfile.ZipFile(f"{root}/osv/{eco}/all.zip") as z:
            for name in z.namelist():
                rec = json.loads(z.read(name))
                if rec.get("withdrawn"):
                    continue
                for aff in rec.get("affected", []):
                    pkg = aff.get("package", {})
                    if pkg.get("ecosystem") != eco:
                        continue
                    for p in plist:
                        same = pypi_norm(pkg["name"]) == pypi_norm(p["name"]) if eco == "PyPI" else pkg["name"] == p["name"]
                        if same and affected(eco, p["version"], aff):
                            print(json.dumps({"name": p["name"], "version": p["version"], "id": rec["id"]}))


main()
