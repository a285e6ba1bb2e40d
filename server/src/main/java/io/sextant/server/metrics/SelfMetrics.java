package io.sextant.server.metrics;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sextant.model.Event;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.triage.probe.ProbeEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sextant's own metrics, served at {@code GET /metrics} in the Prometheus text format by the
 * Prometheus Java client (docs/api.md lists them). Counters that ingest already keeps are read at
 * scrape time, so there is one count, not two that could drift.
 */
public final class SelfMetrics {
  /** Seconds: from a millisecond to a minute, for store writes and questions. */
  private static final double[] LATENCY_BOUNDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram storeWrite;
  private final Histogram query;
  private final Counter probeResults;

  public SelfMetrics(IngestCounters counters, Supplier<BatchingWriter.Stats> pipeline) {
    CounterWithCallback.builder()
        .name("sextant_ingest_accepted_total")
        .help("Spans, log records and metric data points accepted by ingest since start.")
        .labelNames("signal")
        .callback(
            cb -> {
              cb.call(counters.spansAccepted.sum(), "spans");
              cb.call(counters.logsAccepted.sum(), "logs");
              cb.call(counters.metricPointsAccepted.sum(), "metric_points");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("sextant_ingest_rejected_total")
        .help("Items of accepted requests that were refused one by one (partial success).")
        .labelNames("signal")
        .callback(
            cb -> {
              cb.call(counters.spansRejected.sum(), "spans");
              cb.call(counters.logsRejected.sum(), "logs");
              cb.call(counters.metricPointsRejected.sum(), "metric_points");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("sextant_ingest_requests_refused_total")
        .help("Whole ingest requests refused: malformed, overloaded (retry later) or failed.")
        .labelNames("reason")
        .callback(
            cb -> {
              cb.call(counters.requestsMalformed.sum(), "malformed");
              cb.call(counters.requestsOverloaded.sum(), "overloaded");
              cb.call(counters.requestsFailed.sum(), "failed");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("sextant_pipeline_queued_events")
        .help("Events accepted and waiting in the pipeline's queue to be written.")
        .callback(cb -> cb.call(pipeline.get().queuedEvents()))
        .register(registry);
    CounterWithCallback.builder()
        .name("sextant_pipeline_written_events_total")
        .help("Events the pipeline wrote to the store since start.")
        .callback(cb -> cb.call(pipeline.get().writtenEvents()))
        .register(registry);
    CounterWithCallback.builder()
        .name("sextant_pipeline_failed_batches_total")
        .help("Batches the store refused to write since start.")
        .callback(cb -> cb.call(pipeline.get().failedBatches()))
        .register(registry);
    storeWrite =
        Histogram.builder()
            .name("sextant_store_write_seconds")
            .help("Time to write one batch to the store, durable when it returns.")
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .register(registry);
    query =
        Histogram.builder()
            .name("sextant_query_seconds")
            .help("Time to answer one question, by what was asked.")
            .labelNames("operation")
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .register(registry);
    probeResults =
        Counter.builder()
            .name("sextant_probe_results_total")
            .help("Probe runs by probe and outcome.")
            .labelNames("probe", "outcome")
            .register(registry);
  }

  /** Adds gauges read at scrape time (the SLOs' burn rates, say). */
  public void gauge(
      String name, String help, String[] labels, Consumer<GaugeWithCallback.Callback> read) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .callback(read)
        .register(registry);
  }

  /** {@code store} with every write timed into {@code sextant_store_write_seconds}. */
  public EventStore timed(EventStore store) {
    return new ForwardingEventStore(store) {
      @Override
      protected void writing(int events, Write write) throws StoreException {
        long t = System.nanoTime();
        try {
          write.run();
        } finally {
          storeWrite.observe((System.nanoTime() - t) / 1e9);
        }
      }
    };
  }

  /** Times one question of kind {@code operation}; returns what {@code call} returns. */
  <T> T time(String operation, TimedCall<T> call) throws StoreException {
    long t = System.nanoTime();
    try {
      return call.call();
    } finally {
      query.labelValues(operation).observe((System.nanoTime() - t) / 1e9);
    }
  }

  interface TimedCall<T> {
    T call() throws StoreException;
  }

  /** Counts probe results among events about to be stored. */
  public void probeEvents(List<Event> events) {
    for (Event e : events) {
      if (ProbeEvents.RESULT.equals(e.name())
          && e.attributes().get("probe.name") instanceof String probe) {
        Object passed = e.attributes().get("probe.passed");
        probeResults.labelValues(probe, Boolean.TRUE.equals(passed) ? "passed" : "failed").inc();
      }
    }
  }

  /** The text exposition of every metric, as a scrape gets it. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** {@code GET /metrics}. */
  public HttpService service() {
    MediaType type = MediaType.parse(PrometheusTextFormatWriter.CONTENT_TYPE);
    return (ctx, req) -> HttpResponse.of(HttpStatus.OK, type, scrape());
  }
}
