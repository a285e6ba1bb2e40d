package io.sextant.server.api;

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
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The archive's engine for a time range older than the hot store's retention, the hot store's for
 * the others (docs/adr/0020-parquet-archive.md). A range that reaches across the cutoff is the hot
 * store's: it answers for what it holds, and the two are not merged yet.
 */
public final class ArchiveRouting implements Engine {
  private final Engine hot;
  private final Engine archive;
  private final Duration retention;
  private final Clock clock;

  public ArchiveRouting(Engine hot, Engine archive, Duration retention, Clock clock) {
    this.hot = hot;
    this.archive = archive;
    this.retention = retention;
    this.clock = clock;
  }

  /** The engine for {@code range}: the archive's when it ends before the retention cutoff. */
  Engine of(TimeRange range) {
    long cutoff = clock.instant().minus(retention).toEpochMilli() * 1_000_000L;
    return range.toUnixNano() <= cutoff ? archive : hot;
  }

  @Override
  public Result run(Question question) throws StoreException {
    return of(question.range()).run(question);
  }

  @Override
  public List<TraceSummary> traces(TraceQuery query) throws StoreException {
    return of(query.range()).traces(query);
  }

  @Override
  public Comparison compare(CompareQuery query) throws StoreException {
    return of(query.range()).compare(query);
  }

  @Override
  public ColumnInfo.Columns columns(TimeRange range) throws StoreException {
    return of(range).columns(range);
  }

  @Override
  public List<HopQuery.Hop> hops(HopQuery query) throws StoreException {
    return of(query.range()).hops(query);
  }

  @Override
  public Catalog catalog() throws StoreException {
    return hot.catalog();
  }
}
