package io.sextant.query.sql;

import io.sextant.query.QueryException;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The SQL dialects on the class path, each registered by its own line in {@code
 * META-INF/services/io.sextant.query.sql.SqlDialect} and found by the name a store gives its SQL.
 * Loaded once; the engine lists no dialect of its own
 * (docs/adr/0024-query-packages-and-dialect.md).
 */
final class SqlDialects {
  private static final List<SqlDialect> REGISTERED =
      ServiceLoader.load(SqlDialect.class, SqlDialect.class.getClassLoader()).stream()
          .map(ServiceLoader.Provider::get)
          .toList();

  private SqlDialects() {}

  /** The dialect named {@code name}, or a QueryException when none or more than one is. */
  static SqlDialect named(String name) {
    List<SqlDialect> found = REGISTERED.stream().filter(d -> d.name().equals(name)).toList();
    if (found.isEmpty()) {
      throw new QueryException("no SQL writer for the dialect " + name);
    }
    if (found.size() > 1) {
      throw new QueryException(
          "more than one SQL writer is registered for the dialect "
              + name
              + ": "
              + found.stream().map(d -> d.getClass().getName()).toList());
    }
    return found.get(0);
  }
}
