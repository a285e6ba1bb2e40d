package io.sextant.query;

import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.util.List;

/**
 * Answers questions over one store: in SQL when the store speaks SQL, by evaluating in memory when
 * it can hand over its events (the reference store). Thread-safe. {@link Engines#of} picks the one
 * for a store.
 */
public interface Engine {

  Result run(Question question) throws StoreException;

  /** The traces with a span or log matching {@code where} in {@code range}, latest first. */
  List<TraceSummary> traces(TraceQuery query) throws StoreException;

  /** The attributes whose values differ most between a selection and the rest (BubbleUp). */
  Comparison compare(CompareQuery query) throws StoreException;

  /**
   * Every queryable field with its type, and over a sample of the events of {@code range} how often
   * it is present, how many distinct values it has and its most frequent values.
   */
  ColumnInfo.Columns columns(TimeRange range) throws StoreException;

  /**
   * Calls across services: the matching spans grouped by {@code breakdowns} and by the service of
   * their child span on the other side, with counts, errors and duration percentiles.
   */
  List<HopQuery.Hop> hops(HopQuery query) throws StoreException;

  /** Every queryable field with its type. */
  Catalog catalog() throws StoreException;
}
