package io.sextant.query.testkit;

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
import java.util.concurrent.atomic.AtomicLong;

/**
 * An engine counting the questions ({@link #run}) it is asked and answering them from another: for
 * tests and benchmarks that check how often something asks the store.
 */
public final class CountingEngine implements Engine {
  private final Engine engine;
  private final AtomicLong questions = new AtomicLong();

  public CountingEngine(Engine engine) {
    this.engine = engine;
  }

  /** The questions asked so far (since the last {@link #resetQuestions}). */
  public long questions() {
    return questions.get();
  }

  /** Starts counting again from 0; returns the questions counted until now. */
  public long resetQuestions() {
    return questions.getAndSet(0);
  }

  @Override
  public Result run(Question q) throws StoreException {
    questions.incrementAndGet();
    return engine.run(q);
  }

  @Override
  public List<TraceSummary> traces(TraceQuery q) throws StoreException {
    return engine.traces(q);
  }

  @Override
  public Comparison compare(CompareQuery q) throws StoreException {
    return engine.compare(q);
  }

  @Override
  public ColumnInfo.Columns columns(TimeRange range) throws StoreException {
    return engine.columns(range);
  }

  @Override
  public List<HopQuery.Hop> hops(HopQuery q) throws StoreException {
    return engine.hops(q);
  }

  @Override
  public Catalog catalog() throws StoreException {
    return engine.catalog();
  }
}
