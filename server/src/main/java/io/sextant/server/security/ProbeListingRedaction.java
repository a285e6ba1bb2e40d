package io.sextant.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.ingest.redact.Redactor;
import io.sextant.model.Attributes;
import io.sextant.server.api.answer.Answers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/probes} with each probe's {@code url} (and {@code headers}, where listed)
 * passed through the ingest redaction rules, so a probe's {@code ?api_key=…} is not shown; the
 * stored probe results are redacted on their way to the store like every other event.
 */
public final class ProbeListingRedaction implements DecoratingHttpServiceFunction {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Redactor redactor;

  public ProbeListingRedaction(Redactor redactor) {
    this.redactor = redactor;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    if (!ctx.path().equals("/api/v1/probes")
        || req.method() != HttpMethod.GET
        || redactor.rules().isEmpty()) {
      return delegate.serve(ctx, req);
    }
    // The answer is read here, so it must come uncompressed (it is small).
    HttpRequest plain =
        req.withHeaders(
            req.headers().toBuilder().removeAndThen(HttpHeaderNames.ACCEPT_ENCODING).build());
    return HttpResponse.of(delegate.serve(ctx, plain).aggregate().thenApply(this::redact));
  }

  private HttpResponse redact(AggregatedHttpResponse agg) {
    if (agg.status() != HttpStatus.OK) {
      return agg.toHttpResponse();
    }
    if (agg.headers().contains(HttpHeaderNames.CONTENT_ENCODING)) {
      return cannotRedact(); // never pass on what could not be read: it may hold a key
    }
    try {
      JsonNode root = JSON.readTree(agg.contentUtf8());
      for (JsonNode p : root.path("probes")) {
        if (!(p instanceof ObjectNode probe)) {
          continue;
        }
        if (probe.path("url").isTextual()) {
          probe.put("url", redactor.url(probe.get("url").asText()));
        }
        if (probe.path("headers").isObject()) {
          Map<String, Object> headers = new LinkedHashMap<>();
          probe
              .get("headers")
              .fields()
              .forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
          ObjectNode out = probe.putObject("headers");
          redactor
              .apply(Attributes.of(headers))
              .asMap()
              .forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
      }
      return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, JSON.writeValueAsBytes(root));
    } catch (Exception e) {
      return cannotRedact();
    }
  }

  private static HttpResponse cannotRedact() {
    return Answers.error(
        HttpStatus.INTERNAL_SERVER_ERROR, "the probe listing could not be redacted");
  }
}
