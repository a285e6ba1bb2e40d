// Times a large trace in the browser without Playwright round trips: navigation to the first rows,
// then 40 scroll steps set in the page, each awaiting two animation frames; with --profile, the
// CPU profile's heaviest functions over the scrolling. Against a running Sextant:
//   node e2e/scroll-probe.mjs --api http://127.0.0.1:7070 --otlp http://127.0.0.1:4318 [--trace <id>] [--profile]
import { launch } from './browser.mjs';
import { ingestLargeTrace } from './large-trace.mjs';

const argv = process.argv.slice(2);
const arg = (k) => (argv.includes(`--${k}`) ? argv[argv.indexOf(`--${k}`) + 1] : undefined);
const API = arg('api') ?? 'http://127.0.0.1:7070';
const id = arg('trace') ?? (await ingestLargeTrace(arg('otlp') ?? 'http://127.0.0.1:4318', API, Number(arg('spans') ?? 10000)));
const ctx = await launch();
const page = ctx.pages()[0] ?? (await ctx.newPage());
const t0 = Date.now();
await page.goto(`${API}/trace/${id}`);
await page.locator('[role="treeitem"]').first().waitFor({ timeout: 60000 });
const renderMs = Date.now() - t0;
const cdp = argv.includes('--profile') ? await ctx.newCDPSession(page) : null;
if (cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
}
const steps = await page.evaluate(async () => {
  const el = document.querySelector('[data-testid="waterfall"]');
  const frame = () => new Promise((res) => requestAnimationFrame(() => res()));
  const step = el.scrollHeight / 40;
  const times = [];
  for (let i = 1; i <= 40; i++) {
    const f0 = performance.now();
    el.scrollTop = i * step;
    await frame();
    await frame();
    times.push(Math.round(performance.now() - f0));
  }
  return times;
});
const sorted = [...steps].sort((a, b) => a - b);
console.log(JSON.stringify({ trace: id, renderMs, scrollMs: steps.reduce((a, b) => a + b, 0), medianStepMs: sorted[20], maxStepMs: sorted[39] }));
if (cdp) {
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((s, i) => {
    const f = byId.get(s).callFrame;
    const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
}
await ctx.close();
