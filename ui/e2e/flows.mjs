// End-to-end flows of the web UI against a running Sextant with the demo behind it, in headless
// Chromium. Run by demo/src/test/java/io/sextant/demo/WebUiE2EIT.java, or by hand:
//   node e2e/flows.mjs --api http://127.0.0.1:7070 --otlp http://127.0.0.1:4318 --out target/e2e [--only map-database,drilldown-trace]
// Prints one line `E2E_RESULT {json}` and exits non-zero when a flow fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { ingestLargeTrace } from './large-trace.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []));
const API = args.api ?? 'http://127.0.0.1:7070';
const OTLP = args.otlp;
const OUT = args.out ?? 'target/e2e';
const SPANS = Number(args.spans ?? 10000);
mkdirSync(OUT, { recursive: true });

const result = { flows: {}, screenshots: [], console: [] };
const log = (...m) => console.log('[e2e]', ...m);

async function api(path, init) {
  const r = await fetch(API + path, init);
  return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() };
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

const ctx = await launch();
const page = ctx.pages()[0] ?? (await ctx.newPage());
const triageMerged = (await api('/api/v1/probes')).status !== 404;
result.triageMerged = triageMerged;
if (triageMerged) {
  // Triage ranks by footprints learned from healthy probe runs, three of each before it answers
  // well; run the suite now rather than wait for the schedule, so they are learned by the time
  // the triage flow comes.
  await api('/api/v1/probes/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repeats: 3 }) });
}
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  // A 404 from GET /api/v1/probes is the triage page's "not in this build" state, logged by Chromium.
  if (!triageMerged && /status of 404/.test(m.text())) return;
  // Likewise GET /api/v1/slos on a server started without --slos (the page says so).
  if (result.slosServed === false && /status of 404/.test(m.text())) return;
  result.console.push(m.text());
});
page.on('pageerror', (e) => result.console.push('page error: ' + e.message));

async function shot(name, fullPage = false) {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  result.screenshots.push(file);
}

// --only a,b runs just those flows (for working on one page).
const ONLY = args.only ? args.only.split(',') : null;

async function flow(name, fn) {
  if (ONLY && !ONLY.includes(name)) return;
  const t0 = Date.now();
  try {
    await fn();
    result.flows[name] = { ok: true, ms: Date.now() - t0 };
    log(name, 'ok', Date.now() - t0, 'ms');
  } catch (e) {
    result.flows[name] = { ok: false, ms: Date.now() - t0, error: String(e.message ?? e).split('\n')[0] };
    log(name, 'FAILED', e);
    await shot(`failed-${name}`).catch(() => {});
  }
}

const T = { timeout: 30000 };

await flow('explore', async () => {
  const q = 'where kind = span | count(), p99(duration), heatmap(duration) by service.name | last 5m | every auto';
  await page.goto(`${API}/explore?q=${encodeURIComponent(q)}`);
  await page.locator('[data-testid="series-count()"] canvas').first().waitFor(T);
  await page.locator('[data-testid="heatmap-duration"]').waitFor(T);
  const rows = await page.locator('table.result tbody tr').count();
  check(rows >= 5, `expected a row per service, found ${rows}`);
  await shot('explore');
  // The builder writes the text: add a group-by and see it in the query text.
  await page.getByRole('button', { name: '+ Group by' }).click();
  const text = await page.locator('#q-text').inputValue();
  check(/by service\.name, service\.name/.test(text), `builder did not update the text: ${text}`);
});

await flow('compare', async () => {
  const canvas = page.locator('[data-testid="heatmap-duration"]');
  const box = await canvas.boundingBox();
  // Select the slow upper half of the whole time range.
  await page.mouse.move(box.x + 80, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 20, box.y + box.height * 0.45, { steps: 5 });
  await page.mouse.up();
  await page.locator('[data-testid="compare-attribute"]').first().waitFor(T);
  check(page.url().includes('cmp='), 'the comparison is not in the URL');
  await page.locator('section.compare').scrollIntoViewIfNeeded();
  await shot('compare');
});

