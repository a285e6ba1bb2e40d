package io.sextant.store.duckdb;

import java.nio.file.Path;

/**
 * Settings of the embedded store.
 *
 * @param directory where the database file {@code sextant.duckdb} lives; created if missing
 * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 2GB}
 * @param threads DuckDB worker threads; 0 means one per core
 * @param learning which attribute keys get typed columns of their own, learned from the data
 */
public record DuckDbConfig(Path directory, String memoryLimit, int threads, Learning learning) {
  public static final String FILE_NAME = "sextant.duckdb";

  /** With the default learning. */
  public DuckDbConfig(Path directory, String memoryLimit, int threads) {
    this(directory, memoryLimit, threads, Learning.DEFAULT);
  }

  public static DuckDbConfig defaults(Path directory) {
    return new DuckDbConfig(directory, "2GB", 0);
  }

  /** These settings with {@code learning}. */
  public DuckDbConfig withLearning(Learning learning) {
    return new DuckDbConfig(directory, memoryLimit, threads, learning);
  }

  /**
   * How the store learns typed columns (docs/adr/0022-learned-columns.md): after every {@code
   * everyRows} events written, each attribute key held by at least {@code share} of them, as one
   * type, gets a column, until there are {@code max} learned columns.
   *
   * @param everyRows the window, in events; by default one DuckDB row group, so a column starts at
   *     a row group's boundary
   * @param share the fraction of the window's events that must hold the key, in (0, 1]
   * @param max the most learned columns; 0 learns none
   */
  public record Learning(int everyRows, double share, int max) {
    public static final Learning DEFAULT = new Learning(DuckDbEventStore.ROW_GROUP_ROWS, 0.2, 32);
    public static final Learning OFF = new Learning(DuckDbEventStore.ROW_GROUP_ROWS, 1, 0);

    public Learning {
      if (everyRows < 1) {
        throw new IllegalArgumentException("learning.every-rows must be at least 1");
      }
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("learning.share must be in (0, 1], got " + share);
      }
      if (max < 0 || max > 256) {
        throw new IllegalArgumentException("learning.max must be 0 to 256, got " + max);
      }
    }
  }

  public DuckDbConfig validate() {
    if (directory == null) {
      throw new IllegalArgumentException("store.directory must be set");
    }
    if (memoryLimit == null || !memoryLimit.matches("\\d+(\\.\\d+)?\\s*[KMGT]?i?B")) {
      throw new IllegalArgumentException(
          "store.memory-limit must look like 512MB or 2GB, got: " + memoryLimit);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("store.threads must be 0 (one per core) or more");
    }
    if (learning == null) {
      throw new IllegalArgumentException("store.learning must be set");
    }
    return this;
  }

  /** The database file, {@value #FILE_NAME} in {@code directory}. */
  public Path file() {
    return directory.resolve(FILE_NAME);
  }
}
