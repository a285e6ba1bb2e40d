-- Retention by TTL, applied only when a retention is configured and the server has TTL (19.6 and
-- newer); on 18.16 the store deletes old days itself (deleteBefore drops whole day partitions).
-- ${days} is the retention in whole days.
ALTER TABLE events MODIFY TTL toDateTime(intDiv(time, 1000000000)) + INTERVAL ${days} DAY
