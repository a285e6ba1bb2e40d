package io.sextant.demo.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.client.RequestContext;
import io.sextant.client.StructuredLog;
import io.sextant.demo.cache.CacheClient;
import io.sextant.demo.db.ServiceDatabase;
import io.sextant.demo.queue.Messaging;
import java.io.IOException;
import java.util.Map;

/** One request to a service, as its handler sees it. */
public final class Call {
  private final ServiceNode node;
  private final ServiceRequestContext ctx;
  private final AggregatedHttpRequest req;
  private JsonNode body;

  Call(ServiceNode node, ServiceRequestContext ctx, AggregatedHttpRequest req) {
    this.node = node;
    this.ctx = ctx;
    this.req = req;
  }

  public String path(String name) {
    return ctx.pathParam(name);
  }

  public String query(String name, String fallback) {
    String v = ctx.queryParam(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  public String header(String name) {
    return req.headers().get(name);
  }

  public JsonNode body() throws IOException {
    if (body == null) {
      body =
          req.content().isEmpty()
              ? Downstream.JSON.createObjectNode()
              : Downstream.JSON.readTree(req.content().array());
    }
    return body;
  }

  /** The request context from baggage: user, account, request type, tenant. */
  public RequestContext context() {
    return RequestContext.current();
  }

  public ServiceDatabase db() {
    if (node.db == null) {
      throw new IllegalStateException(node.name() + " has no database");
    }
    return node.db;
  }

  public CacheClient cache() {
    return node.cache;
  }

  public Messaging.Publisher publisher() {
    return node.publisher;
  }

  public StructuredLog log() {
    return node.telemetry.log();
  }

  public JsonNode get(String service, String template, String path) {
    return node.downstream(service).call(HttpMethod.GET, template, path, null);
  }

  public JsonNode post(String service, String template, String path, Object payload) {
    return node.downstream(service).call(HttpMethod.POST, template, path, payload);
  }

  /** Passes this request on to {@code service} with its body and authorization header. */
  public JsonNode forward(String service, String template, String path) throws IOException {
    String auth = header("authorization");
    HttpMethod m = ctx.method();
    return node.downstream(service)
        .call(
            m,
            template,
            path,
            m == HttpMethod.GET || m == HttpMethod.DELETE ? null : body(),
            auth == null ? Map.of() : Map.of("authorization", auth));
  }

  /** The full path and query of this request, e.g. {@code /search?q=red}. */
  public String pathAndQuery() {
    String q = ctx.query();
    return q == null ? ctx.path() : ctx.path() + "?" + q;
  }

  public JsonNode delete(String service, String template, String path) {
    return node.downstream(service).call(HttpMethod.DELETE, template, path, null);
  }
}
