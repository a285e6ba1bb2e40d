package io.sextant.demo.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import io.sextant.server.SextantServer.ApiRoute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/v1/demo/faults} on Sextant's API port: GET lists the active faults and the targets,
 * POST {@code {"kind","target","percent","millis","jitter_millis"}} adds one (201), DELETE clears
 * all; {@code DELETE /api/v1/demo/faults/{id}} clears one.
 */
public final class FaultApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FaultApi() {}

  public static List<ApiRoute> routes(FaultInjector faults, Map<String, Object> info) {
    HttpService collection =
        (ctx, req) ->
            HttpResponse.of(
                req.aggregate()
                    .thenApplyAsync(
                        agg -> {
                          HttpMethod m = ctx.method();
                          try {
                            if (m == HttpMethod.GET) {
                              return json(HttpStatus.OK, listing(faults));
                            }
                            if (m == HttpMethod.DELETE) {
                              return json(HttpStatus.OK, Map.of("cleared", faults.clearAll()));
                            }
                            if (m == HttpMethod.POST) {
                              JsonNode b =
                                  JSON.readTree(
                                      agg.contentUtf8().isEmpty() ? "{}" : agg.contentUtf8());
                              if (!b.hasNonNull("kind") || !b.hasNonNull("target")) {
                                return error(
                                    HttpStatus.BAD_REQUEST,
                                    "send {\"kind\": \"latency\", \"target\": \"payments\", \"millis\": 500}");
                              }
                              Fault f =
                                  faults.add(
                                      FaultKind.parse(b.get("kind").asText()),
                                      b.get("target").asText(),
                                      b.path("percent").asInt(0),
                                      b.path("millis").asInt(0),
                                      b.path("jitter_millis").asInt(0));
                              return json(HttpStatus.CREATED, view(f));
                            }
                            return error(HttpStatus.METHOD_NOT_ALLOWED, "use GET, POST or DELETE");
                          } catch (IllegalArgumentException e) {
                            return error(HttpStatus.BAD_REQUEST, e.getMessage());
                          } catch (Exception e) {
                            return error(
                                HttpStatus.BAD_REQUEST, "malformed request: " + e.getMessage());
                          }
                        },
                        ctx.blockingTaskExecutor()));
    HttpService one =
        (ctx, req) -> {
          if (ctx.method() != HttpMethod.DELETE) {
            return error(HttpStatus.METHOD_NOT_ALLOWED, "use DELETE to clear a fault");
          }
          String id = ctx.pathParam("id");
          return HttpResponse.of(
              CompletableFuture.supplyAsync(
                  () ->
                      faults.clear(id)
                          ? json(HttpStatus.OK, Map.of("cleared", id))
                          : error(HttpStatus.NOT_FOUND, "no active fault " + id),
                  ctx.blockingTaskExecutor()));
        };
    HttpService about =
        (ctx, req) ->
            HttpResponse.of(CompletableFuture.supplyAsync(() -> json(HttpStatus.OK, info)));
    return List.of(
        new ApiRoute("/api/v1/demo/faults", collection),
        new ApiRoute("/api/v1/demo/faults/{id}", one),
        new ApiRoute("/api/v1/demo", about));
  }

  static Map<String, Object> listing(FaultInjector faults) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("faults", faults.list().stream().map(FaultApi::view).toList());
    out.put("targets", faults.targets());
    Map<String, String> kinds = new LinkedHashMap<>();
    for (FaultKind k : FaultKind.values()) {
      kinds.put(k.label(), k.description());
    }
    out.put("kinds", kinds);
    return out;
  }

  static Map<String, Object> view(Fault f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.id());
    m.put("kind", f.kind().label());
    m.put("target", f.target());
    if (f.percent() > 0) {
      m.put("percent", f.percent());
    }
    if (f.millis() > 0) {
      m.put("millis", f.millis());
    }
    if (f.jitterMillis() > 0) {
      m.put("jitter_millis", f.jitterMillis());
    }
    m.put("since", f.since().toString());
    return m;
  }

  private static HttpResponse json(HttpStatus status, Object body) {
    try {
      return HttpResponse.of(status, MediaType.JSON_UTF_8, JSON.writeValueAsBytes(body));
    } catch (Exception e) {
      return HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR);
    }
  }

  private static HttpResponse error(HttpStatus status, String message) {
    return json(status, Map.of("error", message));
  }
}
