package io.sextant.server.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/** What ingest has taken and refused since start, for /api/v1/status. */
public final class IngestCounters {
  public final LongAdder spansAccepted = new LongAdder();
  public final LongAdder logsAccepted = new LongAdder();
  public final LongAdder spansRejected = new LongAdder();
  public final LongAdder logsRejected = new LongAdder();
  public final LongAdder metricPointsAccepted = new LongAdder();
  public final LongAdder metricPointsRejected = new LongAdder();
  public final LongAdder requestsMalformed = new LongAdder();
  public final LongAdder requestsOverloaded = new LongAdder();
  public final LongAdder requestsFailed = new LongAdder();

  void accepted(Signal signal, int accepted, int rejected) {
    switch (signal) {
      case TRACES -> {
        spansAccepted.add(accepted);
        spansRejected.add(rejected);
      }
      case LOGS -> {
        logsAccepted.add(accepted);
        logsRejected.add(rejected);
      }
      case METRICS -> {
        metricPointsAccepted.add(accepted);
        metricPointsRejected.add(rejected);
      }
    }
  }

  /** The counters as fields of the JSON object {@code g} is in (for the status endpoints). */
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeNumberField("spans_accepted", spansAccepted.sum());
    g.writeNumberField("logs_accepted", logsAccepted.sum());
    g.writeNumberField("spans_rejected", spansRejected.sum());
    g.writeNumberField("logs_rejected", logsRejected.sum());
    g.writeNumberField("metric_points_accepted", metricPointsAccepted.sum());
    g.writeNumberField("metric_points_rejected", metricPointsRejected.sum());
    g.writeNumberField("requests_malformed", requestsMalformed.sum());
    g.writeNumberField("requests_overloaded", requestsOverloaded.sum());
    g.writeNumberField("requests_failed", requestsFailed.sum());
  }

  /** Which OTLP signal a request carries. */
  public enum Signal {
    TRACES,
    LOGS,
    METRICS
  }
}
