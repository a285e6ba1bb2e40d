package io.sextant.bench.ingest;

import static io.sextant.bench.ingest.OtlpBodies.kv;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.SplittableRandom;

/**
 * Gauge data points as JVM services export them, deterministic from a seed: 20 services × 3
 * instances, each sending every {@code step} the same 10 gauge points (CPU utilization, memory in
 * use per pool, threads, pool connections by state, …) with values that wander like real ones
 * (whole numbers for bytes and counts, decimals for utilization). Requests go back in time from
 * {@code start}, one export interval after the other, so every series gets one point per interval.
 */
final class MetricGenerator {
  static final int SERVICES = 20;
  static final int INSTANCES = 3;
  static final int RESOURCES = SERVICES * INSTANCES;

  /** Points each resource sends per interval. */
  static final int POINTS_PER_RESOURCE = 10;

  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder()
          .setName("io.opentelemetry.runtime-telemetry-java17")
          .setVersion("2.33.1-alpha")
          .build();

  private static final String[] POOLS = {"G1 Eden Space", "G1 Old Gen", "Metaspace", "CodeCache"};

  private final SplittableRandom random;
  private final long startNanos;
  private final long stepNanos;
  private final Resource[] resources = new Resource[RESOURCES];
  private final double[][] level = new double[RESOURCES][POINTS_PER_RESOURCE];
  private long interval;
  private int resource;
  private long attributes;

  MetricGenerator(long seed, long startNanos, long stepNanos) {
    this.random = new SplittableRandom(seed);
    this.startNanos = startNanos;
    this.stepNanos = stepNanos;
    for (int r = 0; r < RESOURCES; r++) {
      int service = r / INSTANCES;
      resources[r] =
          Resource.newBuilder()
              .addAttributes(
                  kv("service.name", Catalog.SERVICES[service % Catalog.SERVICES.length]))
              .addAttributes(kv("service.instance.id", "inst-" + r))
              .addAttributes(kv("service.version", "1." + (service % 7) + ".0"))
              .addAttributes(kv("host.name", "host-" + (r % 50)))
              .addAttributes(kv("deployment.environment.name", "prod"))
              .addAttributes(kv("telemetry.sdk.language", "java"))
              .build();
      level[r][0] = 0.1 + 0.3 * random.nextDouble(); // CPU utilization
      for (int p = 0; p < POOLS.length; p++) {
        level[r][1 + p] = (20 + random.nextInt(200)) * 1_048_576.0; // bytes per pool
      }
      level[r][5] = 40 + random.nextInt(160); // threads
      level[r][6] = 1 + random.nextInt(4); // pool connections used
      level[r][7] = 10 - level[r][6]; // idle
      level[r][8] = 0; // pending requests
      level[r][9] = 4; // cores
    }
  }

  /** Attributes per point sent so far (point attributes only). */
  long attributes() {
    return attributes;
  }

  /** A request of at least one resource's points, about {@code points}, at most {@code left}. */
  Request next(int points, long left) {
    int resourcesInRequest = (int) Math.max(1, Math.min(points, left) / POINTS_PER_RESOURCE);
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    int count = 0;
    for (int i = 0; i < resourcesInRequest; i++) {
      request.addResourceMetrics(resourceMetrics(resource, startNanos - interval * stepNanos));
      count += POINTS_PER_RESOURCE;
      if (++resource == RESOURCES) {
        resource = 0;
        interval++;
      }
    }
    return new Request(request.build().toByteArray(), count);
  }

  record Request(byte[] body, int points) {}

  private ResourceMetrics resourceMetrics(int r, long time) {
    double[] l = level[r];
    l[0] = clamp(l[0] + random.nextGaussian() * 0.02, 0.01, 1);
    for (int p = 1; p <= POOLS.length; p++) {
      l[p] = Math.max(1_048_576, Math.rint(l[p] + random.nextGaussian() * 2_000_000));
    }
    l[5] = Math.max(10, l[5] + random.nextInt(3) - 1);
    l[6] = clamp(l[6] + random.nextInt(3) - 1, 0, 10);
    l[7] = 10 - l[6];
    l[8] = l[6] == 10 ? random.nextInt(5) : 0;
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder().setScope(SCOPE);
    scope.addMetrics(gauge("jvm.cpu.recent_utilization", "1", point(time, l[0], false)));
    Gauge.Builder memory = Gauge.newBuilder();
    for (int p = 0; p < POOLS.length; p++) {
      memory.addDataPoints(
          point(time, l[1 + p], true)
              .addAttributes(kv("jvm.memory.type", p < 2 ? "heap" : "non_heap"))
              .addAttributes(kv("jvm.memory.pool.name", POOLS[p])));
      attributes += 2;
    }
    scope.addMetrics(Metric.newBuilder().setName("jvm.memory.used").setUnit("By").setGauge(memory));
    scope.addMetrics(gauge("jvm.thread.count", "{thread}", point(time, l[5], true)));
    Gauge.Builder connections = Gauge.newBuilder();
    for (int s = 0; s < 2; s++) {
      connections.addDataPoints(
          point(time, l[6 + s], true)
              .addAttributes(kv("db.client.connection.pool.name", "HikariPool-1"))
              .addAttributes(kv("db.client.connection.state", s == 0 ? "used" : "idle")));
      attributes += 2;
    }
    scope.addMetrics(
        Metric.newBuilder()
            .setName("db.client.connection.count")
            .setUnit("{connection}")
            .setGauge(connections));
    scope.addMetrics(
        gauge(
            "db.client.connection.pending_requests",
            "{request}",
            point(time, l[8], true)
                .addAttributes(kv("db.client.connection.pool.name", "HikariPool-1"))));
    attributes += 1;
    scope.addMetrics(gauge("jvm.cpu.count", "{cpu}", point(time, l[9], true)));
    return ResourceMetrics.newBuilder().setResource(resources[r]).addScopeMetrics(scope).build();
  }

  private static Metric gauge(String name, String unit, NumberDataPoint.Builder p) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setGauge(Gauge.newBuilder().addDataPoints(p))
        .build();
  }

  private static NumberDataPoint.Builder point(long time, double v, boolean whole) {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(time);
    return whole ? p.setAsInt((long) v) : p.setAsDouble(v);
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
