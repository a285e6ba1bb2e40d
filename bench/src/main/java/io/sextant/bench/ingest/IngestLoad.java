package io.sextant.bench.ingest;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ingest load generator of {@code bench/ingest/run.sh}: builds every request body first (so its
 * own CPU does not compete while measured), sends a warm-up, then sends the measured spans at full
 * speed, for at most {@code --duration-seconds}, and prints one {@code RESULT} line on stdout.
 * Progress goes to stderr.
 *
 * <p>Exit status: 0 when every request sent was acknowledged, 1 when some failed, 2 on time-out.
 */
@Command(
    name = "ingest-load",
    mixinStandardHelpOptions = true,
    description =
        "Send realistic spans over OTLP/HTTP, OTLP/gRPC or Zipkin v2 JSON to a loopback server "
            + "and print sustained spans/s and acknowledgement latency.")
public final class IngestLoad implements Callable<Integer> {
  @Option(
      names = "--target",
      required = true,
      description =
          "otlp-http, otlp-grpc or zipkin (spans), or otlp-metrics (gauge data points over"
              + " OTLP/HTTP; --spans and --spans-per-request then count points)")
  String target;

  @Option(
      names = "--url",
      required = true,
      description =
          "Loopback URL of the receiver, e.g. http://127.0.0.1:4318/v1/traces; without a path"
              + " the target's usual one is used")
  String url;

  @Option(
      names = "--spans",
      defaultValue = "1000000",
      description = "Measured spans built; all are sent unless --duration-seconds ends it first.")
  long spans;

  @Option(
      names = "--duration-seconds",
      defaultValue = "0",
      description =
          "Stop sending measured requests after this many seconds (0: send all --spans); the"
              + " requests in flight are still awaited and counted.")
  long durationSeconds;

  @Option(
      names = "--warmup-spans",
      defaultValue = "100000",
      description = "Spans sent first and not counted.")
  long warmupSpans;

  @Option(names = "--concurrency", defaultValue = "8", description = "Requests in flight.")
  int concurrency;

  @Option(names = "--spans-per-request", defaultValue = "1000", description = "Spans per request.")
  int spansPerRequest;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated data.")
  long seed;

  @Option(
      names = "--id-salt",
      defaultValue = "0",
      description = "Changes every trace and span id (not the data), for a new run on old data.")
  long idSalt;

  @Option(
      names = "--http",
      description = "h1c (HTTP/1.1) or h2c; default h1c for otlp-http and zipkin, h2c for gRPC")
  String http;

  @Option(
      names = "--connections",
      defaultValue = "0",
      description =
          "Client event loops, each with its own connection (HTTP/2 multiplexes the requests of"
              + " one loop over one connection); 0: one per request in flight, as independent"
              + " clients would have.")
  int connections;

