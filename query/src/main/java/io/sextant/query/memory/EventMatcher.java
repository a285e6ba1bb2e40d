package io.sextant.query.memory;

import io.sextant.model.Event;
import io.sextant.query.Catalog;
import io.sextant.query.Field;
import io.sextant.query.Filter;
import io.sextant.query.Plan;
import io.sextant.query.Plan.BoundAnd;
import io.sextant.query.Plan.BoundFilter;
import io.sextant.query.Plan.BoundOr;
import io.sextant.query.Plan.BoundPredicate;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.TimeRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A where-condition tested on one event at a time, as the engines would answer it: bound against a
 * {@link Catalog} by {@link Plan} and evaluated by the in-memory engine, which is the oracle the
 * SQL engines are differential-tested against. For counting conditions as events arrive (the SLOs'
 * counts at ingest, docs/adr/0017) without asking the store.
 *
 * <p>A binding depends on the catalog: an attribute is read as the widest type its values came in,
 * and only where it was seen (records, resources). An event whose attributes would widen one of the
 * matcher's fields is told by {@link #bindsAlike}: from when it is stored, a question binds the
 * condition differently, over every event, so the matcher must be bound again and what it counted
 * counted again. Two matchers are equal when they bind alike.
 */
public final class EventMatcher {
  private static final TimeRange ANY = new TimeRange(0, 1);

  private final BoundFilter where;
  private final Field[] attributes;

  private EventMatcher(BoundFilter where) {
    this.where = where;
    Map<String, Field> read = new LinkedHashMap<>();
    collect(where, read);
    this.attributes = read.values().toArray(Field[]::new);
  }

  /**
   * {@code where} bound against {@code catalog}.
   *
   * @throws QueryException as a question with this condition would be refused: an unknown column,
   *     an operator that does not fit a column's type, a value that is not of it
   */
  public static EventMatcher of(Filter where, Catalog catalog) {
    return new EventMatcher(Plan.of(Question.over(ANY).where(where).build(), catalog).where());
  }

  /** Whether {@code e} matches, exactly as a question's where-condition would count it. */
  public boolean matches(Event e) {
    return MemoryEngine.matches(where, e);
  }

  /**
   * Whether the catalog, once {@code e} is stored, still binds this condition as it is bound: false
   * when {@code e} carries an attribute this condition reads from a place (record or resource) or
   * in a type the catalog had not seen for it.
   */
  public boolean bindsAlike(Event e) {
    for (Field f : attributes) {
      if (!bindsAlike(f, e)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether attribute field {@code f} of a catalog is the same field once {@code e} is stored:
   * {@code e} has no value under its name where it was not seen, nor one of a type not seen for it.
   */
  public static boolean bindsAlike(Field f, Event e) {
    return seen(f, AttributeKey.Origin.RECORD, e.attributes().get(f.name()))
        && seen(f, AttributeKey.Origin.RESOURCE, e.resource().attributes().get(f.name()));
  }

  private static boolean seen(Field f, AttributeKey.Origin origin, Object value) {
    return value == null
        || (f.origins().contains(origin) && f.typesSeen().contains(FieldType.of(value)));
  }

  /** The attributes this condition reads (not the core fields), as bound. */
  public List<Field> attributes() {
    return List.of(attributes);
  }

  private static void collect(BoundFilter f, Map<String, Field> into) {
    switch (f) {
      case BoundAnd and -> and.filters().forEach(x -> collect(x, into));
      case BoundOr or -> or.filters().forEach(x -> collect(x, into));
      case BoundPredicate p -> {
        if (!p.field().core()) {
          into.putIfAbsent(p.field().name(), p.field());
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventMatcher m && m.where.equals(where);
  }

  @Override
  public int hashCode() {
    return where.hashCode();
  }

  @Override
  public String toString() {
    return "EventMatcher" + where;
  }
}
