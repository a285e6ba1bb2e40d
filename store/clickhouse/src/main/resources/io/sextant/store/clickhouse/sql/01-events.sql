-- Every span, log record and metric point, one wide row each (docs/adr/0015-clickhouse-store.md).
-- Valid on ClickHouse 18.16 and on current releases: no column codecs and no TTL here (both came
-- in 19.x); compression is ZSTD by the server's <compression> setting, and 05-ttl.sql adds TTL
-- where the server has it. ReplacingMergeTree with the event key last in the sorting key: an
-- event written twice (a retry, a redelivery) is one row once merged, and reads use FINAL. The
-- event key of a tenant other than the default one holds the tenant (ClickHouseEventStore.encode),
-- so two tenants' spans with the same trace and span id stay two rows. sextant_tenant is whose
-- event it is (Sextant's tenant, not the user attribute in the tenant column); it is last, so
-- tables made before tenants gain it by an ALTER TABLE ADD COLUMN on open (18.16 has no IF NOT
-- EXISTS there: the store asks system.columns first), their rows being the default tenant's.
CREATE TABLE IF NOT EXISTS events (
  time Int64,
  event_key UInt64,
  kind String,
  trace_id Nullable(String),
  span_id Nullable(String),
  parent_span_id Nullable(String),
  service_name String,
  name String,
  span_kind Nullable(String),
  duration Nullable(Int64),
  status Nullable(String),
  status_message Nullable(String),
  severity_number Nullable(Int32),
  severity_text Nullable(String),
  body Nullable(String),
  error UInt8,
  trace_state String,
  flags Int32,
  service_version Nullable(String),
  host_name Nullable(String),
  deployment_environment_name Nullable(String),
  http_request_method Nullable(String),
  http_route Nullable(String),
  http_response_status_code Nullable(Int64),
  url_path Nullable(String),
  server_address Nullable(String),
  server_port Nullable(Int64),
  peer_service Nullable(String),
  db_system Nullable(String),
  db_namespace Nullable(String),
  messaging_system Nullable(String),
  messaging_destination_name Nullable(String),
  error_type Nullable(String),
  user_id Nullable(String),
  account_id Nullable(String),
  session_id Nullable(String),
  request_type Nullable(String),
  tenant Nullable(String),
  attr_keys Array(String),
  attr_types Array(UInt8),
  attr_strs Array(String),
  attr_nums Array(Nullable(Float64)),
  res_keys Array(String),
  res_types Array(UInt8),
  res_strs Array(String),
  res_nums Array(Nullable(Float64)),
  scope String,
  span_events String,
  links String,
  sextant_tenant String DEFAULT 'default'
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(time, 86400000000000)
ORDER BY (service_name, time, event_key)
SAMPLE BY event_key
