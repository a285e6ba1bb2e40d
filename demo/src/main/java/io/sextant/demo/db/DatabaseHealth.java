package io.sextant.demo.db;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.sextant.client.HealthCheck;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The databases' own health, the way a database exporter or a cloud console reports it: {@code GET
 * /health/<component>} opens a fresh connection to that database at the address its clients use
 * (through its fault proxy) and runs {@code SELECT 1}, within a second. It answers for the database
 * itself, not for any service's connection pool: a service whose pool leaked reports its database
 * down, while the database answers here.
 */
public final class DatabaseHealth implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final Server server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  private DatabaseHealth(Collection<DatabaseServer> databases) {
    Map<String, HealthCheck> checks = new LinkedHashMap<>();
    for (DatabaseServer d : databases) {
      checks.put(
          d.component(),
          HealthCheck.builder(d.component())
              .workload(() -> answers(d))
              .timeout(TIMEOUT)
              .cacheFor(Duration.ZERO) // every poll asks the database now (one check at a time)
              .build());
    }
    this.server =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .requestTimeout(TIMEOUT.multipliedBy(5))
            .gracefulShutdownTimeoutMillis(0, 500)
            .service(
                "/health/{database}",
                (ctx, req) -> {
                  HealthCheck check = checks.get(ctx.pathParam("database"));
                  if (check == null) {
                    return HttpResponse.of(
                        HttpStatus.NOT_FOUND,
                        MediaType.PLAIN_TEXT_UTF_8,
                        "no database named " + ctx.pathParam("database") + "\n");
                  }
                  return HttpResponse.of(
                      CompletableFuture.supplyAsync(
                          () -> {
                            HealthCheck.Report r = check.report();
                            return HttpResponse.of(
                                HttpStatus.valueOf(r.httpStatus()),
                                MediaType.JSON_UTF_8,
                                r.toJson());
                          },
                          executor));
                })
            .build();
  }

  /** Serves the health of {@code databases} on a free loopback port. */
  public static DatabaseHealth start(Collection<DatabaseServer> databases) {
    DatabaseHealth h = new DatabaseHealth(databases);
    h.server.start().join();
    return h;
  }

  /** The health URL of one database, e.g. {@code http://127.0.0.1:41234/health/payments-db}. */
  public URI url(DatabaseServer d) {
    return URI.create("http://127.0.0.1:" + server.activeLocalPort() + "/health/" + d.component());
  }

  private static boolean answers(DatabaseServer d) throws Exception {
    try (Connection c = DriverManager.getConnection(d.jdbcUrl(), "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }

  @Override
  public void close() {
    server.stop().join();
    executor.shutdownNow(); // a check stuck on a hung database must not hold the demo up
  }
}
