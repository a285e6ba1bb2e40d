// Browser telemetry end to end, in headless Chromium: the storefront's web front end
// (e2e/shop-page.js, OpenTelemetry's web SDK with the fetch instrumentation, bundled here with
// esbuild) calls the shop's API, and its span must be the root of the back end's trace in Sextant.
// Run by demo/src/test/java/io/sextant/demo/BrowserTelemetryE2EIT.java, or by hand:
//   node e2e/browser-telemetry.mjs
//   (prints `E2E_ORIGIN http://127.0.0.1:<port>`; start Sextant with --cors-origins <that origin>,
//    then type {"gateway":"http://127.0.0.1:8080","otlp":"http://127.0.0.1:4318"} and Enter)
//
// This process is the front end's web server: it serves the page and its script and forwards /api/
// to the shop's gateway, so the page and the shop's API share one origin (as a site served with its
// API behind one host name does) and the fetch instrumentation sends traceparent without CORS. The
// page's export to Sextant's OTLP/HTTP port is cross-origin: it works only because Sextant answers
// the CORS preflight for this origin. The same page reached as http://localhost:<port>, an origin
// Sextant was not given, must have its export refused by the browser.
// Prints one line `E2E_RESULT {json}`; the Java test judges it against what Sextant stored.
import { build } from 'esbuild';
import { createServer, request } from 'node:http';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';

const log = (...m) => console.log('[browser-telemetry]', ...m);
// Bounded whatever happens (a page that never answers, a browser that hangs).
setTimeout(() => {
  console.log('E2E_RESULT ' + JSON.stringify({ ok: false, error: 'timed out after 180 s' }));
  process.exit(2);
}, 180_000);

const bundle = (
  await build({
    entryPoints: [fileURLToPath(new URL('./shop-page.js', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  })
).outputFiles[0].text;
log(`page script bundled: ${(bundle.length / 1024).toFixed(0)} KiB`);

let gateway; // the shop's gateway, once the test has started it
let otlp; // Sextant's OTLP/HTTP base URL

const page = () =>
  '<!doctype html><meta charset="utf-8"><title>storefront</title><link rel="icon" href="data:,">' +
  `<script>window.SHOP = ${JSON.stringify({ otlp })};</script><script src="/shop.js"></script>`;

function forward(req, res) {
  const up = request(
    { host: gateway.hostname, port: gateway.port, path: req.url, method: req.method, headers: { ...req.headers, host: gateway.host } },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  up.on('error', (e) => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(e));
  });
  req.pipe(up);
}

const server = createServer((req, res) => {
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page());
  } else if (req.url === '/shop.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    res.end(bundle);
  } else if (req.url.startsWith('/api/')) {
    forward(req, res);
  } else {
    res.writeHead(404);
    res.end();
  }
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = server.address().port;
const origin = `http://127.0.0.1:${port}`;
console.log(`E2E_ORIGIN ${origin}`);

// The test starts the demo with this origin allowed, then says where the gateway and Sextant are.
const stdin = createInterface({ input: process.stdin });
const [line] = await Promise.race([once(stdin, 'line'), once(stdin, 'close').then(() => [null])]);
if (!line) {
  log('no gateway and OTLP address on standard input');
  process.exit(2);
}
const where = JSON.parse(line);
gateway = new URL(where.gateway);
otlp = where.otlp;
stdin.close();

const result = { origin };
const ctx = await launch();
try {
  // Each visit gets a fresh tab: its own SDK, its own spans, its own console.
  async function visit(url) {
    const tab = await ctx.newPage();
    const console_ = [];
    tab.on('console', (m) => m.type() === 'error' && console_.push(m.text()));
    tab.on('pageerror', (e) => console_.push('page error: ' + e.message));
    try {
      await tab.goto(url, { timeout: 30_000 });
      await tab.waitForFunction(() => window.shopReady === true, null, { timeout: 30_000 });
      const browse = await tab.evaluate(() => window.shop.browse());
      return { ...browse, console: console_ };
    } finally {
      await tab.close();
    }
  }
  const t0 = Date.now();
  result.allowed = await visit(`${origin}/`);
  result.allowed.ms = Date.now() - t0;
  log('allowed origin:', JSON.stringify(result.allowed));
  const t1 = Date.now();
  result.denied = await visit(`http://localhost:${port}/`);
  result.denied.origin = `http://localhost:${port}`;
  result.denied.ms = Date.now() - t1;
  log('origin not allowed:', JSON.stringify(result.denied));
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e.message ?? e).split('\n')[0];
  log('FAILED', e);
} finally {
  await ctx.close().catch(() => {});
  server.close();
}
console.log('E2E_RESULT ' + JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
