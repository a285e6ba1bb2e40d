package io.sextant.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sextant demo}: runs the demo; {@code sextant demo fault|faults} drive its faults. */
@Command(
    name = "sextant demo",
    mixinStandardHelpOptions = true,
    description =
        "Start Sextant with a 18-service storefront, its databases, cache and Kafka queue, and"
            + " traffic; Ctrl-C stops everything.",
    subcommands = {DemoMain.Faults.class, DemoMain.FaultCmd.class})
public final class DemoMain implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "${env:SEXTANT_DATA_DIR:-./sextant-data/demo}",
      description = "Where Sextant's database and the broker's log live. Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--rate",
      defaultValue = "${env:SEXTANT_DEMO_RATE:-30}",
      description = "Shopper requests per second (0: no traffic). Default: ${DEFAULT-VALUE}")
  double rate;

  @Option(
      names = "--api-port",
      defaultValue = "${env:SEXTANT_API_PORT:-7070}",
      description = "Sextant API port (another free port if taken). Default: ${DEFAULT-VALUE}")
  int apiPort;

  public static void main(String[] args) {
    // The server jar has its own logback.xml; the demo's quiets the broker and the pool.
    System.setProperty("logback.configurationFile", "logback-demo.xml");
    int code = new CommandLine(new DemoMain()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    DemoConfig d = DemoConfig.defaults(dataDir);
    DemoConfig config =
        new DemoConfig(
            dataDir,
            apiPort,
            d.otlpHttpPort(),
            d.otlpGrpcPort(),
            d.zipkinPort(),
            d.gatewayPort(),
            rate,
            d.exportDelay(),
            d.storeMemoryLimit(),
            d.environment(),
            d.corsOrigins());
    System.out.println(
        "sextant demo: starting Sextant, Kafka, 14 databases, the cache and 18 services...");
    Demo demo = Demo.start(config);
    demo.sextant().startSlos(Demo.slos().withUiUrl(demo.apiUrl())); // docs/slo.md
    // Sextant polls every service's and every database's health, so the map shows health and
    // triage has it as evidence.
    demo.pollHealth();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nsextant demo: stopping...");
                  demo.close();
                  stopped.countDown();
                },
                "demo-shutdown"));
    String api = demo.apiUrl();
    String gw = demo.gatewayUrl();
    System.out.printf(
        """

        Sextant demo ready in %.1f s.

          Web UI         %s/   (explore, traces, the map, triage, changes)
          Sextant API    %s   (services: %s/api/v1/services, one trace: %s/api/v1/traces/<trace-id>)
          OTLP ingest    http://127.0.0.1:%d (HTTP), 127.0.0.1:%d (gRPC)
          Storefront     %s   (the gateway: 12 public functions, see demo/README.md)
          Traffic        %s requests/s from 100,000 users in 1,000 accounts; testers fire tracer bullets

        Try:
          curl -s %s/api/v1/services
          curl -si -H 'baggage: user_id=u-tester-01,account_id=a-tester,request_type=TRACE' \\
               %s/api/products/42 | grep traceresponse     # a tracer bullet; then read its trace
          ./sextant demo fault latency payments-db --ms 800     # break something
          ./sextant demo fault down inventory
          ./sextant triage                                      # what is at fault, and why
          ./sextant demo faults                                 # what is broken now
          ./sextant demo fault clear all

        Ctrl-C stops everything.
        """,
        demo.readyMillis() / 1000.0,
        api,
        api,
        api,
        api,
        demo.sextant().config().otlpHttpPort(),
        demo.sextant().config().otlpGrpcPort(),
        gw,
        rate == 0 ? "no" : (rate % 1 == 0 ? Long.toString((long) rate) : Double.toString(rate)),
        api,
        gw);
    stopped.await();
    return 0;
  }

  /** Options shared by the commands that talk to a running demo. */
  static class Remote {
    @Option(
        names = "--api",
        defaultValue = "${env:SEXTANT_API:-http://127.0.0.1:7070}",
        description = "The running demo's Sextant API. Default: ${DEFAULT-VALUE}")
    String api;

    static final HttpClient HTTP =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    int send(String method, String path, String body) throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(20));
      if (body != null) {
        b.header("content-type", "application/json");
      }
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r;
      try {
        r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        System.err.println("no demo answers at " + api + ": start one with ./sextant demo");
        return 2;
      }
      System.out.println(r.body());
      return r.statusCode() < 300 ? 0 : 1;
    }
  }

  @Command(
      name = "faults",
      mixinStandardHelpOptions = true,
      description = "List the active faults, the fault kinds and the targets.")
  static final class Faults extends Remote implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return send("GET", "/api/v1/demo/faults", null);
    }
  }

  @Command(
      name = "fault",
      mixinStandardHelpOptions = true,
      description = {
        "Break a component, or clear faults:",
        "  fault <kind> <target> [--percent N] [--ms N] [--jitter N]",
        "  fault clear <id>|all",
        "Kinds: down, hung, error-rate, latency (slow), resets, bad-deploy, host-down, cpu-hog,"
            + " pool-exhaustion. Targets: services, databases (e.g. payments-db), cache, hosts"
            + " (node-1..node-6, edge-1)."
      })
  static final class FaultCmd extends Remote implements Callable<Integer> {
    @Parameters(index = "0", description = "the fault kind, or clear")
    String kind;

    @Parameters(index = "1", description = "the component, host, or (for clear) a fault id or all")
    String target;

    @Option(names = "--percent", defaultValue = "0", description = "for error-rate and resets")
    int percent;

    @Option(names = "--ms", defaultValue = "0", description = "for latency and cpu-hog")
    int millis;

    @Option(names = "--jitter", defaultValue = "0", description = "± ms for latency")
    int jitter;

    @Override
    public Integer call() throws Exception {
      if (kind.equals("clear")) {
        return target.equals("all")
            ? send("DELETE", "/api/v1/demo/faults", null)
            : send("DELETE", "/api/v1/demo/faults/" + target, null);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("kind", kind);
      body.put("target", target);
      body.put("percent", percent);
      body.put("millis", millis);
      body.put("jitter_millis", jitter);
      return send("POST", "/api/v1/demo/faults", new ObjectMapper().writeValueAsString(body));
    }
  }
}
