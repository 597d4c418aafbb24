#!/usr/bin/env python3
"""A hostile registry for the CLI hostile-input suite (issue 11, defects 4 and 5).

Modes (argv[1]):
  realm    every registry request answers 401 with a Bearer challenge whose realm is a second
           listener on another port over plain HTTP; the token listener logs what it receives.
  endless  a valid manifest and config, then a layer blob that never stops sending.
  trickle  a valid manifest and config, then a layer blob sent one byte a second.
Prints "PORT [TOKEN_PORT]" on its first line, then serves until killed.
Hand-written because no registry here can be made to misbehave on purpose.
"""
import hashlib, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
LOG = sys.argv[2] if len(sys.argv) > 2 else "/dev/null"
LAYER = b"\0" * 10240  # an empty tar: two zero blocks, padded to a record
CONFIG = json.dumps({
    "architecture": "amd64", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(LAYER).hexdigest()]},
}).encode()
def digest(b): return "sha256:" + hashlib.sha256(b).hexdigest()
MANIFEST = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(CONFIG), "size": len(CONFIG)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest(LAYER), "size": len(LAYER)}],
}).encode()

class Token(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        with open(LOG, "a") as f:
            f.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization")}) + "\n")
        body = json.dumps({"token": "t"}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)

token_server = ThreadingHTTPServer(("127.0.0.1", 0), Token)

class Registry(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body, ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype); self.send_header("Content-Length", str(len(body)))
        for k, v in extra: self.send_header(k, v)
        self.end_headers(); self.wfile.write(body)
    def do_HEAD(self): self.do_GET()
    def do_GET(self):
        if MODE == "realm":
            realm = f'Bearer realm="http://127.0.0.1:{token_server.server_address[1]}/token",service="hostile"'
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', extra=[("WWW-Authenticate", realm)])
        if self.path == "/v2/": return self.send(200, b"{}")
        if "/manifests/" in self.path:
            return self.send(200, MANIFEST, "application/vnd.oci.image.manifest.v1+json",
                             [("Docker-Content-Digest", digest(MANIFEST))])
        if self.path.endswith(digest(CONFIG)): return self.send(200, CONFIG, "application/octet-stream")
        if self.path.endswith(digest(LAYER)):
            self.send_response(200); self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Connection", "close"); self.end_headers()
            try:
                while True:
                    if MODE == "endless": self.wfile.write(b"\1" * 65536)
                    else: self.wfile.write(b"\0"); self.wfile.flush(); time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                return
        self.send(404, b'{"errors":[{"code":"NOT_FOUND"}]}')

registry = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
threading.Thread(target=token_server.serve_forever, daemon=True).start()
print(registry.server_address[1], token_server.server_address[1], flush=True)
registry.serve_forever()
