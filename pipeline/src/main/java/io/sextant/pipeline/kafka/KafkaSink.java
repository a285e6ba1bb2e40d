package io.sextant.pipeline.kafka;

import io.sextant.model.Event;
import io.sextant.pipeline.EventCodec;
import io.sextant.pipeline.EventSink;
import io.sextant.pipeline.Overloaded;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector's sink: each request's events go to the topic as messages of {@link EventCodec}, and
 * the request's future completes when the brokers acknowledged every one of them with {@code
 * acks=all} (an idempotent producer, so its own retries add no duplicates). That is the durability
 * a collector acknowledges a client with; the writers store the events later.
 *
 * <p>It never queues without bound and never drops: while the brokers do not answer (a check every
 * second) or more than {@code maxInFlightEvents} wait for acknowledgement, {@link #submit} refuses
 * at once with {@link Overloaded} (429 / RESOURCE_EXHAUSTED to the client, which retries); a send
 * that fails fails its request's future (503 / UNAVAILABLE, retried too).
 */
public final class KafkaSink implements EventSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  /** Counters for the status endpoint. */
  public record Stats(
      boolean available, String reason, long inFlightEvents, long sentEvents, long failedSends) {}

  private final KafkaSettings settings;
  private final long maxInFlightEvents;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Admin admin;
  private final ExecutorService sender;
  private final ScheduledExecutorService checker;
  private final AtomicLong inFlight = new AtomicLong();
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile boolean available;
  private volatile String reason = "the brokers have not been reached yet";
  private volatile boolean topicsReady;

  public KafkaSink(KafkaSettings settings, long maxInFlightEvents) {
    this.settings = settings;
    this.maxInFlightEvents = maxInFlightEvents;
    Properties p = settings.common();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "sextant-collector");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L << 20));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    Properties a = settings.common();
    a.put("default.api.timeout.ms", "2000");
    a.put("request.timeout.ms", "1000");
    this.admin = Admin.create(a);
    // send() may block (metadata, a full buffer): never on an event loop.
    this.sender = Executors.newSingleThreadExecutor(r -> daemon(r, "sextant-kafka-send"));
    this.checker =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sextant-kafka-check"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts checking the brokers (and creating the topics once they answer). */
  public KafkaSink start() {
    checker.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void check() {
    try {
      if (!topicsReady) {
        settings.ensureTopics(admin, Duration.ofSeconds(5));
        topicsReady = true;
      }
      admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
      if (!available) {
        log.info("kafka available bootstrap={} topic={}", settings.bootstrap(), settings.topic());
      }
      available = true;
    } catch (Exception e) {
      unavailable("the brokers at " + settings.bootstrap() + " do not answer: " + root(e));
    }
  }

  private void unavailable(String why) {
    if (available) {
      log.warn("kafka unavailable: {}", why);
    }
    reason = why;
    available = false;
  }

  static String root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  @Override
  public CompletableFuture<Void> submit(List<Event> events) throws Overloaded {
    if (!available) {
      throw new Overloaded("Kafka is unavailable (" + reason + "); retry later", 5);
    }
    int n = events.size();
    if (inFlight.addAndGet(n) > maxInFlightEvents && inFlight.get() > n) {
      inFlight.addAndGet(-n);
      throw new Overloaded(
          "over " + maxInFlightEvents + " events are waiting for Kafka's acknowledgement; retry",
          1);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (n == 0) {
      inFlight.addAndGet(-n);
      done.complete(null);
      return done;
    }
    int per = settings.eventsPerMessage();
    int messages = (n + per - 1) / per;
    AtomicInteger left = new AtomicInteger(messages);
    try {
      sender.execute(
          () -> {
            for (int from = 0; from < n; from += per) {
              List<Event> part = events.subList(from, Math.min(n, from + per));
              byte[] value = EventCodec.encode(part);
              try {
                producer.send(
                    new ProducerRecord<>(settings.topic(), null, value),
                    (meta, error) -> {
                      if (error != null) {
                        fail(done, n, error);
                      } else if (left.decrementAndGet() == 0 && !done.isDone()) {
                        inFlight.addAndGet(-n);
                        sent.add(n);
                        done.complete(null);
                      }
                    });
              } catch (RuntimeException e) {
                fail(done, n, e);
                return;
              }
            }
          });
    } catch (RejectedExecutionException e) {
      inFlight.addAndGet(-n);
      throw new Overloaded("the collector is stopping; retry", 1);
    }
    return done;
  }

  private void fail(CompletableFuture<Void> done, int n, Throwable error) {
    if (done.completeExceptionally(
        new IllegalStateException("Kafka did not acknowledge the events: " + root(error), error))) {
      inFlight.addAndGet(-n);
      failed.increment();
      if (error instanceof RetriableException || error instanceof TimeoutException) {
        unavailable("a send failed: " + root(error));
      }
    }
  }

  public Stats stats() {
    return new Stats(
        available, available ? null : reason, inFlight.get(), sent.sum(), failed.sum());
  }

  /** Whether the brokers answered the last check. */
  public boolean available() {
    return available;
  }

  /** Sends what was taken (waiting up to {@code timeout} for acknowledgements), then stops. */
  public void close(Duration timeout) {
    checker.shutdownNow();
    sender.shutdown();
    try {
      sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(timeout);
    admin.close(Duration.ofSeconds(1));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
