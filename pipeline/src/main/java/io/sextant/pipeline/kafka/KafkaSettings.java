package io.sextant.pipeline.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the scale-out roles meet (docs/scale-out.md): the brokers, the topic collectors produce to
 * and writers consume from, and the writers' consumer group.
 *
 * @param bootstrap {@code host:port,…} of the brokers
 * @param topic the events topic; its dead letters go to {@code <topic>.dead}
 * @param group the writers' consumer group
 * @param partitions partitions of the topic when Sextant creates it (at most this many writers
 *     share the load)
 * @param eventsPerMessage the most events in one message: a request's events are split so no
 *     message nears the broker's size limit
 */
public record KafkaSettings(
    String bootstrap, String topic, String group, int partitions, int eventsPerMessage) {
  public static final String DEFAULT_TOPIC = "sextant-events";
  public static final String DEFAULT_GROUP = "sextant-writers";
  private static final Logger log = LoggerFactory.getLogger(KafkaSettings.class);

  public KafkaSettings {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("--kafka needs host:port of at least one broker");
    }
    if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException(
          "--topic \"" + topic + "\" is not a Kafka topic name (letters, digits, . _ -)");
    }
    if (partitions < 1 || eventsPerMessage < 1) {
      throw new IllegalArgumentException("partitions and events per message must be positive");
    }
  }

  public static KafkaSettings of(String bootstrap, String topic) {
    return new KafkaSettings(bootstrap, topic, DEFAULT_GROUP, 6, 2_000);
  }

  public KafkaSettings withGroup(String g) {
    return new KafkaSettings(bootstrap, topic, g, partitions, eventsPerMessage);
  }

  /** The topic of messages a writer could not read, with the reason in a header. */
  public String deadLetterTopic() {
    return topic + ".dead";
  }

  Properties common() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "sextant");
    return p;
  }

  /**
   * The settings of a consumer in {@link #group}, named {@code clientId}: it commits by hand,
   * starts a new group at the earliest offset, and fetches up to 64 messages (16 MB a partition) a
   * poll.
   */
  Properties consumer(String clientId) {
    Properties c = common();
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "64");
    c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
    return c;
  }

  /**
   * {@link #ensureTopics} until it succeeds, once a second while {@code running} holds: each
   * failure is handed to {@code failed} and logged as {@code role}'s wait.
   */
  void awaitTopics(String role, BooleanSupplier running, Consumer<String> failed) {
    try (Admin admin = Admin.create(common())) {
      while (running.getAsBoolean()) {
        try {
          ensureTopics(admin, Duration.ofSeconds(5));
          return;
        } catch (Exception e) {
          String problem = "the brokers at " + bootstrap + " do not answer: " + KafkaSink.root(e);
          failed.accept(problem);
          log.warn("{} waiting for kafka: {}", role, problem);
          try {
            Thread.sleep(1000);
          } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }

  /**
   * Creates the topic and its dead-letter topic when missing (replicated over up to three brokers,
   * with {@code min.insync.replicas} one less, so {@code acks=all} means every in-sync replica).
   */
  void ensureTopics(Admin admin, Duration timeout) throws Exception {
    int brokers =
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
    short replicas = (short) Math.max(1, Math.min(3, brokers));
    Map<String, String> config =
        Map.of("min.insync.replicas", Integer.toString(Math.max(1, replicas - 1)));
    for (NewTopic t :
        new NewTopic[] {
          new NewTopic(topic, partitions, replicas).configs(config),
          new NewTopic(deadLetterTopic(), 1, replicas).configs(config)
        }) {
      try {
        admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }
}
