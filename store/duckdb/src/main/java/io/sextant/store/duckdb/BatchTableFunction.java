package io.sextant.store.duckdb;

import java.util.List;
import java.util.function.Supplier;
import org.duckdb.DuckDBDataChunkWriter;
import org.duckdb.DuckDBTableFunction;
import org.duckdb.DuckDBTableFunctionBindInfo;
import org.duckdb.DuckDBTableFunctionCallInfo;
import org.duckdb.DuckDBTableFunctionInitInfo;

/**
 * {@code sextant_batch()}: a DuckDB table function that yields the batch being written — one or
 * more staged chunks, in order — so one {@code INSERT … SELECT} moves a whole batch with DuckDB
 * pulling vectors (not rows) from Java.
 */
final class BatchTableFunction
    implements DuckDBTableFunction<List<StagedBatch>, BatchTableFunction.Cursor, Object> {
  static final String NAME = "sextant_batch";

  private final Supplier<List<StagedBatch>> current;

  /** {@code current} gives the chunks of the INSERT being run; the writer sets it just before. */
  BatchTableFunction(Supplier<List<StagedBatch>> current) {
    this.current = current;
  }

  static final class Cursor {
    int chunk;
    int next;
  }

  @Override
  public List<StagedBatch> bind(DuckDBTableFunctionBindInfo info) {
    List<StagedBatch> chunks = current.get();
    if (chunks == null || chunks.isEmpty()) {
      throw new IllegalStateException(NAME + "() is only usable by the store's writer");
    }
    for (StagedBatch.Column c : chunks.get(0).columns) {
      info.addResultColumn(c.name, c.type);
    }
    long rows = 0;
    for (StagedBatch b : chunks) {
      rows += b.size;
    }
    info.setCardinality(rows, true);
    return chunks;
  }

  @Override
  public Cursor init(DuckDBTableFunctionInitInfo info) {
    info.setMaxThreads(1);
    return new Cursor();
  }

  @Override
  public long apply(DuckDBTableFunctionCallInfo info, DuckDBDataChunkWriter out) {
    List<StagedBatch> chunks = info.getBindData();
    Cursor cursor = info.getInitData();
    // A vector never spans two chunks: the last one of a chunk may be short.
    while (cursor.chunk < chunks.size() && cursor.next >= chunks.get(cursor.chunk).size) {
      cursor.chunk++;
      cursor.next = 0;
    }
    if (cursor.chunk >= chunks.size()) {
      return 0;
    }
    StagedBatch batch = chunks.get(cursor.chunk);
    int count = (int) Math.min(out.capacity(), batch.size - cursor.next);
    for (int i = 0; i < batch.columns.size(); i++) {
      batch.columns.get(i).write(out.vector(i), cursor.next, count);
    }
    cursor.next += count;
    return count;
  }
}
