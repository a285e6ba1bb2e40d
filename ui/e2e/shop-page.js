// The storefront's web front end, reduced to what browser telemetry needs: OpenTelemetry's web SDK
// with the fetch instrumentation, exporting over OTLP/HTTP JSON to the endpoint the page is given
// (window.SHOP.otlp), and one call to the shop's API. Bundled by e2e/browser-telemetry.mjs with
// esbuild and served from the same origin as the shop's /api, as a real front end is; only the
// export crosses origins, which Sextant's --cors-origins allows.
import { WebTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-web';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';

const { otlp } = window.SHOP;

// What the exporter reported for each batch, so the test can tell a refused export from a slow one.
const exports = [];
const exporter = new OTLPTraceExporter({ url: `${otlp}/v1/traces`, timeoutMillis: 5000 });
const send = exporter.export.bind(exporter);
exporter.export = (spans, done) =>
  send(spans, (result) => {
    exports.push({ ok: result.code === 0, spans: spans.length, error: result.error ? String(result.error.cause ?? result.error) : undefined });
    done(result);
  });

// The ids of the spans this page ended, so the test can find them in Sextant.
const ended = [];
const recorder = {
  onStart() {},
  onEnd(span) {
    const c = span.spanContext();
    ended.push({ name: span.name, kind: span.kind, traceId: c.traceId, spanId: c.spanId, parentSpanId: span.parentSpanContext?.spanId ?? span.parentSpanId ?? null });
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const provider = new WebTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'storefront-browser', 'service.namespace': 'storefront', 'deployment.environment.name': 'test' }),
  spanProcessors: [recorder, new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
});
// The W3C traceparent propagator and the page's context manager.
provider.register();
// Same-origin calls carry traceparent by default; a shop API on another origin would be listed in
// propagateTraceHeaderCorsUrls (and would have to allow the traceparent header in its CORS answers).
registerInstrumentations({ instrumentations: [new FetchInstrumentation()] });

async function until(cond, ms) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

window.shop = {
  // Browses a category as a shopper's page does, then sends the page's spans and waits for the
  // exporter's answer.
  async browse() {
    const r = await fetch('/api/browse?category=dresses');
    const body = await r.json();
    // The fetch span ends a moment after the answer (the instrumentation waits for its timings).
    await until(() => ended.length > 0, 5000);
    // A refused export rejects the flush; what the exporter said is in `exports` either way.
    await provider.forceFlush().catch(() => {});
    return { status: r.status, products: body.products?.length ?? 0, traceresponse: r.headers.get('traceresponse'), spans: ended, exports };
  },
};
window.shopReady = true;
