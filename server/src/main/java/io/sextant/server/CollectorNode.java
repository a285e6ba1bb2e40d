package io.sextant.server;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.pipeline.kafka.KafkaSink;
import io.sextant.server.api.answer.NodeAnswers;
import io.sextant.server.api.answer.ReadAnswers;
import io.sextant.server.ingest.IngestAuth;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.server.ingest.IngestGate;
import io.sextant.server.metrics.SelfMetrics;
import io.sextant.server.security.Keyring;
import io.sextant.server.security.SecurityConfig;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sextant serve --role collector} (docs/scale-out.md): the ingest ports, stateless, with the
 * same decoding, limits, redaction, keys and tenants as the embedded server, producing to Kafka. A
 * request is acknowledged only after the brokers acknowledged its events with {@code acks=all};
 * while they do not answer, it is refused with 429 / RESOURCE_EXHAUSTED, never dropped.
 */
public final class CollectorNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CollectorNode.class);

  private final ServerConfig config;
  private final Keyring keys;
  private final KafkaSink sink;
  private final Server server;

  public CollectorNode(ServerConfig config, KafkaSettings kafka) {
    this.config = config.validate();
    SecurityConfig security = config.security();
    this.keys = security.keyring();
    Clock clock = Clock.systemUTC();
    IngestCounters counters = new IngestCounters();
    this.sink = new KafkaSink(kafka, config.pipeline().maxQueuedEvents());
    SelfMetrics metrics =
        new SelfMetrics(
            counters,
            () -> {
              KafkaSink.Stats s = sink.stats();
              return new BatchingWriter.Stats(
                  s.inFlightEvents(), s.sentEvents(), 0, 0, s.failedSends(), 0, 0);
            });
    metrics.gauge(
        "sextant_kafka_available",
        "1 while the Kafka brokers answer the collector's checks.",
        new String[0],
        cb -> cb.call(sink.available() ? 1 : 0));
    IngestGate gate = new IngestGate(sink, counters, security.redactor(), security.tenantLimits());
    ServerBuilder sb = Server.builder();
    sb.maxRequestLength(config.limits().maxBodyBytes()).requestTimeout(config.requestTimeout());
    SextantServer.listeners(config).bind(sb, gate, new IngestAuth(keys), clock);
    NodeApi.bind(
        sb,
        config,
        keys,
        "collector",
        new NodeApi.Status() {
          @Override
          public String problem() {
            KafkaSink.Stats s = sink.stats();
            return s.available() ? null : "Kafka is unavailable: " + s.reason();
          }

          @Override
          public Record figures() {
            return new NodeAnswers.Collector(
                ReadAnswers.IngestCounts.of(counters), NodeAnswers.Kafka.of(kafka, sink.stats()));
          }
        },
        metrics);
    this.server = sb.build();
  }

  public CollectorNode start() {
    keys.start();
    sink.start();
    server.start().join();
    log.info(
        "sextant collector listening otlp_grpc={}:{} otlp_http={}:{} zipkin={}:{} api={}:{}",
        config.bindAddress(),
        config.otlpGrpcPort(),
        config.bindAddress(),
        config.otlpHttpPort(),
        config.bindAddress(),
        config.zipkinPort(),
        config.bindAddress(),
        config.apiPort());
    return this;
  }

  /** Stops listening, then waits for Kafka's acknowledgement of what was taken. */
  @Override
  public void close() {
    server.stop().join();
    sink.close();
    keys.close();
    log.info("sextant collector stopped");
  }
}
