-- Every attribute key seen, with where and as which type, so the query engine knows every key
-- exactly without scanning the arrays.
CREATE TABLE IF NOT EXISTS attribute_keys (
  key String,
  origin String,
  type String
) ENGINE = ReplacingMergeTree
ORDER BY (key, origin, type)
