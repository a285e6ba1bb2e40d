package io.sextant.server.api.answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.StoreStats;
import java.time.Instant;
import java.util.List;

/** The answers of the read routes (docs/api.md, "Read"): a trace, the services, the status. */
public final class ReadAnswers {
  private ReadAnswers() {}

  /** {@code GET /api/v1/traces/{traceId}}: every event of the trace ({@link EventJson}). */
  public record Trace(String traceId, List<Event> events) {

    public static Trace of(TraceId id, List<Event> events) {
      return new Trace(id.toHex(), events);
    }
  }

  /** {@code GET /api/v1/services}: the services with events in [from, to), most events first. */
  public record Services(String from, String to, List<Service> services) {

    public static Services of(Instant from, Instant to, List<ServiceSummary> services) {
      return new Services(
          from.toString(),
          to.toString(),
          services.stream().map(s -> new Service(s.name(), s.events())).toList());
    }
  }

  public record Service(String name, long events) {}

  /**
   * {@code GET /api/v1/status}: {@code ok}, or {@code degraded} with the store's reason; the
   * server's own counters and the store's size only for the operations tenant.
   */
  public record Status(
      String status,
      @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
      @JsonInclude(JsonInclude.Include.NON_NULL) Ingest ingest,
      @JsonInclude(JsonInclude.Include.NON_NULL) Pipeline pipeline,
      Store store) {

    /** What a tenant sees: the store's health and how many of its events it holds. */
    public static Status of(Health health, StoreStats stats) {
      return of(
          health, null, null, new Store(health.healthy(), health.detail(), stats.events(), null));
    }

    /** What the operations tenant sees: also every tenant's ingest, the pipeline, the disk. */
    public static Status of(Health health, StoreStats stats, Ingest ingest, Pipeline pipeline) {
      return of(
          health,
          ingest,
          pipeline,
          new Store(health.healthy(), health.detail(), stats.events(), stats.bytesOnDisk()));
    }

    private static Status of(Health health, Ingest ingest, Pipeline pipeline, Store store) {
      return new Status(
          health.healthy() ? "ok" : "degraded",
          health.healthy() ? null : health.detail(),
          ingest,
          pipeline,
          store);
    }
  }

  /** What ingest took and refused since start, and the accepted items per second of late. */
  public record Ingest(
      @JsonUnwrapped IngestCounts counts, double spansPerSecond, double logsPerSecond) {}

  /** What ingest took and refused since start (also in a collector's status). */
  public record IngestCounts(
      long spansAccepted,
      long logsAccepted,
      long spansRejected,
      long logsRejected,
      long metricPointsAccepted,
      long metricPointsRejected,
      long requestsMalformed,
      long requestsOverloaded,
      long requestsFailed) {

    public static IngestCounts of(IngestCounters c) {
      return new IngestCounts(
          c.spansAccepted.sum(),
          c.logsAccepted.sum(),
          c.spansRejected.sum(),
          c.logsRejected.sum(),
          c.metricPointsAccepted.sum(),
          c.metricPointsRejected.sum(),
          c.requestsMalformed.sum(),
          c.requestsOverloaded.sum(),
          c.requestsFailed.sum());
    }
  }

  /** The batching writer between ingest and the store. */
  public record Pipeline(
      long queuedEvents,
      long writtenEvents,
      long batches,
      long failedBatches,
      long lastBatchEvents,
      long lastBatchMillis) {

    public static Pipeline of(BatchingWriter.Stats w) {
      return new Pipeline(
          w.queuedEvents(),
          w.writtenEvents(),
          w.batches(),
          w.failedBatches(),
          w.lastBatchEvents(),
          w.lastBatchMillis());
    }
  }

  /** The store: its health, its events, and (operations tenant only) its size on disk. */
  public record Store(
      boolean healthy,
      String detail,
      long events,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long bytesOnDisk) {}
}
