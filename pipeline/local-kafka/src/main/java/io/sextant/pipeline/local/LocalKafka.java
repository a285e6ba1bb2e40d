package io.sextant.pipeline.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, combined broker + controller, one node) started in-process from the
 * Kafka jars on free loopback ports, with its log in a directory of its own: for the demo
 * (docs/adr/0007-demo-system.md), the tests of the scale-out roles and the cluster script. A port
 * taken between choosing and binding it makes {@link #start} fail; callers that must not fail retry
 * with a fresh directory.
 *
 * <p>The broker shares its process with its host (the demo's Sextant, a test), so its fatal faults
 * must not end that process: Kafka stops a broker whose log directories fail, or whose controller
 * meets an unexpected error, with {@code Exit.halt(1)}, and a test JVM halted that way dies without
 * a word (surefire only says "the forked VM terminated"). The first {@link #start} replaces Kafka's
 * exit and halt with an ERROR line and a count ({@link #faults}): the broker is then broken, and
 * what uses it fails on its own, with the reason in the log.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
  private static final AtomicInteger FAULTS = new AtomicInteger();

  static {
    Exit.setHaltProcedure((status, message) -> fault("halt", status, message));
    Exit.setExitProcedure((status, message) -> fault("exit", status, message));
  }

  private static void fault(String how, int status, String message) {
    FAULTS.incrementAndGet();
    log.error(
        "the local Kafka broker asked to {} the process with status {} ({}); the process goes on,"
            + " the broker is broken",
        how,
        status,
        message,
        new IllegalStateException("Kafka's " + how + "(" + status + ")"));
  }

  /** How many times a local broker in this process asked to halt or exit it. */
  public static int faults() {
    return FAULTS.get();
  }

  private final KafkaRaftServer server;
  private final int port;
  private final int controllerPort;
  private final Path dir;
  private final String clusterId;

  private LocalKafka(
      KafkaRaftServer server, int port, int controllerPort, Path dir, String clusterId) {
    this.server = server;
    this.port = port;
    this.controllerPort = controllerPort;
    this.dir = dir;
    this.clusterId = clusterId;
  }

  /** A broker with {@code topics} of two partitions each. */
  public static LocalKafka start(Path dir, List<String> topics) {
    return start(dir, topics, 2);
  }

  /** A broker with {@code topics} of {@code partitions} partitions each. */
  public static LocalKafka start(Path dir, List<String> topics, int partitions) {
    LocalKafka kafka = startOnce(dir, freePort(), freePort(), Uuid.randomUuid().toString());
    try {
      kafka.createTopics(topics, partitions);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /** A port free on 127.0.0.1 now. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  /**
   * The same broker started again after {@link #close}, on its ports and over its log: what a
   * broker restart looks like to its clients.
   */
  public LocalKafka restart() {
    return startOnce(dir, port, controllerPort, clusterId);
  }

  private static LocalKafka startOnce(Path dir, int port, int controller, String clusterId) {
    try {
      Files.createDirectories(dir);
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", "1");
      p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
      p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
      p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("log.dirs", dir.resolve("data").toString());
      p.put("offsets.topic.replication.factor", "1");
      p.put("offsets.topic.num.partitions", "4");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("num.network.threads", "2");
      p.put("num.io.threads", "2");
      p.put("background.threads", "2");
      p.put("log.retention.hours", "1");
      p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
      p.put("auto.create.topics.enable", "false");
      Path config = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(config)) {
        p.store(out, "sextant local broker");
      }
      ByteArrayOutputStream formatOut = new ByteArrayOutputStream();
      int rc =
          StorageTool.execute(
              new String[] {
                "format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"
              },
              new PrintStream(formatOut, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IllegalStateException(
            "kafka storage format failed: " + formatOut.toString(StandardCharsets.UTF_8));
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        server.shutdown();
        throw e;
      }
      return new LocalKafka(server, port, controller, dir, clusterId);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start kafka: " + e, e);
    }
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Creates {@code topics}, {@code partitions} partitions each. */
  public void createTopics(List<String> topics, int partitions) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList())
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics " + topics + ": " + e, e);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  public Path dir() {
    return dir;
  }
}
