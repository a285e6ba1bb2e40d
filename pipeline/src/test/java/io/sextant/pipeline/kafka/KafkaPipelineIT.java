package io.sextant.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Event;
import io.sextant.pipeline.Overloaded;
import io.sextant.pipeline.local.LocalKafka;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector → Kafka → writer hop over a real broker (KRaft, in-process, from the Kafka jars):
 * what is acknowledged is stored once, through a writer's death between store and commit, a poison
 * pill, a store that refuses for a while, and the broker going away and coming back.
 */
class KafkaPipelineIT {
  @TempDir Path dir;
  private LocalKafka kafka;
  private KafkaSettings settings;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void broker() {
    kafka = LocalKafka.start(dir.resolve("kafka"), List.of(), 2);
    settings = new KafkaSettings(kafka.bootstrap(), "events", KafkaSettings.DEFAULT_GROUP, 2, 50);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private <T extends AutoCloseable> T opened(T c) {
    open.add(c);
    return c;
  }

  private KafkaSink sink() {
    KafkaSink sink = opened(new KafkaSink(settings, 100_000).start());
    await(sink::available, "the sink to reach the broker");
    return sink;
  }

  private static void await(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** {@code n} requests of a trace each: 3 spans and 2 logs, in the given tenant. */
  private static List<List<Event>> requests(int n, String tenant) {
    List<List<Event>> out = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(n);
    for (int i = 0; i < n; i++) {
      List<Event> trace = new ArrayList<>();
      for (Event e : Fixtures.trace(rnd, Fixtures.T0 + i * 1_000_000L, 3)) {
        trace.add(e.withTenant(tenant));
      }
      out.add(trace);
    }
    return out;
  }

  private static List<Event> sendAll(KafkaSink sink, List<List<Event>> requests) throws Exception {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    List<Event> all = new ArrayList<>();
    for (List<Event> r : requests) {
      acks.add(sink.submit(r));
      all.addAll(r);
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return all;
  }

  /** Each request to each of the topic's two partitions in turn, acknowledged by the broker. */
  private List<Event> sendToEachPartition(List<List<Event>> requests) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("acks", "all");
    p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
    p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
    List<Event> all = new ArrayList<>();
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p)) {
      for (int i = 0; i < requests.size(); i++) {
        producer
            .send(
                new org.apache.kafka.clients.producer.ProducerRecord<>(
                    settings.topic(),
                    i % 2,
                    null,
                    io.sextant.pipeline.EventCodec.encode(requests.get(i))))
            .get(30, TimeUnit.SECONDS);
        all.addAll(requests.get(i));
      }
    }
    return all;
  }

  private static long stored(EventStore store) {
    try {
      return store.stats().events();
    } catch (StoreException e) {
      throw new AssertionError(e);
    }
  }

  /** Every event of {@code expected} is in {@code store} exactly once, and nothing else. */
  private static void assertStoredOnce(MemoryEventStore store, List<Event> expected)
      throws Exception {
    List<Event> stored = store.scan(new io.sextant.store.spi.TimeRange(0, Long.MAX_VALUE)).get();
    assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void acknowledgedEvents_areStoredOnce_withTheirTenants() throws Exception {
    MemoryEventStore store = new MemoryEventStore();
    KafkaSink sink = sink();
    List<Event> sent = sendAll(sink, requests(40, "acme"));
    sent.addAll(sendAll(sink, requests(10, "globex")));
    KafkaLoader writer = opened(new KafkaLoader(settings, store).start());
    await(() -> writer.stats().writtenEvents() >= sent.size(), "the writer to store everything");
    assertStoredOnce(store, sent);
    assertThat(store.forTenant("globex").stats().events()).isEqualTo(50);
    assertThat(sink.stats().sentEvents()).isEqualTo(sent.size());
  }

  @Test
  void aWriterDyingBetweenStoreAndCommit_isRedelivered_andNothingIsStoredTwice() throws Exception {
    MemoryEventStore data = new MemoryEventStore();
    AtomicInteger writes = new AtomicInteger();
    EventStore counting =
        new ForwardingEventStore(data) {
          @Override
          protected void writing(int events, Write write) throws StoreException {
            writes.addAndGet(events);
            write.run();
          }
        };
    List<Event> sent = sendAll(sink(), requests(30, "default"));
    AtomicBoolean died = new AtomicBoolean();
    KafkaLoader doomed =
        new KafkaLoader(
            settings,
            counting,
            events -> {
              died.set(true);
              throw new Error("the process is gone before the commit");
            });
    doomed.start();
    await(died::get, "the first writer to store a batch and die");
    doomed.close();
    int writtenByTheDead = writes.get();
    assertThat(writtenByTheDead).isPositive();
    KafkaLoader heir = opened(new KafkaLoader(settings, counting).start());
    await(() -> heir.stats().writtenEvents() >= sent.size(), "the next writer to store all");
    assertStoredOnce(data, sent);
    // The dead writer's batch was written again: redelivered, and stored once all the same.
    assertThat(writes.get()).isEqualTo(writtenByTheDead + sent.size());
  }

  @Test
  void aPoisonPill_goesToTheDeadLetterTopic_andTheWriterGoesOn() throws Exception {
    MemoryEventStore store = new MemoryEventStore();
    KafkaSink sink = sink();
    List<Event> before = sendAll(sink, requests(5, "default"));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    try (KafkaProducer<byte[], byte[]> raw =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>("events", "not events at all".getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
    List<Event> after = sendAll(sink, requests(5, "acme"));
    KafkaLoader writer = opened(new KafkaLoader(settings, store).start());
    List<Event> all = new ArrayList<>(before);
    all.addAll(after);
    await(
        () -> writer.stats().writtenEvents() >= all.size() && writer.stats().deadLetters() == 1,
        "the writer to pass the pill");
    assertStoredOnce(store, all);

    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-dead");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> dead =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      dead.subscribe(List.of(settings.deadLetterTopic()));
      List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (letters.isEmpty() && System.nanoTime() < deadline) {
        dead.poll(Duration.ofMillis(500)).forEach(letters::add);
      }
      assertThat(letters).hasSize(1);
      assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8))
          .isEqualTo("not events at all");
      assertThat(
              new String(
                  letters.get(0).headers().lastHeader(KafkaLoader.REASON_HEADER).value(),
                  StandardCharsets.UTF_8))
          .contains("no SX magic");
    }
  }

