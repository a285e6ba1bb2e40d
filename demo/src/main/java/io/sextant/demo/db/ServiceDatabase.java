package io.sextant.demo.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry;
import io.sextant.client.TracerBulletDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A service's connection to its own database: a HikariCP pool, the client kit's tracer-bullet
 * guard, and OpenTelemetry's JDBC instrumentation outermost, so every statement is a client span
 * with {@code db.system}, {@code db.namespace}, {@code server.address} and {@code server.port}, and
 * the guard marks that span.
 */
public final class ServiceDatabase implements AutoCloseable {
  private final DatabaseServer server;
  private final HikariDataSource pool;
  private final DataSource dataSource;
  private final List<Connection> held = new ArrayList<>();

  public ServiceDatabase(DatabaseServer server, OpenTelemetry otel, int poolSize) {
    this.server = server;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setUsername("sa");
    config.setPassword("");
    config.setPoolName(server.component());
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(1_000);
    config.setValidationTimeout(500);
    config.setInitializationFailTimeout(-1);
    this.pool = new HikariDataSource(config);
    this.dataSource =
        JdbcTelemetry.builder(otel)
            .setQuerySanitizationEnabled(true)
            .build()
            .wrap(TracerBulletDataSource.wrap(pool));
  }

  public DatabaseServer server() {
    return server;
  }

  /** Rows of {@code sql} as column-name → value maps (names lower-case). */
  public List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement p = prepare(c, sql, args);
        ResultSet rs = p.executeQuery()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  public int update(String sql, Object... args) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement p = prepare(c, sql, args)) {
      return p.executeUpdate();
    }
  }

  /** Runs {@code work} in one transaction on one connection. */
  public <T> T transaction(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  public static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      p.setObject(i + 1, args[i]);
    }
    return p;
  }

  /** Whether a connection can be had and is valid: the health check's probe. */
  public boolean ping() throws SQLException {
    try (Connection c = pool.getConnection()) {
      return c.isValid(1);
    }
  }

  /** Pool exhaustion: borrows every connection and keeps them until {@link #releaseAll()}. */
  public synchronized void exhaust() {
    for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
      try {
        held.add(pool.getConnection());
      } catch (SQLException e) {
        break;
      }
    }
  }

  public synchronized void releaseAll() {
    for (Connection c : held) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // returning to the pool; a broken one is evicted by Hikari
      }
    }
    held.clear();
  }

  @Override
  public void close() {
    releaseAll();
    pool.close();
  }
}
