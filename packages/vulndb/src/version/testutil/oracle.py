# Native version-comparison oracle for Bulwark's differential tests.
# Reads one JSON value per line ([a, b] pairs, or strings for pep440-valid) on stdin and prints one result per line:
# -1, 0 or 1, or "E" when the native implementation rejects an input.
# Modes: apt (apt_pkg.version_compare), rpm (rpm.labelCompare),
# pep440 (packaging.version.Version ordering), pep440-valid (one version per line, prints 1/0).
import json
import sys


def sgn(n):
    return (n > 0) - (n < 0)


def evr(s):
    # Split as Bulwark does: an epoch only when all digits before the first colon.
    epoch = "0"
    head, sep, tail = s.partition(":")
    if sep and head.isdigit() and head.isascii():
        epoch, s = head, tail
    release = None
    if "-" in s:
        s, release = s.rsplit("-", 1)
    return (epoch, s, release)


def main():
    mode = sys.argv[1]
    out = []
    if mode == "apt":
        import apt_pkg
        apt_pkg.init_system()
        cmp = lambda a, b: sgn(apt_pkg.version_compare(a, b))
    elif mode == "rpm":
        import rpm
        cmp = lambda a, b: sgn(rpm.labelCompare(evr(a), evr(b)))
    elif mode == "pep440":
        from packaging.version import Version
        cmp = lambda a, b: (Version(a) > Version(b)) - (Version(a) < Version(b))
    elif mode == "pep440-valid":
        from packaging.version import Version, InvalidVersion
        for line in sys.stdin.read().split("\n")[:-1]:
            try:
                Version(json.loads(line))
                out.append("1")
            except InvalidVersion:
                out.append("0")
        sys.stdout.write("\n".join(out) + "\n")
        return
    else:
        raise SystemExit("unknown mode " + mode)
    for line in sys.stdin.read().split("\n")[:-1]:
        a, b = json.loads(line)
        try:
            out.append(str(cmp(a, b)))
        except Exception:
            out.append("E")
    sys.stdout.write("\n".join(out) + "\n")


main()
