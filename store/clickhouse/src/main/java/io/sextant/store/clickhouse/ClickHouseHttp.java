package io.sextant.store.clickhouse;

import io.sextant.store.spi.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * ClickHouse's HTTP interface, plainly: a statement in the body (or in the URL for an INSERT, whose
 * rows are the body), settings in the URL. The official Java clients need newer servers; this talks
 * to 18.16 and to current releases alike. Answers are read whole (with {@code wait_end_of_query},
 * so an error late in a query is a status code, not a truncated body) and limited in size.
 */
final class ClickHouseHttp {
  /** No answer the store asks for is larger; a bigger one is refused, not buffered. */
  static final long MAX_ANSWER_BYTES = 256L << 20;

  private final URI base;
  private final String database;
  private final HttpClient client;
  private final Duration timeout;

  ClickHouseHttp(URI base, String database, Duration timeout) {
    this.base = base;
    this.database = database;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  String database() {
    return database;
  }

  /** Runs {@code sql} (DDL or a SELECT with its FORMAT) and returns the answer's text. */
  String query(String sql) throws StoreException {
    return query(sql, true);
  }

  /** Runs {@code sql} on the server, in this store's database or in none (to create it). */
  String query(String sql, boolean inDatabase) throws StoreException {
    HttpRequest request =
        HttpRequest.newBuilder(uri(inDatabase ? database : null, null))
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
            .build();
    return new String(send(request, sql), StandardCharsets.UTF_8);
  }

  /** Runs a SELECT and reads its answer. */
  TsvRows select(String statement) throws StoreException {
    String text = query(statement + " FORMAT TSVWithNamesAndTypes");
    try {
      return TsvRows.parse(text);
    } catch (SQLException e) {
      throw new StoreException("reading ClickHouse's answer failed: " + e.getMessage(), e);
    }
  }

  /** Sends {@code rows} in {@code format} to {@code INSERT INTO table (columns)}. */
  void insert(String table, String columns, String format, byte[] rows, int length)
      throws StoreException {
    String sql = "INSERT INTO " + table + " (" + columns + ") FORMAT " + format;
    HttpRequest request =
        HttpRequest.newBuilder(uri(database, sql))
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(rows, 0, length))
            .build();
    send(request, "INSERT INTO " + table);
  }

  private byte[] send(HttpRequest request, String what) throws StoreException {
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_ANSWER_BYTES + 1));
      }
      if (body.length > MAX_ANSWER_BYTES) {
        throw new StoreException(
            "ClickHouse answered more than " + MAX_ANSWER_BYTES + " bytes to " + brief(what));
      }
      if (response.statusCode() != 200) {
        throw new StoreException(
            "ClickHouse refused "
                + brief(what)
                + " (HTTP "
                + response.statusCode()
                + "): "
                + new String(body, StandardCharsets.UTF_8).strip());
      }
      return body;
    } catch (IOException e) {
      throw new StoreException("ClickHouse at " + base + " does not answer: " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for ClickHouse", e);
    }
  }

  private static String brief(String sql) {
    String s = sql.strip().replaceAll("\\s+", " ");
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  private URI uri(String db, String query) {
    StringBuilder q = new StringBuilder("?");
    Map<String, String> settings =
        Map.of(
            "wait_end_of_query", "1",
            // LEFT JOINs give NULL, not the type's default, for a row without a match.
            "join_use_nulls", "1",
            // Over a cluster: an INSERT answers once every shard stored its rows, and a join's
            // subquery over the Distributed table runs once, globally (a call's child span may be
            // on another shard).
            "insert_distributed_sync", "1",
            "distributed_product_mode", "global");
    settings.forEach((k, v) -> q.append(k).append('=').append(v).append('&'));
    if (db != null) {
      q.append("database=").append(encode(db)).append('&');
    }
    if (query != null) {
      q.append("query=").append(encode(query)).append('&');
    }
    q.setLength(q.length() - 1);
    return base.resolve("/" + q);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The JDK's HTTP client throws a ConnectException without a message for a refused connection. */
  private static String reason(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
  }
}