  @Test
  void aStoreThatRefuses_pausesTheWriter_showsTheLag_andLosesNothing() throws Exception {
    MemoryEventStore data = new MemoryEventStore();
    AtomicBoolean down = new AtomicBoolean(true);
    EventStore flaky =
        new ForwardingEventStore(data) {
          @Override
          protected void writing(int events, Write write) throws StoreException {
            if (down.get()) {
              throw new StoreException("ClickHouse does not answer: connection refused");
            }
            write.run();
          }
        };
    List<Event> sent = sendAll(sink(), requests(60, "default"));
    KafkaLoader writer = opened(new KafkaLoader(settings, flaky).start());
    await(
        () -> writer.stats().storeRefusing() && writer.stats().lagMessages() > 0,
        "the writer to report the refusal and its lag");
    assertThat(writer.stats().lastError()).contains("connection refused");
    assertThat(writer.stats().writtenEvents()).isZero();
    down.set(false);
    await(() -> writer.stats().writtenEvents() >= sent.size(), "the writer to catch up");
    await(() -> writer.stats().lagMessages() == 0, "the lag to clear");
    assertThat(writer.stats().storeRefusing()).isFalse();
    assertStoredOnce(data, sent);
  }

  /**
   * A writer waiting out a refusing store keeps polling, so a rebalance can hand it another
   * writer's partitions meanwhile: what it reads from them must be read again later, not dropped.
   */
  @Test
  void partitionsGainedWhileTheStoreRefuses_loseNothing() throws Exception {
    MemoryEventStore data = new MemoryEventStore();
    AtomicBoolean down = new AtomicBoolean(true);
    EventStore flaky =
        new ForwardingEventStore(data) {
          @Override
          protected void writing(int events, Write write) throws StoreException {
            if (down.get()) {
              throw new StoreException("ClickHouse does not answer: connection refused");
            }
            write.run();
          }
        };
    KafkaLoader waiting = opened(new KafkaLoader(settings, flaky).start());
    KafkaLoader other = new KafkaLoader(settings, flaky).start();
    List<Event> sent = new ArrayList<>();
    // Both partitions get events (the sink's sticky partitioner might fill one only).
    sent.addAll(sendToEachPartition(requests(20, "acme")));
    await(
        () -> waiting.stats().storeRefusing() || other.stats().storeRefusing(),
        "the writers to hold refused batches");
    Thread.sleep(2_000); // both have joined and read by now, as a rule
    other.close(); // its partitions go to the waiting writer, whose store still refuses
    sent.addAll(sendToEachPartition(requests(20, "globex")));
    Thread.sleep(8_000); // the waiting writer polls (backoff up to 5 s) and joins the new group
    down.set(false);
    await(
        () -> stored(data) >= sent.size() && waiting.stats().lagMessages() == 0,
        "every acknowledged event to be stored");
    assertStoredOnce(data, sent);
  }

  @Test
  void whileTheBrokerIsDown_theSinkRefuses_andRecoversWhenItReturns() throws Exception {
    MemoryEventStore store = new MemoryEventStore();
    KafkaSink sink = sink();
    List<Event> sent = sendAll(sink, requests(5, "default"));
    kafka.close();
    LocalKafka stopped = kafka;
    kafka = null;
    await(() -> !sink.available(), "the sink to notice the broker is gone");
    assertThatThrownBy(() -> sink.submit(requests(1, "default").get(0)))
        .isInstanceOf(Overloaded.class)
        .hasMessageContaining("Kafka is unavailable");
    kafka = stopped.restart();
    await(sink::available, "the sink to see the broker back");
    sent.addAll(sendAll(sink, requests(5, "acme")));
    KafkaLoader writer = opened(new KafkaLoader(settings, store).start());
    await(() -> writer.stats().writtenEvents() >= sent.size(), "the writer to store all");
    assertStoredOnce(store, sent);
  }
}
