package io.sextant.store.duckdb;

import java.util.function.Supplier;
import org.duckdb.DuckDBDataChunkWriter;
import org.duckdb.DuckDBTableFunction;
import org.duckdb.DuckDBTableFunctionBindInfo;
import org.duckdb.DuckDBTableFunctionCallInfo;
import org.duckdb.DuckDBTableFunctionInitInfo;

/**
 * {@code sextant_batch()}: a DuckDB table function that yields the batch being written, so one
 * {@code INSERT … SELECT} moves a whole batch with DuckDB pulling vectors (not rows) from Java.
 */
final class BatchTableFunction
    implements DuckDBTableFunction<StagedBatch, BatchTableFunction.Cursor, Object> {
  static final String NAME = "sextant_batch";

  private final Supplier<StagedBatch> current;

  /** {@code current} gives the batch of the INSERT being run; the writer sets it just before. */
  BatchTableFunction(Supplier<StagedBatch> current) {
    this.current = current;
  }

  static final class Cursor {
    int next;
  }

  @Override
  public StagedBatch bind(DuckDBTableFunctionBindInfo info) {
    StagedBatch batch = current.get();
    if (batch == null) {
      throw new IllegalStateException(NAME + "() is only usable by the store's writer");
    }
    for (StagedBatch.Column c : batch.columns) {
      info.addResultColumn(c.name, c.type);
    }
    info.setCardinality(batch.size, true);
    return batch;
  }

  @Override
  public Cursor init(DuckDBTableFunctionInitInfo info) {
    info.setMaxThreads(1);
    return new Cursor();
  }

  @Override
  public long apply(DuckDBTableFunctionCallInfo info, DuckDBDataChunkWriter out) {
    StagedBatch batch = info.getBindData();
    Cursor cursor = info.getInitData();
    int count = (int) Math.min(out.capacity(), batch.size - cursor.next);
    if (count <= 0) {
      return 0;
    }
    for (int i = 0; i < batch.columns.size(); i++) {
      batch.columns.get(i).write(out.vector(i), cursor.next, count);
    }
    cursor.next += count;
    return count;
  }
}
