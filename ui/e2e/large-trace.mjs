// A generated trace of n spans (fan-out over 40 services, up to 8 deep, a few errors and logs),
// sent as OTLP/HTTP JSON in batches; resolves to its id once Sextant serves every span.
import { randomBytes } from 'node:crypto';

const hex = (n) => randomBytes(n).toString('hex');

export function generate(n, startNs = BigInt(Date.now() - 60000) * 1000000n) {
  const traceId = hex(16);
  const spans = [];
  // Breadth-first: span i's parent is span floor((i - 1) / 6), so depth grows like log6(n).
  for (let i = 0; i < n; i++) {
    const parent = i === 0 ? null : spans[Math.floor((i - 1) / 6)];
    const depth = parent ? parent.depth + 1 : 0;
    const pStart = parent ? parent.start : startNs;
    const pDur = parent ? parent.dur : 30_000_000_000n;
    const offset = parent ? (pDur * BigInt((i * 7919) % 80)) / 100n : 0n;
    const dur = parent ? (pDur * BigInt(10 + ((i * 104729) % 15))) / 100n + 1000n : pDur;
    spans.push({ i, id: hex(8), parent, depth, start: pStart + offset, dur, service: `svc-${i === 0 ? 0 : 1 + (i % 39)}` });
  }
  return { traceId, spans };
}

function otlp(traceId, spans) {
  const byService = new Map();
  for (const s of spans) {
    if (!byService.has(s.service)) byService.set(s.service, []);
    const error = s.i % 997 === 13;
    byService.get(s.service).push({
      traceId,
      spanId: s.id,
      parentSpanId: s.parent ? s.parent.id : undefined,
      name: s.i === 0 ? 'GET /large' : `op-${s.i % 50}`,
      kind: s.i % 2 ? 3 : 2,
      startTimeUnixNano: s.start.toString(),
      endTimeUnixNano: (s.start + s.dur).toString(),
      attributes: [
        { key: 'user_id', value: { stringValue: 'u-large' } },
        { key: 'span.index', value: { intValue: String(s.i) } },
      ],
      status: error ? { code: 2, message: 'generated failure' } : { code: 0 },
    });
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'sextant-e2e' }, spans: list }],
    })),
  };
}

export async function ingestLargeTrace(otlpBase, apiBase, n) {
  const { traceId, spans } = generate(n);
  for (let i = 0; i < spans.length; i += 1000) {
    const r = await fetch(`${otlpBase}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(otlp(traceId, spans.slice(i, i + 1000))),
    });
    if (r.status !== 200) throw new Error(`OTLP export answered ${r.status}: ${await r.text()}`);
  }
  const deadline = Date.now() + 60000;
  for (;;) {
    const r = await fetch(`${apiBase}/api/v1/traces/${traceId}`);
    if (r.status === 200) {
      const body = await r.json();
      if (body.events.filter((e) => e.kind === 'span').length >= n) return traceId;
    }
    if (Date.now() > deadline) throw new Error(`trace ${traceId} did not reach ${n} spans in 60 s`);
    await new Promise((res) => setTimeout(res, 500));
  }
}
