package io.sextant.store.clickhouse;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where the ClickHouse store keeps its events.
 *
 * @param url the server's HTTP interface, e.g. {@code http://127.0.0.1:8123}
 * @param database the database of the store's tables, created when missing
 * @param timeout the longest a statement may take before the store reports the server as slow
 * @param cluster the {@code remote_servers} cluster of {@code url}'s server that the events are
 *     sharded over, or null for one server
 * @param shards the HTTP interfaces of that cluster's shards (each gets the local tables), empty
 *     for one server
 */
public record ClickHouseConfig(
    URI url, String database, Duration timeout, String cluster, List<URI> shards) {
  public ClickHouseConfig(URI url, String database, Duration timeout) {
    this(url, database, timeout, null, List.of());
  }

  public ClickHouseConfig {
    shards = List.copyOf(shards);
    if (cluster != null && (!cluster.matches("[A-Za-z_][A-Za-z0-9_]{0,63}") || shards.isEmpty())) {
      throw new IllegalArgumentException(
          "a ClickHouse cluster needs a name of letters, digits and _ and its shards' URLs");
    }
    if (url == null || !"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("the ClickHouse URL must be http://host:port, not " + url);
    }
    if (database == null || !database.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
      throw new IllegalArgumentException(
          "a ClickHouse database name is letters, digits and _, not " + database);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the ClickHouse timeout must be positive");
    }
  }

  public static ClickHouseConfig of(String url, String database) {
    return new ClickHouseConfig(URI.create(url), database, Duration.ofSeconds(60));
  }
}
