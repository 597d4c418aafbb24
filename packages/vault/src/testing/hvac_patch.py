"""KV v2 patch with the real hvac client (Debian python3-hvac) against a Bulwark vault.

Usage: python3 hvac_patch.py URL ROOT_TOKEN VALUE_PREFIX   (KV v2 mounted at secret/)
hvac 0.11's kv.v2.patch reads and writes back with check-and-set; the server-side
PATCH (merge patch) goes through hvac's own adapter. Prints JSON observations.
"""
import json
import sys

import hvac
from hvac import exceptions

url, root, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
client = hvac.Client(url=url, token=root)
kv = client.secrets.kv.v2
MERGE = {"Content-Type": "application/merge-patch+json"}

kv.create_or_update_secret("svc/api", secret={"user": "svc", "key": prefix + "-1"}, mount_point="secret")
kv.patch("svc/api", {"key": prefix + "-2", "region": "eu"}, mount_point="secret")
got = kv.read_secret_version("svc/api", mount_point="secret")["data"]
out["client_patch"] = got["data"]
out["client_patch_version"] = got["metadata"]["version"]

# server-side merge patch: null removes a field
res = client.adapter.request(
    "patch", "v1/secret/data/svc/api", headers=MERGE,
    json={"data": {"region": None, "key": prefix + "-3"}, "options": {"cas": 2}},
)
out["server_patch_version"] = res["data"]["version"]
out["server_patch"] = kv.read_secret_version("svc/api", mount_point="secret")["data"]["data"]

try:
    client.adapter.request("patch", "v1/secret/data/svc/api", headers=MERGE,
                           json={"data": {"key": "x"}, "options": {"cas": 1}})
    out["cas_conflict"] = "accepted"
except exceptions.InvalidRequest as e:
    out["cas_conflict"] = str(e)

try:
    client.adapter.request("patch", "v1/secret/data/svc/missing", headers=MERGE, json={"data": {"k": "v"}})
    out["missing"] = "accepted"
except exceptions.InvalidPath:
    out["missing"] = "404"

try:
    client.adapter.request("patch", "v1/secret/data/svc/api", json={"data": {"k": "v"}})
    out["wrong_type"] = "accepted"
except exceptions.VaultError as e:
    out["wrong_type"] = str(e)

# a token whose policy grants update but not patch is refused; patch alone is enough
client.sys.create_or_update_policy("upd", 'path "secret/data/svc/*" { capabilities = ["read", "update"] }')
client.sys.create_or_update_policy("pat", 'path "secret/data/svc/*" { capabilities = ["read", "patch"] }')
for name in ["upd", "pat"]:
    tok = client.auth.token.create(policies=[name], ttl="10m")["auth"]["client_token"]
    c = hvac.Client(url=url, token=tok)
    try:
        c.adapter.request("patch", "v1/secret/data/svc/api", headers=MERGE, json={"data": {"by": name}})
        out["policy_" + name] = "ok"
    except exceptions.Forbidden as e:
        out["policy_" + name] = str(e)

# metadata patch: custom_metadata merged, other fields kept
# (hvac 0.11's update_metadata has no custom_metadata parameter yet: its adapter posts it)
client.adapter.request("post", "v1/secret/metadata/svc/api",
                       json={"max_versions": 7, "custom_metadata": {"owner": "team-a", "tier": "1"}})
client.adapter.request("patch", "v1/secret/metadata/svc/api", headers=MERGE,
                       json={"custom_metadata": {"tier": None, "env": "prod"}})
meta = kv.read_secret_metadata("svc/api", mount_point="secret")["data"]
out["meta_custom"] = meta["custom_metadata"]
out["meta_max_versions"] = meta["max_versions"]

print(json.dumps({"observations": out}))
