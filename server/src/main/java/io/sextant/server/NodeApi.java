package io.sextant.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.server.metrics.SelfMetrics;
import io.sextant.server.security.ApiGuard;
import io.sextant.server.security.Keyring;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The API port of a collector, a writer or an archiver (docs/scale-out.md): {@code /health} for
 * load balancers and orchestrators, {@code /api/v1/status} with the role's figures, {@code
 * /metrics} for Prometheus; behind the same door as the full API (Host allowlist, tokens and
 * scopes).
 */
final class NodeApi {
  private static final JsonFactory JSON = new JsonFactory();

  /** What the role says about itself. */
  interface Status {
    /** Null when healthy, else why not, in one sentence. */
    String problem();

    /** The role's figures, as fields of the status object. */
    void writeFields(JsonGenerator g) throws IOException;
  }

  private NodeApi() {}

  static void bind(
      ServerBuilder sb,
      ServerConfig config,
      Keyring keys,
      String role,
      Status status,
      SelfMetrics metrics) {
    sb.port(new InetSocketAddress(config.bindAddress(), config.apiPort()), SessionProtocol.HTTP);
    sb.virtualHost(config.apiPort())
        .service(
            "/health",
            (ctx, req) -> {
              String problem = status.problem();
              return HttpResponse.of(
                  problem == null ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
                  MediaType.PLAIN_TEXT_UTF_8,
                  problem == null ? "ok" : problem);
            })
        .service(
            "/api/v1/status",
            (ctx, req) ->
                json(
                    g -> {
                      String problem = status.problem();
                      g.writeStartObject();
                      g.writeStringField("role", role);
                      g.writeStringField("status", problem == null ? "ok" : "degraded");
                      if (problem != null) {
                        g.writeStringField("reason", problem);
                      }
                      status.writeFields(g);
                      g.writeEndObject();
                    }))
        .service("/metrics", metrics.service())
        .decorator(
            new ApiGuard(
                keys,
                config.bindAddress(),
                config.security().allowedHosts(),
                config.security().operationsTenant()));
  }

  /**
   * The API port of a role that consumes the topic (a writer, an archiver): {@code figures} are its
   * pipeline figures in {@code /metrics}, their {@code queuedEvents} (its lag) also as {@code
   * sextant_<role>_lag_messages}, described by {@code lagHelp}.
   */
  static Server consumer(
      ServerConfig config,
      Keyring keys,
      String role,
      String lagHelp,
      Supplier<BatchingWriter.Stats> figures,
      Status status) {
    SelfMetrics metrics = new SelfMetrics(new IngestCounters(), figures);
    metrics.gauge(
        "sextant_" + role + "_lag_messages",
        lagHelp,
        new String[0],
        cb -> cb.call(figures.get().queuedEvents()));
    ServerBuilder sb = Server.builder();
    sb.requestTimeout(config.requestTimeout());
    bind(sb, config, keys, role, status, metrics);
    return sb.build();
  }

  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static HttpResponse json(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }
}
