# application policy
path "secret/data/app/*" {
  capabilities = ["create", "read", "update", "list"]
}
path "secret/metadata/app/+/config" {
  capabilities = ["read"]
}
path "sys/*" {
  capabilities = ["deny"]
}
