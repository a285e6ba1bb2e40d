package io.sextant.query.sql;

import io.sextant.query.QueryException;
import io.sextant.store.spi.SqlAccess;
import java.util.ArrayList;
import java.util.List;

/**
 * The store as the statements see it: how it runs SQL, the dialect they are written in, and where
 * each field lives.
 */
record SqlTarget(SqlAccess sql, SqlDialect dialect) {

  /**
   * The store's layout now: a store may add columns it learned from the data (always additive, so
   * statements written against an earlier layout stay right).
   */
  SqlAccess.SqlLayout layout() {
    return sql.layout();
  }

  Statement statement() {
    return new Statement(this);
  }

  String positions(int from, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(dialect.position(from + i));
    }
    return String.join(", ", out);
  }

  /** The select items, each with the dialect's alias after it. */
  String selectList(List<String> items) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      out.append(i > 0 ? ", " : "").append(items.get(i)).append(dialect.alias(i + 1));
    }
    return out.toString();
  }

  /** The tenant column of the events read under {@code alias}, for a tenant's layout. */
  String tenantColumn(String alias) {
    return alias + "." + layout().tenant().column();
  }

  /** A core column's expression over the events aliased {@code alias} instead of {@code e}. */
  String core(String field, String alias) {
    String sqlText = layout().columns().get(field).sql();
    if (!sqlText.startsWith("e.")) {
      throw new QueryException("the column of " + field + " is not a plain column: " + sqlText);
    }
    return alias + sqlText.substring(1);
  }

  /** Where a row's record and resource attributes start in the select list (from 1). */
  record AttributeColumns(int record, int resource) {}

  /** Adds the columns of a row's record and resource attributes to {@code select}. */
  AttributeColumns attributeColumns(List<String> select) {
    int record = select.size() + 1;
    select.addAll(dialect.attributeColumns(layout().recordAttributes()));
    int resource = select.size() + 1;
    select.addAll(dialect.attributeColumns(layout().resourceAttributes()));
    return new AttributeColumns(record, resource);
  }
}
