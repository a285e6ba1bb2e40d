package io.sextant.server.ingest;

import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.jsonl.JsonLinesDecoder;
import io.sextant.ingest.otlp.OtlpDecoder;
import io.sextant.ingest.zipkin.ZipkinDecoder;
import io.sextant.server.ingest.IngestCounters.Signal;
import io.sextant.server.security.BrowserCors;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;

/**
 * The three ingest ports and their services — OTLP/gRPC, OTLP/HTTP (protobuf, JSON, JSON lines) and
 * Zipkin — each behind the ingest door ({@link IngestAuth}: token and tenant) and handing what it
 * decodes to one {@link IngestGate}. The embedded server and a collector bind the same listeners;
 * only the gate's sink differs (the store's group commit, or Kafka).
 *
 * @param bindAddress the address every port binds to
 * @param grpcPort OTLP/gRPC
 * @param httpPort OTLP/HTTP
 * @param zipkinPort Zipkin v2
 * @param limits request and item limits
 * @param corsOrigins browser origins allowed on OTLP/HTTP; empty for none
 */
public record IngestListeners(
    String bindAddress,
    int grpcPort,
    int httpPort,
    int zipkinPort,
    IngestLimits limits,
    List<String> corsOrigins) {

  /** Binds the ports on {@code sb} and serves them through {@code gate} behind {@code door}. */
  public void bind(ServerBuilder sb, IngestGate gate, IngestAuth door, Clock clock) {
    for (int port : new int[] {grpcPort, httpPort, zipkinPort}) {
      sb.port(new InetSocketAddress(bindAddress, port), SessionProtocol.HTTP);
    }
    OtlpDecoder otlp = new OtlpDecoder(limits, clock);
    // Room above the message limit, so an oversized message is refused by gRPC with
    // RESOURCE_EXHAUSTED and a message instead of a reset stream (CANCELLED).
    sb.virtualHost(grpcPort)
        .maxRequestLength(2L * limits.maxBodyBytes() + 1024)
        .service(
            GrpcService.builder()
                .addService(OtlpGrpcServices.traces(otlp, gate))
                .addService(OtlpGrpcServices.logs(otlp, gate))
                .addService(OtlpGrpcServices.metrics(otlp, gate))
                .maxRequestMessageLength(limits.maxBodyBytes())
                .exceptionHandler(new GrpcErrors(limits.maxBodyBytes()))
                .intercept(door.grpc())
                .build());
    sb.virtualHost(httpPort)
        .errorHandler(new OtlpHttpErrors(limits.maxBodyBytes()))
        .service(
            "/v1/traces", otlpHttp(new OtlpHttpService(Signal.TRACES, otlp, gate, limits), door))
        .service("/v1/logs", otlpHttp(new OtlpHttpService(Signal.LOGS, otlp, gate, limits), door))
        .service(
            "/v1/metrics", otlpHttp(new OtlpHttpService(Signal.METRICS, otlp, gate, limits), door));
    // JSON lines: its own path, and /v1/logs when the body says it is newline-delimited JSON.
    HttpService jsonLines =
        otlpHttp(new JsonLinesService(new JsonLinesDecoder(limits, clock), gate, limits), door);
    sb.virtualHost(httpPort)
        .service("/v1/logs/jsonl", jsonLines)
        .route()
        .path("/v1/logs")
        .consumes(MediaType.parse("application/x-ndjson"))
        .build(jsonLines);
    sb.virtualHost(zipkinPort)
        .service(
            "/api/v2/spans",
            new ZipkinService(new ZipkinDecoder(limits), gate, limits).decorate(door.zipkin()));
  }

  /**
   * An OTLP/HTTP route: the ingest door (token, tenant) inside, CORS for the configured browser
   * origins outside it (a preflight carries no token).
   */
  private HttpService otlpHttp(HttpService service, IngestAuth door) {
    HttpService s = service.decorate(door.otlpHttp());
    return corsOrigins.isEmpty() ? s : s.decorate(BrowserCors.decorator(corsOrigins));
  }
}
