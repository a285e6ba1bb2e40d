-- Where each trace's events lie in time: one row per trace per batch, ordered by trace id, so
-- reading a trace reads a few granules here, then only that time slice of the events.
CREATE TABLE IF NOT EXISTS trace_index (
  trace_id String,
  first Int64,
  last Int64
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(last, 86400000000000)
ORDER BY (trace_id, first, last)
