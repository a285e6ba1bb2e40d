package io.sextant.demo.queue;

import io.sextant.demo.net.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (KRaft, combined broker + controller, one node) started in-process from the
 * Kafka jars, with its log in a directory of its own; see docs/adr/0007-demo-system.md.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaRaftServer server;
  private final int port;
  private final Path dir;

  private EmbeddedKafka(KafkaRaftServer server, int port, Path dir) {
    this.server = server;
    this.port = port;
    this.dir = dir;
  }

  public static EmbeddedKafka start(Path dir, List<String> topics) {
    int[] attempt = {0};
    return Ports.bindRetrying(
        "kafka",
        () -> {
          int n = ++attempt[0];
          return startOnce(n == 1 ? dir : dir.resolveSibling(dir.getFileName() + "-" + n), topics);
        });
  }

  private static EmbeddedKafka startOnce(Path dir, List<String> topics) {
    try {
      Files.createDirectories(dir);
      int port = Ports.free();
      int controller = Ports.free();
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
        p.store(out, "sextant demo broker");
      }
      ByteArrayOutputStream formatOut = new ByteArrayOutputStream();
      int rc =
          StorageTool.execute(
              new String[] {
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString(),
                "--ignore-formatted"
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
      EmbeddedKafka kafka = new EmbeddedKafka(server, port, dir);
      kafka.createTopics(topics);
      return kafka;
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

  private void createTopics(List<String> topics) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(topics.stream().map(t -> new NewTopic(t, 2, (short) 1)).toList())
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
