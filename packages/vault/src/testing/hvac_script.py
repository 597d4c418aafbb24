"""Drives a Bulwark vault with the real hvac client (Debian python3-hvac).

Usage: python3 hvac_script.py URL VALUE_PREFIX
Prints one JSON object of observations on stdout; the vitest test asserts on them.
"""
import json
import sys

import hvac
from hvac import exceptions

url, prefix = sys.argv[1], sys.argv[2]
out = {}
client = hvac.Client(url=url)

out["initialized_before"] = client.sys.is_initialized()
init = client.sys.initialize(secret_shares=5, secret_threshold=3)
keys, root = init["keys"], init["root_token"]
out["sealed_after_init"] = client.sys.is_sealed()

# wrong shares: three unrelated keys never unseal
try:
    for k in ["00" * 32 + "01", "00" * 32 + "02", "00" * 32 + "03"]:
        client.sys.submit_unseal_key(k)
    out["wrong_shares"] = "accepted"
except exceptions.InvalidRequest as e:
    out["wrong_shares"] = str(e)
out["sealed_after_wrong"] = client.sys.is_sealed()

client.sys.submit_unseal_keys(keys[1:4])
out["sealed_after_unseal"] = client.sys.is_sealed()

client.token = root
client.sys.enable_secrets_engine(backend_type="kv", path="secret", options={"version": "2"})
kv = client.secrets.kv.v2
kv.create_or_update_secret("app/db", secret={"password": prefix + "-v1"}, mount_point="secret")
kv.create_or_update_secret("app/db", secret={"password": prefix + "-v2"}, cas=1, mount_point="secret")
kv.create_or_update_secret("app/api", secret={"key": prefix + "-api"}, mount_point="secret")
kv.create_or_update_secret("other/x", secret={"v": prefix + "-other"}, mount_point="secret")
out["read_latest"] = kv.read_secret_version("app/db", mount_point="secret")["data"]["data"]["password"]
out["read_v1"] = kv.read_secret_version("app/db", version=1, mount_point="secret")["data"]["data"]["password"]
out["list_root"] = kv.list_secrets("", mount_point="secret")["data"]["keys"]
out["list_app"] = kv.list_secrets("app", mount_point="secret")["data"]["keys"]
meta = kv.read_secret_metadata("app/db", mount_point="secret")["data"]
out["current_version"] = meta["current_version"]
out["versions"] = sorted(meta["versions"].keys())

try:
    kv.create_or_update_secret("app/db", secret={"password": "never"}, cas=1, mount_point="secret")
    out["cas_conflict"] = "accepted"
except exceptions.InvalidRequest as e:
    out["cas_conflict"] = str(e)

kv.delete_latest_version_of_secret("app/db", mount_point="secret")
try:
    kv.read_secret_version("app/db", mount_point="secret")
    out["read_after_delete"] = "readable"
except exceptions.InvalidPath:
    out["read_after_delete"] = "404"
kv.undelete_secret_versions("app/db", versions=[2], mount_point="secret")
out["read_after_undelete"] = kv.read_secret_version("app/db", mount_point="secret")["data"]["data"]["password"]
kv.destroy_secret_versions("app/db", versions=[1], mount_point="secret")
try:
    kv.read_secret_version("app/db", version=1, mount_point="secret")
    out["read_destroyed"] = "readable"
except exceptions.InvalidPath:
    out["read_destroyed"] = "404"
out["destroyed_flag"] = kv.read_secret_metadata("app/db", mount_point="secret")["data"]["versions"]["1"]["destroyed"]

client.sys.create_or_update_policy(
    name="app-read",
    policy='path "secret/data/app/*" { capabilities = ["read"] }\npath "secret/metadata/app/*" { capabilities = ["list"] }',
)
try:
    client.sys.create_or_update_policy(name="broken", policy='path "secret/*" { capabilities = ["read" }')
    out["bad_policy"] = "accepted"
except exceptions.InvalidRequest as e:
    out["bad_policy"] = str(e)

child = client.auth.token.create(policies=["app-read"], ttl="1h")["auth"]
out["child_policies"] = child["policies"]
app = hvac.Client(url=url, token=child["client_token"])
out["child_read"] = app.secrets.kv.v2.read_secret_version("app/api", mount_point="secret")["data"]["data"]["key"]
try:
    app.secrets.kv.v2.read_secret_version("other/x", mount_point="secret")
    out["child_denied"] = "readable"
except exceptions.Forbidden as e:
    out["child_denied"] = str(e)
try:
    app.secrets.kv.v2.create_or_update_secret("app/api", secret={"key": "overwrite"}, mount_point="secret")
    out["child_write"] = "accepted"
except exceptions.Forbidden as e:
    out["child_write"] = str(e)
out["lookup_self_ttl_le_3600"] = 0 < app.auth.token.lookup_self()["data"]["ttl"] <= 3600
app.auth.token.renew_self()
client.auth.token.revoke(child["client_token"])
try:
    app.secrets.kv.v2.read_secret_version("app/api", mount_point="secret")
    out["revoked_read"] = "readable"
except exceptions.Forbidden as e:
    out["revoked_read"] = str(e)

client.sys.enable_auth_method(method_type="approle")
client.auth.approle.create_or_update_approle("web", token_policies=["app-read"], token_ttl="10m")
role_id = client.auth.approle.read_role_id("web")["data"]["role_id"]
secret_id = client.auth.approle.generate_secret_id("web")["data"]["secret_id"]
robot = hvac.Client(url=url)
login = robot.auth.approle.login(role_id=role_id, secret_id=secret_id)
out["approle_policies"] = login["auth"]["policies"]
out["approle_read"] = robot.secrets.kv.v2.read_secret_version("app/api", mount_point="secret")["data"]["data"]["key"]
try:
    hvac.Client(url=url).auth.approle.login(role_id=role_id, secret_id="not-the-secret-id")
    out["approle_bad_login"] = "accepted"
except exceptions.InvalidRequest as e:
    out["approle_bad_login"] = str(e)

wrapped = client.read("secret/data/app/api", wrap_ttl="60s")
out["wrapped_has_data"] = wrapped.get("data") is not None
wrap_token = wrapped["wrap_info"]["token"]
out["unwrapped"] = client.sys.unwrap(token=wrap_token)["data"]["data"]["key"]
try:
    client.sys.unwrap(token=wrap_token)
    out["unwrap_twice"] = "accepted"
except exceptions.InvalidRequest as e:
    out["unwrap_twice"] = str(e)

client.sys.seal()
out["sealed_after_seal"] = client.sys.is_sealed()
try:
    kv.read_secret_version("app/api", mount_point="secret")
    out["sealed_read"] = "readable"
except exceptions.VaultDown as e:
    out["sealed_read"] = str(e)

print(json.dumps({"observations": out, "keys": keys, "root": root}))
