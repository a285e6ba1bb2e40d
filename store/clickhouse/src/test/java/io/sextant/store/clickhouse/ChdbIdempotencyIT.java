package io.sextant.store.clickhouse;

import java.nio.file.Path;

/** A redelivered batch is stored once, on current ClickHouse. */
class ChdbIdempotencyIT extends ClickHouseIdempotencyIT {
  @Override
  ClickHouseEventStore open(Path dir) throws Exception {
    return (ClickHouseEventStore) ChdbServer.open(dir);
  }
}