let traceUrl = '';
await flow('drilldown-trace', async () => {
  const q = 'where service.name = checkout | count() by name | last 15m';
  await page.goto(`${API}/explore?q=${encodeURIComponent(q)}`);
  await page.locator('table.result tbody tr').first().click(T);
  const link = page.locator('a.trace-link').first();
  await link.waitFor(T);
  await link.click();
  await page.waitForURL(/\/trace\/[0-9a-f]{32}/, T);
  await page.locator('[role="treeitem"]').nth(1).waitFor(T);
  await page.locator('[role="treeitem"]').nth(1).click();
  await page.locator('aside.span-detail').waitFor(T);
  const detail = await page.locator('aside.span-detail').innerText();
  check(/Attributes \(\d+\)/.test(detail), 'the span detail has no attributes');
  check(/on the map/.test(detail), 'no link to the service on the map');
  traceUrl = page.url();
  await shot('trace');
  // The back button returns to the question with its drill-down open.
  await page.goBack();
  await page.locator('a.trace-link').first().waitFor(T);
  check(page.url().includes('drill='), 'back did not restore the drill-down');
});

await flow('map-database', async () => {
  await page.goto(`${API}/map?last=15m`);
  const graph = page.locator('[data-testid="map-graph"]');
  await graph.locator('canvas').first().waitFor(T);
  await page.waitForFunction(() => document.querySelector('[data-testid="map-graph"]')?.__cy?.nodes().some((n) => /payments \(/.test(n.id())), null, T);
  const pos = await page.evaluate(() => {
    const el = document.querySelector('[data-testid="map-graph"]');
    const n = el.__cy.nodes().filter((x) => /payments \(/.test(x.id())).first();
    const p = n.renderedPosition();
    return { id: n.id(), x: p.x, y: p.y };
  });
  const box = await graph.boundingBox();
  await page.mouse.click(box.x + pos.x, box.y + pos.y);
  await page.locator('aside.node-panel h3', { hasText: pos.id }).waitFor(T);
  await page.locator('aside.node-panel [data-testid="red-charts"]').waitFor(T);
  check(new URL(page.url()).searchParams.get('node') === pos.id, 'the selected node is not in the URL');
  await shot('map');
});

await flow('map-600-nodes', async () => {
  // A synthetic map of 600 nodes (the demo has 35): layout time, then search and focus.
  const nodes = [];
  const edges = [];
  for (let i = 0; i < 200; i++) {
    nodes.push({ id: `svc-${i}`, kind: 'service', name: `svc-${i}`, system: null, address: null, instrumented: true, calls: 100 + i, rate: 1 + i / 10, errors: i % 37 === 0 ? 20 : 0, error_pct: i % 37 === 0 ? 10 : 0, p50_ms: 2, p99_ms: 20 });
    if (i > 0) edges.push({ from: `svc-${Math.floor((i - 1) / 3)}`, to: `svc-${i}`, calls: 100, rate: 1, errors: 0, error_pct: 0, p50_ms: 1, p99_ms: 5 });
  }
  for (let i = 0; i < 400; i++) {
    const kind = i % 4 === 0 ? 'queue' : i % 4 === 1 ? 'cache' : 'database';
    nodes.push({ id: `${kind}-${i} (x @ 127.0.0.1:${1000 + i})`, kind, name: `${kind}-${i}`, system: 'x', address: `127.0.0.1:${1000 + i}`, instrumented: false, calls: 50, rate: 0.5, errors: 0, error_pct: 0, p50_ms: 1, p99_ms: 3, attributes: { 'db.namespace': `db${i}` } });
    edges.push({ from: `svc-${i % 200}`, to: nodes[nodes.length - 1].id, calls: 50, rate: 0.5, errors: 0, error_pct: 0, p50_ms: 1, p99_ms: 3 });
  }
  const body = JSON.stringify({ from: 0, to: 1, build_ms: 1, nodes, edges });
  await page.route(/\/api\/v1\/map\?/, (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
  try {
    const t0 = Date.now();
    await page.goto(`${API}/map?last=15m`);
    await page.waitForFunction(() => document.querySelector('[data-testid="map-graph"]')?.__cy?.nodes().length === 600, null, T);
    result.largeMap = { nodes: 600, edges: edges.length, renderMs: Date.now() - t0 };
    const troubled = await page.getByRole('button', { name: /svc-0 10\.0 %/ }).count();
    check(troubled === 1, 'the node with errors is not listed as needing a look');
    await shot('map-600');
    await page.getByLabel('Find a node').fill('svc-42');
    await page.getByRole('button', { name: 'Focus', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="map-graph"]')?.__cy?.nodes().length < 10, null, T);
    const shown = await page.evaluate(() => document.querySelector('[data-testid="map-graph"]').__cy.nodes().map((n) => n.id()).sort());
    check(shown.includes('svc-13') && shown.includes('svc-127') && shown.length === 7, `neighbourhood of svc-42: ${shown.join(', ')}`);
    check(new URL(page.url()).searchParams.get('focus') === 'svc-42', 'focus is not in the URL');
    await page.locator('aside.node-panel h3', { hasText: 'svc-42' }).waitFor(T);
    await shot('map-600-focus');
  } finally {
    await page.unroute(/\/api\/v1\/map\?/);
  }
});

await flow('triage', async () => {
  if (!triageMerged) {
    // TRIAGE-E2E: a server without probes must say so plainly.
    await page.goto(`${API}/triage`);
    await page.getByText('Triage is not available on this server').waitFor(T);
    await shot('triage-not-available');
    result.flows.triage_note = 'skipped: GET /api/v1/probes is 404 (no probes on this server); the not-available state was checked';
    return;
  }
  // TRIAGE-E2E: payments-db down; "Run triage now" in the UI must put it at the top.
  const deadline = Date.now() + 120000;
  for (;;) {
    const p = (await api('/api/v1/probes')).body.probes ?? [];
    if (p.length && p.every((x) => (x.learned_traces ?? 3) >= 3)) break;
    check(Date.now() < deadline, 'the probes did not learn their footprints in 120 s');
    await new Promise((r) => setTimeout(r, 1000));
  }
  await page.goto(`${API}/triage`);
  await page.locator('table[aria-label="Probes"]').waitFor(T);
  const fault = await api('/api/v1/demo/faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'down', target: 'payments-db' }),
  });
  check(fault.status === 201, `fault not injected: ${fault.status} ${JSON.stringify(fault.body)}`);
  try {
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Run triage now' }).click();
    const top = page.locator('[data-testid="suspect"]').first();
    await top.waitFor({ timeout: 120000 });
    result.triage = { uiMs: Date.now() - t0 };
    const text = await top.innerText();
    result.triage.top = text.split('\n').slice(0, 2).join(' ');
    // The demo's payments-db is the H2 database `mem:payments`.
    check(/payments \(/.test(text.split('\n').slice(0, 3).join(' ')), `top suspect is not payments-db: ${result.triage.top}`);
    check(/Fault found/.test(await page.locator('.verdict').innerText()), 'the verdict is not a fault');
    const matrix = page.locator('table.matrix');
    await matrix.waitFor(T);
    check((await matrix.locator('tr.failed').count()) > 0, 'no failing probe in the matrix');
    check((await matrix.locator('th.comp.top').count()) === 1, 'the top suspect has no column in the matrix');
    await page.locator('a', { hasText: 'failing trace' }).first().waitFor(T);
    await shot('triage', true);
  } finally {
    await api('/api/v1/demo/faults', { method: 'DELETE' });
  }
});

await flow('changes', async () => {
  await page.goto(`${API}/changes?last=1h`);
  await page.locator('.timeline svg').waitFor(T);
  await shot('changes');
});

await flow('slos', async () => {
  const served = (await api('/api/v1/slos')).status !== 404;
  result.slosServed = served;
  await page.goto(`${API}/slos`);
  if (!served) {
    await page.getByText('No SLOs on this server').waitFor(T);
    return;
  }
  // The demo ships SLOs for its public functions (demo/src/main/resources/slos.yaml).
  const table = page.getByRole('table', { name: 'SLOs' });
  await table.waitFor(T);
  const rows = table.locator('[data-testid="slo-row"]');
  const names = await rows.locator('strong').allInnerTexts();
  result.slos = names;
  check(names.includes('checkout'), `the demo's checkout SLO is not listed: ${names.join(', ')}`);
  const checkout = rows.filter({ hasText: 'Customers can pay for their cart' });
  const text = await checkout.innerText();
  check(/99\.5 %/.test(text) && /28d/.test(text), `checkout row lacks its objective or window: ${text}`);
  await checkout.click();
  await page.waitForURL(/slo=checkout/, T);
  // The first count of a 28-day window may still be under way: the page asks again every 15 s.
  await page.locator('[data-testid="series-burn"] canvas').first().waitFor({ timeout: 60000 });
  await page.getByRole('img', { name: /alerts and \d+ changes in this span/ }).or(page.getByText('No alerts and no changes in this span.')).first().waitFor(T);
  await shot('slos', true);
});

await flow('dark-theme', async () => {
  await page.goto(traceUrl || `${API}/explore`);
  await page.getByRole('button', { name: /Switch to dark theme/ }).click();
  check((await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark', 'theme did not switch');
  await page.waitForTimeout(300);
  await shot('trace-dark');
  await page.getByRole('button', { name: /Switch to light theme/ }).click();
});

if (OTLP) {
  await flow('large-trace', async () => {
    const t0 = Date.now();
    const id = await ingestLargeTrace(OTLP, API, SPANS);
    result.largeTrace = { spans: SPANS, ingestMs: Date.now() - t0 };
    // Render: navigation to the first rows on screen (fetch, parse, tree, layout, paint).
    const start = Date.now();
    await page.goto(`${API}/trace/${id}`);
    await page.locator('[role="treeitem"]').first().waitFor({ timeout: 60000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    result.largeTrace.renderMs = Date.now() - start;
    const header = await page.locator('.trace-head').innerText();
    check(header.includes(`${SPANS.toLocaleString('en-US')} spans`), `header does not count ${SPANS} spans: ${header}`);
    // Scroll from top to bottom in 40 wheel steps, waiting for a frame after each.
    const wf = page.locator('[data-testid="waterfall"]');
    const box = await wf.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const height = await wf.evaluate((el) => el.scrollHeight);
    const step = Math.ceil(height / 40);
    const frames = [];
    const s0 = Date.now();
    for (let i = 0; i < 40; i++) {
      const f0 = Date.now();
      await page.mouse.wheel(0, step);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      frames.push(Date.now() - f0);
    }
    result.largeTrace.scrollMs = Date.now() - s0;
    result.largeTrace.maxStepMs = Math.max(...frames);
    const domRows = await page.locator('[role="treeitem"]').count();
    result.largeTrace.domRows = domRows;
    check(domRows < 200, `${domRows} rows in the DOM: the waterfall is not virtualised`);
    const lastVisible = await page.locator('[role="treeitem"]').last().getAttribute('id');
    result.largeTrace.lastRow = lastVisible;
    check(await wf.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 30), 'did not reach the bottom');
    // Collapse the root: one row left, quickly.
    const c0 = Date.now();
    await page.locator('[role="treeitem"]').first().waitFor();
    await wf.evaluate((el) => (el.scrollTop = 0));
    await page.getByRole('button', { name: 'Collapse', exact: true }).first().click();
    await page.waitForFunction(() => document.querySelectorAll('[role="treeitem"]').length < 5);
    result.largeTrace.collapseMs = Date.now() - c0;
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.locator('[role="treeitem"]').nth(10).waitFor();
    await shot('large-trace');
  });
}

await ctx.close();
result.ok = Object.values(result.flows).every((f) => typeof f !== 'object' || f.ok) && result.console.length === 0;
writeFileSync(join(OUT, 'result.json'), JSON.stringify(result, null, 2));
console.log('E2E_RESULT ' + JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
