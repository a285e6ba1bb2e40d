package io.sextant.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.NodeAnswers;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.server.metrics.SelfMetrics;
import io.sextant.server.security.ApiGuard;
import io.sextant.server.security.Keyring;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The API port of a collector, a writer or an archiver (docs/scale-out.md): {@code /health} for
 * load balancers and orchestrators, {@code /api/v1/status} with the role's figures, {@code
 * /metrics} for Prometheus; behind the same door as the full API (Host allowlist, tokens and
 * scopes).
 */
final class NodeApi {
  /** What the role says about itself. */
  interface Status {
    /** Null when healthy, else why not, in one sentence. */
    String problem();

    /** The role's figures, beside {@code role} and {@code status} in the status answer. */
    Record figures();
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
                Answers.response(
                    HttpStatus.OK,
                    NodeAnswers.NodeStatus.of(role, status.problem(), status.figures())))
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
}
