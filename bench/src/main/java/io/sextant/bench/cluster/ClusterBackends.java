package io.sextant.bench.cluster;

import io.sextant.pipeline.local.LocalKafka;
import io.sextant.store.clickhouse.LocalClickHouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The engines under the cluster of {@code bench/cluster/run.sh}: a Kafka broker (KRaft, from the
 * Kafka jars, in this JVM) and ClickHouse shards (child processes), each listening on 127.0.0.1 on
 * free ports, every shard with the {@code <remote_servers>} cluster {@value #CLUSTER} over all of
 * them, so any of them can be a node's front server. Writes where they listen to {@code
 * <dir>/backends.env} (shell assignments) once all answer, then runs until SIGTERM and stops them.
 *
 * <pre>java -cp sextant-bench.jar io.sextant.bench.cluster.ClusterBackends DIR [SHARDS]</pre>
 */
public final class ClusterBackends {
  static final String CLUSTER = "sextant";

  private ClusterBackends() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: ClusterBackends DIR [SHARDS (default 2)]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    int shards = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    List<AutoCloseable> started = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (int i = started.size() - 1; i >= 0; i--) {
                    try {
                      started.get(i).close();
                    } catch (Exception e) {
                      System.err.println("cluster-backends: stopping failed: " + e);
                    }
                  }
                  stopped.countDown();
                },
                "cluster-backends-stop"));
    try {
      LocalKafka kafka = startKafka(dir);
      started.add(kafka);
      List<LocalClickHouse> servers = startShards(dir, shards, started);
      StringBuilder env = new StringBuilder();
      env.append("KAFKA=").append(kafka.bootstrap()).append('\n');
      env.append("KAFKA_PID=").append(ProcessHandle.current().pid()).append('\n');
      env.append("CLICKHOUSE_CLUSTER=").append(CLUSTER).append('\n');
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < servers.size(); i++) {
        env.append("CLICKHOUSE_")
            .append(i + 1)
            .append('=')
            .append(servers.get(i).url())
            .append('\n');
        env.append("CLICKHOUSE_").append(i + 1).append("_PID=").append(servers.get(i).pid());
        env.append('\n');
        urls.add(servers.get(i).url().toString());
      }
      env.append("CLICKHOUSE_SHARDS=").append(String.join(",", urls)).append('\n');
      Path tmp = dir.resolve("backends.env.tmp");
      Files.writeString(tmp, env.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve("backends.env"), StandardCopyOption.ATOMIC_MOVE);
      System.err.print("cluster-backends: ready\n" + env);
    } catch (Exception | Error e) {
      System.err.println("cluster-backends: could not start: " + e);
      System.exit(1); // runs the hook, which stops what did start
    }
    stopped.await();
  }

  /** A broker; a port taken between choosing and binding it means a new try on fresh ones. */
  private static LocalKafka startKafka(Path dir) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return LocalKafka.start(dir.resolve("kafka-" + attempt), List.of(), 1);
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The shards, each knowing the cluster of all of them; retried on fresh ports as above. */
  private static List<LocalClickHouse> startShards(
      Path dir, int shards, List<AutoCloseable> started) throws Exception {
    Exception last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int[] http = new int[shards];
      int[] tcp = new int[shards];
      for (int i = 0; i < shards; i++) {
        http[i] = LocalClickHouse.freePort();
        tcp[i] = LocalClickHouse.freePort();
      }
      String cluster = LocalClickHouse.cluster(CLUSTER, tcp);
      List<LocalClickHouse> servers = new ArrayList<>();
      try {
        for (int i = 0; i < shards; i++) {
          Path home = dir.resolve("clickhouse-" + (i + 1) + "-" + attempt);
          servers.add(LocalClickHouse.start(home, http[i], tcp[i], cluster));
        }
        started.addAll(servers);
        return servers;
      } catch (Exception e) {
        last = e;
        servers.forEach(LocalClickHouse::close);
      }
    }
    throw last;
  }
}
