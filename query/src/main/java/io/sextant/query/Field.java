package io.sextant.query;

import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.FieldType;
import java.util.Set;

/**
 * A queryable field: a core field of every event ({@code duration}, {@code service.name}) or an
 * attribute key seen on records or resources.
 *
 * @param name the name a question uses
 * @param type the type the engine compares and computes it as
 * @param core whether it is a core field rather than an attribute
 * @param origins for an attribute, where it was seen (records, resources, or both)
 * @param typesSeen for an attribute, every type its values came in
 */
public record Field(
    String name,
    FieldType type,
    boolean core,
    Set<AttributeKey.Origin> origins,
    Set<FieldType> typesSeen) {

  public Field {
    origins = Set.copyOf(origins);
    typesSeen = Set.copyOf(typesSeen);
  }

  public boolean onRecords() {
    return origins.contains(AttributeKey.Origin.RECORD);
  }

  public boolean onResources() {
    return origins.contains(AttributeKey.Origin.RESOURCE);
  }
}
