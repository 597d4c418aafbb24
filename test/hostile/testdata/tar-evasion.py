#!/usr/bin/env python3
"""A docker-archive that hides its packages behind tar semantics a runtime honours (issue 11,
defect 2): the outer archive's layer.tar member has a wrong ustar size field and a PAX `size=`
giving the real one (as Go's tar writer emits for layers over 8 GiB), and inside the layer
the dpkg status file's ustar name is a decoy while PAX `path=` names the real file.

Usage: tar-evasion.py OUT.tar. Written with Python's tarfile; the one field no writer gets
wrong on purpose (the outer size) is patched afterwards and its checksum recomputed.
"""
import hashlib, io, json, sys, tarfile

STATUS = b"""Package: evil-hidden
Status: install ok installed
Version: 1.0-1
Architecture: amd64
Description: hidden from a reader that ignores PAX path=

"""
OS_RELEASE = b'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'


def member(tf, name, data, pax=None):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1700000000
    if pax:
        info.pax_headers = pax
    tf.addfile(info, io.BytesIO(data))


layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tf:
    member(tf, "etc/os-release", OS_RELEASE)
    member(tf, "decoy.txt", STATUS, {"path": "var/lib/dpkg/status"})
layer_bytes = layer.getvalue()
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer_bytes).hexdigest()]},
}).encode()
manifest = json.dumps([{"Config": "config.json", "RepoTags": ["hostile/evasion:1"], "Layers": ["layer.tar"]}]).encode()

outer = io.BytesIO()
with tarfile.open(fileobj=outer, mode="w", format=tarfile.PAX_FORMAT) as tf:
    member(tf, "manifest.json", manifest)
    member(tf, "config.json", config)
    member(tf, "layer.tar", layer_bytes, {"size": str(len(layer_bytes))})
data = bytearray(outer.getvalue())

# Find layer.tar's ustar header (after its PAX header) and make its size field lie.
pos = 0
while pos + 512 <= len(data):
    header = data[pos : pos + 512]
    size = int(header[124:136].rstrip(b"\0 ") or b"0", 8)
    if header[0:100].rstrip(b"\0") == b"layer.tar" and header[156:157] == b"0":
        data[pos + 124 : pos + 136] = b"%011o\0" % 512
        data[pos + 148 : pos + 156] = b" " * 8
        data[pos + 148 : pos + 156] = b"%06o\0 " % sum(data[pos : pos + 512])
        break
    pos += 512 + (size + 511) // 512 * 512
else:
    sys.exit("layer.tar header not found")
open(sys.argv[1], "wb").write(bytes(data))
