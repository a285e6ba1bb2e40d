-- Every attribute key seen, per tenant (a tenant's columns are its own), with where and as which
-- type, so the query engine knows every key exactly without scanning the arrays. Databases made
-- before tenants kept the keys in attribute_keys (no tenant); the store copies them here as the
-- default tenant's on open and drops that table.
CREATE TABLE IF NOT EXISTS tenant_keys (
  tenant String,
  key String,
  origin String,
  type String
) ENGINE = ReplacingMergeTree
ORDER BY (tenant, key, origin, type)
