package io.sextant.demo.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sextant.client.TracerBullet;
import io.sextant.demo.telemetry.ServiceTelemetry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Calls from one service to another over HTTP/1.1 on loopback, each as a CLIENT span ({@code
 * http.request.method}, {@code url.template}, {@code server.address}, {@code server.port}, {@code
 * peer.service}) whose context and baggage go out in W3C {@code traceparent} and {@code baggage}
 * headers.
 */
public final class Downstream {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String target;
  private final int port;
  private final Tracer tracer;
  private final WebClient client;

  public Downstream(String target, int port, Duration timeout, Tracer tracer) {
    this.target = target;
    this.port = port;
    this.tracer = tracer;
    this.client =
        WebClient.builder("h1c://127.0.0.1:" + port)
            .responseTimeout(timeout)
            .maxResponseLength(4 * 1024 * 1024)
            .build();
  }

  public String target() {
    return target;
  }

  /**
   * Calls {@code method template}, with {@code path} the template filled in; returns the JSON body.
   * A failure to connect, a timeout or a 5xx becomes {@link DownstreamException}; a 4xx an {@link
   * HttpError} with the same status.
   */
  public JsonNode call(HttpMethod method, String template, String path, Object body) {
    return call(method, template, path, body, Map.of());
  }

  /** {@link #call(HttpMethod, String, String, Object)} with extra request headers. */
  public JsonNode call(
      HttpMethod method, String template, String path, Object body, Map<String, String> headers) {
    Span span =
        tracer
            .spanBuilder(method.name() + " " + template)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("http.request.method", method.name())
            .setAttribute("url.template", template)
            .setAttribute("url.full", "http://127.0.0.1:" + port + path)
            .setAttribute("server.address", "127.0.0.1")
            .setAttribute("server.port", (long) port)
            .setAttribute("peer.service", target)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      RequestHeadersBuilder h = RequestHeaders.builder(method, path);
      headers.forEach(h::set);
      ServiceTelemetry.PROPAGATORS
          .getTextMapPropagator()
          .inject(Context.current(), h, (b, k, v) -> b.set(k, v));
      HttpRequest req;
      if (body != null) {
        h.contentType(MediaType.JSON_UTF_8);
        req =
            HttpRequest.of(
                h.build(), com.linecorp.armeria.common.HttpData.wrap(JSON.writeValueAsBytes(body)));
      } else {
        req = HttpRequest.of(h.build());
      }
      AggregatedHttpResponse res = client.execute(req).aggregate().get();
      TracerBullet.noteResponse( // relayed: the caller's answer says it too
          res.headers().get(TracerBullet.RESPONSE_HEADER));
      int status = res.status().code();
      span.setAttribute("http.response.status_code", (long) status);
      JsonNode json =
          res.content().isEmpty() ? JSON.nullNode() : JSON.readTree(res.content().array());
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute("error.type", Integer.toString(status));
        throw new DownstreamException(
            target, target + " answered " + status + ": " + message(json));
      }
      if (status >= 400) {
        throw new HttpError(status, message(json));
      }
      return json;
    } catch (DownstreamException | HttpError e) {
      throw e;
    } catch (Exception e) {
      Throwable cause = unwrap(e);
      span.recordException(cause);
      span.setStatus(StatusCode.ERROR, cause.toString());
      span.setAttribute("error.type", cause.getClass().getName());
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new DownstreamException(target, target + ": " + describe(cause));
    } finally {
      span.end();
    }
  }

  static String message(JsonNode json) {
    JsonNode m = json.get("error");
    return m == null ? json.toString() : m.asText();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof com.linecorp.armeria.client.UnprocessedRequestException
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    if (t instanceof com.linecorp.armeria.client.ResponseTimeoutException) {
      return "timed out";
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
