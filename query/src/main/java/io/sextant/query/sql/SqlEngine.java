package io.sextant.query.sql;

import io.sextant.query.Catalog;
import io.sextant.query.ColumnInfo;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.HopQuery;
import io.sextant.query.Plan;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceSummary;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.util.List;

/**
 * Answers questions in the store's SQL. The statement's shape is the same for every store; what
 * differs is in a {@link SqlDialect}. Field names become expressions only after the {@link Catalog}
 * resolved them; values are always bound parameters.
 */
public final class SqlEngine implements Engine {
  private final EventStore store;
  private final SqlTarget target;

  private SqlEngine(EventStore store, SqlTarget target) {
    this.store = store;
    this.target = target;
  }

  /**
   * The engine over {@code store}, whose SQL is {@code sql}, writing in the registered dialect of
   * the name {@code sql} gives (docs/adr/0024-query-packages-and-dialect.md).
   */
  public static SqlEngine of(EventStore store, SqlAccess sql) {
    return new SqlEngine(store, new SqlTarget(sql, SqlDialects.named(sql.dialect())));
  }

  @Override
  public Catalog catalog() throws StoreException {
    return Catalog.of(store.attributeKeys());
  }

  @Override
  public Result run(Question question) throws StoreException {
    long started = System.nanoTime();
    return new QuestionSql(target).answer(Plan.of(question, catalog()), started);
  }

  @Override
  public List<HopQuery.Hop> hops(HopQuery query) throws StoreException {
    return new HopSql(target).hops(query, catalog());
  }

  @Override
  public List<TraceSummary> traces(TraceQuery query) throws StoreException {
    return new TraceSearchSql(target).traces(query, catalog());
  }

  @Override
  public ColumnInfo.Columns columns(TimeRange range) throws StoreException {
    return new SampleSql(target).columns(range, catalog());
  }

  @Override
  public Comparison compare(CompareQuery query) throws StoreException {
    return new SampleSql(target).compare(query, catalog());
  }
}