  @Option(
      names = "--retry-delay-ms",
      defaultValue = "100",
      description = "Pause before retrying a 429 / RESOURCE_EXHAUSTED.")
  long retryDelayMillis;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "600",
      description = "Give up (exit 2) when the whole run, building included, takes longer.")
  long timeoutSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IngestLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long began = System.nanoTime();
    long deadline = began + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .unstarted(
                () -> {
                  try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(timeoutSeconds + 60));
                    System.err.println("ingest-load: hard time-out, exiting");
                    Runtime.getRuntime().halt(2);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    watchdog.start();

    Target t = Target.of(target);
    URI uri = URI.create(url);
    requireLoopback(uri);
    if (spans <= 0 || warmupSpans < 0 || concurrency <= 0 || spansPerRequest <= 0) {
      throw new IllegalArgumentException(
          "--spans, --concurrency and --spans-per-request must be positive");
    }
    if (durationSeconds < 0) {
      throw new IllegalArgumentException("--duration-seconds must be 0 (no limit) or more");
    }
    String scheme = http != null ? http : t.defaultScheme;
    if (!scheme.equals("h1c") && !scheme.equals("h2c")) {
      throw new IllegalArgumentException("--http is h1c or h2c, not " + scheme);
    }
    if (t == Target.OTLP_GRPC && !scheme.equals("h2c")) {
      throw new IllegalArgumentException("gRPC needs HTTP/2: use --http h2c");
    }
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? t.defaultPath : uri.getRawPath();

    // Build everything before any request is sent.
    long buildStart = System.nanoTime();
    long now = Instant.now().toEpochMilli() * 1_000_000;
    long traces = Math.max(1, (spans + warmupSpans) / 10);
    TraceGenerator gen =
        new TraceGenerator(
            seed,
            Ids.mix(idSalt * 3 + t.ordinal()),
            now - TimeUnit.MINUTES.toNanos(55),
            TimeUnit.MINUTES.toNanos(50) / traces);
    Bodies warmup;
    Bodies measured;
    if (t == Target.OTLP_METRICS) {
      // One point per series every 10 s, back from now: the warm-up's the most recent.
      MetricGenerator metrics = new MetricGenerator(seed + idSalt, now, 10_000_000_000L);
      warmup = Bodies.metrics(metrics, warmupSpans, spansPerRequest);
      measured = Bodies.metrics(metrics, spans, spansPerRequest);
    } else {
      warmup = Bodies.build(gen, t, warmupSpans, spansPerRequest);
      measured = Bodies.build(gen, t, spans, spansPerRequest);
    }
    System.gc();
    System.err.printf(
        Locale.ROOT,
        "ingest-load: built %d+%d requests (%d traces, %d+%d spans, %.2f attributes/span,"
            + " %.1f bytes/span on the wire) in %.1fs%n",
        warmup.bodies.length,
        measured.bodies.length,
        gen.traces(),
        warmupSpans,
        spans,
        measured.attributesPerSpan,
        measured.wireBytes / (double) spans,
        (System.nanoTime() - buildStart) / 1e9);

    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("ingest-load-timer").unstarted(r));
    int loops = connections > 0 ? connections : concurrency;
    ClientFactory factory =
        ClientFactory.builder()
            .workerGroup(loops)
            .maxNumEventLoopsPerEndpoint(loops)
            .maxNumEventLoopsPerHttp1Endpoint(loops)
            .build();
    try {
      WebClient client =
          WebClient.builder(scheme + "://" + uri.getHost() + ":" + port(uri))
              .factory(factory)
              .responseTimeoutMillis(TimeUnit.SECONDS.toMillis(120))
              .writeTimeoutMillis(TimeUnit.SECONDS.toMillis(60))
              .maxResponseLength(16 << 20)
              .build();
      LoadRunner runner = new LoadRunner(client, t, path, scheduler, retryDelayMillis, System.err);
      if (warmup.bodies.length > 0) {
        LoadRunner.Result w =
            runner.run("warmup", warmup.bodies, warmup.spanCounts, concurrency, 0, deadline, 5);
        System.err.printf(
            Locale.ROOT,
            "ingest-load: warm-up %d spans in %.1fs (%.0f spans/s), errors=%d %s%n",
            w.ackedSpans(),
            w.seconds(),
            w.spansPerSecond(),
            w.errorCount(),
            w.errors());
        if (w.timedOut()) {
          printResult(t, w, measured, scheme);
          return 2;
        }
      }
      System.err.println("ingest-load: measuring");
      LoadRunner.Result r =
          runner.run(
              "measured",
              measured.bodies,
              measured.spanCounts,
              concurrency,
              TimeUnit.SECONDS.toNanos(durationSeconds),
              deadline,
              5);
      printResult(t, r, measured, scheme);
      if (r.timedOut()) {
        return 2;
      }
      return r.errorCount() == 0 && r.ackedSpans() == r.spans() ? 0 : 1;
    } finally {
      factory.close();
      scheduler.shutdownNow();
    }
  }

  private void printResult(Target t, LoadRunner.Result r, Bodies measured, String scheme) {
    String line =
        String.format(
            Locale.ROOT,
            "RESULT target=%s protocol=%s spans_sent=%d acked_spans=%d requests=%d seconds=%.2f"
                + " spans_per_s=%.0f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f errors=%d"
                + " overloaded=%d rejected_spans=%d concurrency=%d spans_per_request=%d"
                + " warmup_spans=%d wire_bytes_per_span=%.1f attributes_per_span=%.2f timed_out=%s%n",
            t.label,
            scheme,
            r.spans(),
            r.ackedSpans(),
            r.requests(),
            r.seconds(),
            r.spansPerSecond(),
            r.percentileMillis(0.50),
            r.percentileMillis(0.90),
            r.percentileMillis(0.99),
            r.percentileMillis(1.0),
            r.errorCount(),
            r.overloaded(),
            r.rejectedSpans(),
            concurrency,
            spansPerRequest,
            warmupSpans,
            measured.wireBytes / (double) spans,
            measured.attributesPerSpan,
            r.timedOut());
    // For metrics the same counts are data points: the keys say so.
    System.out.print(t == Target.OTLP_METRICS ? line.replace("span", "point") : line);
    if (r.errorCount() > 0) {
      System.out.println(
          "ERRORS "
              + r.errors().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(" ")));
    }
    System.out.flush();
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    throw new IllegalArgumentException("--url needs an explicit port: " + uri);
  }

  /** The load may only go to this machine. */
  static void requireLoopback(URI uri) throws UnknownHostException {
    String host = uri.getHost();
    if (host == null) {
      throw new IllegalArgumentException("--url has no host: " + uri);
    }
    for (InetAddress a : InetAddress.getAllByName(host)) {
      if (!a.isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "refusing to send load to " + host + " (" + a.getHostAddress() + "): loopback only");
      }
    }
  }

  /** Pre-built request bodies of one phase. */
  static final class Bodies {
    final byte[][] bodies;
    final int[] spanCounts;
    final long wireBytes;
    final double attributesPerSpan;

    private Bodies(byte[][] bodies, int[] spanCounts, long wireBytes, double attributesPerSpan) {
      this.bodies = bodies;
      this.spanCounts = spanCounts;
      this.wireBytes = wireBytes;
      this.attributesPerSpan = attributesPerSpan;
    }

    static Bodies build(TraceGenerator gen, Target t, long total, int spansPerRequest) {
      OtlpBodies otlp = new OtlpBodies();
      List<byte[]> bodies = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      long left = total;
      long wire = 0;
      long attributes = 0;
      while (left > 0) {
        List<GeneratedSpan> request = gen.nextRequest(spansPerRequest, left);
        byte[] body =
            switch (t) {
              case OTLP_HTTP -> otlp.http(request);
              case OTLP_GRPC -> otlp.grpc(request);
              case ZIPKIN -> ZipkinBodies.json(request);
              case OTLP_METRICS -> throw new IllegalArgumentException("metrics: use metrics()");
            };
        for (GeneratedSpan s : request) {
          attributes += s.attributes().size();
        }
        bodies.add(body);
        counts.add(request.size());
        wire += body.length;
        left -= request.size();
      }
      return new Bodies(
          bodies.toArray(byte[][]::new),
          counts.stream().mapToInt(Integer::intValue).toArray(),
          wire,
          total == 0 ? 0 : attributes / (double) total);
    }

    /** Metric requests of about {@code pointsPerRequest} gauge points, {@code total} in all. */
    static Bodies metrics(MetricGenerator gen, long total, int pointsPerRequest) {
      List<byte[]> bodies = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      long left = total;
      long wire = 0;
      long attributes0 = gen.attributes();
      while (left > 0) {
        MetricGenerator.Request r = gen.next(pointsPerRequest, left);
        bodies.add(r.body());
        counts.add(r.points());
        wire += r.body().length;
        left -= r.points();
      }
      long sent = total - left; // a request carries whole resources: the last may pass total
      return new Bodies(
          bodies.toArray(byte[][]::new),
          counts.stream().mapToInt(Integer::intValue).toArray(),
          wire,
          sent == 0 ? 0 : (gen.attributes() - attributes0) / (double) sent);
    }
  }
}
