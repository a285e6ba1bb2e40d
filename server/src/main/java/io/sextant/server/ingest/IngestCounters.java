package io.sextant.server.ingest;

import java.util.concurrent.atomic.LongAdder;

/** What ingest has taken and refused since start, for /api/v1/status ({@code IngestCounts}). */
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

  /** Which OTLP signal a request carries. */
  public enum Signal {
    TRACES,
    LOGS,
    METRICS
  }
}
