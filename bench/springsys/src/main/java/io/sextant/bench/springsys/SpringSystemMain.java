package io.sextant.bench.springsys;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the shop alone until Ctrl-C: {@code SpringSystemMain [OTLP_HTTP_ENDPOINT [WORK_DIR]]} (the
 * endpoint defaults to http://127.0.0.1:4318, where {@code sextant serve} listens). Prints the
 * gateway, the health targets for {@code sextant serve --health} and every process id.
 */
public final class SpringSystemMain {
  private SpringSystemMain() {}

  public static void main(String[] args) throws Exception {
    String otlp = args.length > 0 ? args[0] : "http://127.0.0.1:4318";
    Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("springsys-");
    SpringSystem s = SpringSystem.start(work, otlp);
    System.out.println("springsys ready in " + s.readyMillis() + " ms; logs in " + s.logs());
    System.out.println("gateway " + s.gatewayUrl());
    System.out.println("health targets: --health " + String.join(",", s.healthTargets()));
    System.out.println("service pids " + s.servicePids());
    System.out.println("database pids " + s.databasePids());
    System.out.println("database ports (proxies) " + s.databasePorts());
    System.out.println("kafka " + s.kafkaBootstrap() + " pid " + s.kafkaPid());
    System.out.println("RSS " + s.rssKib() / 1024 + " MiB");
    Thread.currentThread().join();
  }
}
