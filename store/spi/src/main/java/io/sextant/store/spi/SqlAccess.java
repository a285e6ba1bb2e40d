package io.sextant.store.spi;

import io.sextant.model.Tenant;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Read-only SQL over a store's events, for the query engine: the store says how its events are laid
 * out and runs the statements; the engine writes them in the store's {@link #dialect()}. Only the
 * engine calls this, with values as bound parameters, never text from a user.
 */
public interface SqlAccess {

  /** The SQL dialect, e.g. {@code duckdb}; the query engine picks its SQL writer by it. */
  String dialect();

  /** Where each field lives. */
  SqlLayout layout();

  /** Runs one SELECT with {@code params} bound in order and hands its rows to {@code reader}. */
  <T> T select(String sql, List<?> params, RowReader<T> reader) throws StoreException;

  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  /**
   * How events are laid out in SQL.
   *
   * @param eventsTable the table of events; queries alias it as {@code e}
   * @param columns fields with a column of their own, by field name (core fields such as {@code
   *     duration}, and promoted attribute keys such as {@code http.route}), as SQL expressions over
   *     {@code e}
   * @param recordAttributes the expression of the JSON object holding the other span and log
   *     attributes
   * @param resourcesTable the table of resources, joined as {@code r} on {@code r.id =
   *     e.<resourceIdColumn>}
   * @param resourceIdColumn the events' column that refers to a resource
   * @param resourceAttributes the expression over {@code r} of a resource's JSON attribute object
   * @param tenant when not null, the only tenant whose events this layout may read: every statement
   *     over {@code eventsTable} must hold its condition ({@link TenantScope})
   * @param partitions when not null, how the events are split into files by time (the Parquet
   *     archive): statements over a time range add its condition, so only that range's files are
   *     read
   */
  record SqlLayout(
      String eventsTable,
      Map<String, SqlColumn> columns,
      String recordAttributes,
      String resourcesTable,
      String resourceIdColumn,
      String resourceAttributes,
      TenantScope tenant,
      TimePartitions partitions) {

    /** A layout of one table, not split into files by time. */
    public SqlLayout(
        String eventsTable,
        Map<String, SqlColumn> columns,
        String recordAttributes,
        String resourcesTable,
        String resourceIdColumn,
        String resourceAttributes,
        TenantScope tenant) {
      this(
          eventsTable,
          columns,
          recordAttributes,
          resourcesTable,
          resourceIdColumn,
          resourceAttributes,
          tenant,
          null);
    }

    /** This layout, reading only {@code tenant}'s events, whose tenant is in {@code column}. */
    public SqlLayout forTenant(String column, String tenant) {
      return new SqlLayout(
          eventsTable,
          columns,
          recordAttributes,
          resourcesTable,
          resourceIdColumn,
          resourceAttributes,
          new TenantScope(column, tenant),
          partitions);
    }
  }

  /**
   * Events kept in files by time, whose partition columns the engine filters beside the events'
   * time so that the reader skips whole files (DuckDB prunes Hive-style directories on conditions
   * over their partition columns alone).
   */
  @FunctionalInterface
  interface TimePartitions {
    /**
     * A condition over {@code alias} that holds for every event with a time in {@code [from, to)}
     * (it may hold for more); literal values only, no parameters, so the reader can prune files
     * while planning.
     */
    String condition(String alias, long fromUnixNano, long toUnixNano);
  }

  /**
   * The condition a tenant's reads carry: {@code <alias>.<column> = ?} with {@code tenant} bound,
   * for every alias the events table is read under.
   *
   * @param column the events table's tenant column, quoted as the dialect needs
   * @param tenant the tenant's name
   */
  record TenantScope(String column, String tenant) {
    public TenantScope {
      Objects.requireNonNull(column, "column");
      Tenant.check(tenant);
    }
  }

  /**
   * A field stored in a column.
   *
   * @param sql the expression, e.g. {@code e."http.route"}
   * @param type its type; a TIMESTAMP or NUMBER duration column holds nanoseconds
   * @param complete whether the column holds every value of its type; false for a column the store
   *     learned from the data (events stored before it keep the key in the attributes object, so a
   *     read takes the column or, where it is empty, the object)
   */
  record SqlColumn(String sql, FieldType type, boolean complete) {
    /** A column that holds every value of its type. */
    public SqlColumn(String sql, FieldType type) {
      this(sql, type, true);
    }
  }
}
