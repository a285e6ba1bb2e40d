package io.sextant.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser telemetry end to end (issue 13, docs/security.md "Browser telemetry (CORS)"): a web front
 * end instrumented with OpenTelemetry's web SDK ({@code ui/e2e/shop-page.js}: sdk-trace-web,
 * instrumentation-fetch, exporter-trace-otlp-http) browses the demo shop in headless Chromium, and
 * its fetch span must be the root of the trace Sextant stores: the gateway's server span its child,
 * in the same trace, because the browser sent {@code traceparent}. The page is served by {@code
 * ui/e2e/browser-telemetry.mjs} from its own origin, which also forwards {@code /api/} to the
 * gateway (one origin for the page and the shop's API, as a real site), so the only cross-origin
 * request is the span export to Sextant's OTLP/HTTP port: it works because the demo's Sextant is
 * given that origin as {@code --cors-origins}. The same page from an origin Sextant was not given
 * ({@code http://localhost:<port>}) must have its export refused by the browser, and its span must
 * be missing from its trace.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BrowserTelemetryE2EIT {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The page's {@code service.name} (shop-page.js). */
  static final String BROWSER = "storefront-browser";

  @TempDir static Path dir;

  @Test
  void theBrowsersFetchSpanIsTheRootOfTheBackEndTrace_andAnOriginNotAllowedCannotExport()
      throws Exception {
    Path ui = Path.of(System.getProperty("user.dir")).resolveSibling("ui").normalize();
    assertThat(ui.resolve("node_modules/@opentelemetry/sdk-trace-web"))
        .as("the ui module's build installs the web SDK; build it first")
        .exists();
    long t0 = System.nanoTime();
    Process node =
        new ProcessBuilder("node", "e2e/browser-telemetry.mjs")
            .directory(ui.toFile())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      // The front end's server is up first: its origin is what Sextant must allow.
      String origin = readUntil(out, "E2E_ORIGIN ");
      assertThat(origin).as("the front end's origin").startsWith("http://127.0.0.1:");
      try (Demo demo = Demo.start(DemoConfig.forTests(dir).withCorsOrigins(List.of(origin)))) {
        String otlp = "http://127.0.0.1:" + demo.sextant().config().otlpHttpPort();
        Writer in = node.outputWriter(StandardCharsets.UTF_8);
        in.write(JSON.writeValueAsString(Map.of("gateway", demo.gatewayUrl(), "otlp", otlp)));
        in.write('\n');
        in.flush();
        String line = readUntil(out, "E2E_RESULT ");
        assertThat(line).as("the script printed its result").isNotNull();
        JsonNode result = JSON.readTree(line);
        assertThat(result.path("ok").asBoolean()).as(result.path("error").asText()).isTrue();

        JsonNode allowed = result.path("allowed");
        assertThat(allowed.path("status").asInt()).as("the shop answered the page").isEqualTo(200);
        assertThat(allowed.path("products").asInt()).isPositive();
        assertThat(allowed.path("console")).as("console errors").isEmpty();
        assertThat(allowed.path("exports")).as("the page's exports").isNotEmpty();
        allowed
            .path("exports")
            .forEach(e -> assertThat(e.path("ok").asBoolean()).as(e.toString()).isTrue());
        JsonNode fetchSpan = onlySpan(allowed);
        String traceId = fetchSpan.path("traceId").asText();
        String spanId = fetchSpan.path("spanId").asText();
        assertThat(fetchSpan.path("parentSpanId").isNull()).as("a root in the browser").isTrue();
        assertThat(allowed.path("traceresponse").asText())
            .as("the gateway continued the browser's trace")
            .startsWith("00-" + traceId + "-");

        TraceView trace =
            TraceView.await(
                demo,
                traceId,
                t ->
                    t.byId(spanId) != null
                        && t.services().containsAll(List.of("gateway", "web", "catalog")));
        JsonNode browserSpan = trace.byId(spanId);
        assertThat(browserSpan.path("service.name").asText()).isEqualTo(BROWSER);
        assertThat(browserSpan.path("span.kind").asText()).isEqualTo("client");
        assertThat(browserSpan.path("trace_id").asText()).isEqualTo(traceId);
        assertThat(browserSpan.has("parent_span_id"))
            .as("the browser's span has no parent")
            .isFalse();
        List<JsonNode> gateway = trace.where(TraceView.server("gateway"));
        assertThat(gateway).hasSize(1);
        assertThat(gateway.get(0).path("trace_id").asText()).isEqualTo(traceId);
        assertThat(gateway.get(0).path("parent_span_id").asText())
            .as("the gateway's server span is the browser span's child")
            .isEqualTo(spanId);
        assertThat(trace.where(s -> !s.has("parent_span_id")))
            .as("the browser's span is the trace's only root" + trace)
            .containsExactly(browserSpan);
        assertThat(trace.services()).contains(BROWSER, "gateway", "web", "catalog");

        // The control: the same page from an origin Sextant was not given.
        JsonNode denied = result.path("denied");
        assertThat(denied.path("status").asInt()).isEqualTo(200);
        assertThat(denied.path("exports")).as("the page's exports").isNotEmpty();
        denied
            .path("exports")
            .forEach(e -> assertThat(e.path("ok").asBoolean()).as(e.toString()).isFalse());
        assertThat(denied.path("console").toString())
            .as("the browser says why")
            .contains("blocked by CORS policy");
        JsonNode deniedSpan = onlySpan(denied);
        String deniedSpanId = deniedSpan.path("spanId").asText();
        // Its back-end spans are stored; the browser's never left the browser.
        TraceView deniedTrace =
            TraceView.await(
                demo,
                deniedSpan.path("traceId").asText(),
                t -> !t.where(TraceView.server("gateway")).isEmpty());
        assertThat(
                deniedTrace
                    .where(TraceView.server("gateway"))
                    .get(0)
                    .path("parent_span_id")
                    .asText())
            .isEqualTo(deniedSpanId);
        assertThat(deniedTrace.byId(deniedSpanId)).as("the refused span").isNull();
        assertThat(deniedTrace.services()).doesNotContain(BROWSER);

        assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("the script ended").isTrue();
        assertThat(node.exitValue()).isZero();
        System.out.printf(
            "[browser-telemetry] root span %s of trace %s stored with %d back-end spans; page"
                + " %d ms, refused origin %d ms; whole test %d ms%n",
            spanId,
            traceId,
            trace.spans.size() - 1,
            allowed.path("ms").asLong(),
            denied.path("ms").asLong(),
            (System.nanoTime() - t0) / 1_000_000);
      }
    } finally {
      node.destroyForcibly();
    }
  }

  /** The value after {@code prefix} on the first line that starts with it; other lines echoed. */
  static String readUntil(BufferedReader out, String prefix) throws Exception {
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
      System.out.println(line);
    }
    return null;
  }

  /** The page's one span: the fetch instrumentation's client span of its call to the shop. */
  static JsonNode onlySpan(JsonNode visit) {
    JsonNode spans = visit.path("spans");
    assertThat(spans).as("the page's spans").hasSize(1);
    return spans.get(0);
  }
}
