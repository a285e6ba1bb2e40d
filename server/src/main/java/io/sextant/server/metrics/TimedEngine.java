package io.sextant.server.metrics;

import io.sextant.query.Catalog;
import io.sextant.query.ColumnInfo;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.HopQuery;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceSummary;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.util.List;

/** An engine whose answers are timed into {@code sextant_query_seconds}. */
public final class TimedEngine implements Engine {
  private final Engine delegate;
  private final SelfMetrics metrics;

  public TimedEngine(Engine delegate, SelfMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public Result run(Question question) throws StoreException {
    return metrics.time("question", () -> delegate.run(question));
  }

  @Override
  public List<TraceSummary> traces(TraceQuery query) throws StoreException {
    return metrics.time("traces", () -> delegate.traces(query));
  }

  @Override
  public Comparison compare(CompareQuery query) throws StoreException {
    return metrics.time("compare", () -> delegate.compare(query));
  }

  @Override
  public ColumnInfo.Columns columns(TimeRange range) throws StoreException {
    return metrics.time("columns", () -> delegate.columns(range));
  }

  @Override
  public List<HopQuery.Hop> hops(HopQuery query) throws StoreException {
    return metrics.time("hops", () -> delegate.hops(query));
  }

  @Override
  public Catalog catalog() throws StoreException {
    return delegate.catalog();
  }
}
