package io.sextant.store.duckdb;

import java.nio.file.Path;

/**
 * Settings of the embedded store.
 *
 * @param directory where the database file {@code sextant.duckdb} lives; created if missing
 * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 2GB}
 * @param threads DuckDB worker threads; 0 means one per core
 */
public record DuckDbConfig(Path directory, String memoryLimit, int threads) {
  public static final String FILE_NAME = "sextant.duckdb";

  public static DuckDbConfig defaults(Path directory) {
    return new DuckDbConfig(directory, "2GB", 0);
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
    return this;
  }

  Path file() {
    return directory.resolve(FILE_NAME);
  }
}
