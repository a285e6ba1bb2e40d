package io.sextant.server.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import java.util.function.Supplier;

/** {@code GET /api/v1/slos}: every SLO's burn rates, budget left and alerts, and recent alerts. */
public final class SloApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SloApi() {}

  public static HttpService service(
      Supplier<SloEvaluator> evaluator, Supplier<AlertNotifier> notifier) {
    return (ctx, req) -> {
      SloEvaluator e = evaluator.get();
      if (e == null) {
        return HttpResponse.of(
            HttpStatus.NOT_FOUND,
            MediaType.JSON_UTF_8,
            "{\"error\":\"no SLOs are configured; start the server with --slos slos.yaml\"}");
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("minute_seconds", e.minute().toNanos() / 1e9);
      ArrayNode slos = out.putArray("slos");
      for (SloEvaluator.Status s : e.statuses()) {
        ObjectNode o = slos.addObject();
        o.put("name", s.slo().name());
        o.put("description", s.slo().description());
        o.put("valid", s.slo().valid());
        o.put("good", s.slo().good());
        o.put("objective", s.slo().objective());
        o.put("window_days", s.slo().window().toDays());
        ObjectNode burn = o.putObject("burn_rates");
        for (int i = 0; i < SloEvaluator.WINDOWS.length; i++) {
          burn.put(SloEvaluator.WINDOW_NAMES[i], s.burnRates()[i]);
        }
        o.put("error_budget_remaining", s.budgetRemaining());
        o.put("paging", s.paging());
        o.put("ticketing", s.ticketing());
        if (s.error() != null) {
          o.put("error", s.error());
        }
      }
      ArrayNode alerts = out.putArray("alerts");
      AlertNotifier n = notifier.get();
      if (n != null) {
        n.history().forEach(alerts::add);
      }
      return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toString());
    };
  }
}
