import cytoscape from 'cytoscape';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { health as fetchHealth, map as fetchMap, query, queryIfColumn, red, type DependencyMap, type MapNode } from '../api';
import { Empty, ErrorBox, Loading } from '../components/State';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { TraceList } from '../components/TraceList';
import { formatNumber, formatPercent } from '../format';
import { callsInto, edgeWidth, neighbourhood, nodeState } from '../map/graph';
import { useApi } from '../useApi';

const WINDOWS = ['5m', '15m', '1h', '6h'];
const BIG = 150;

export function MapPage() {
  const [params, setParams] = useSearchParams();
  const last = params.get('last') ?? '15m';
  const selected = params.get('node');
  const focus = params.get('focus');
  const depth = Number(params.get('depth') ?? '1');
  const [tick, setTick] = useState(0);
  const [search, setSearch] = useState(focus ?? '');
  const res = useApi(`map:${last}:${tick}`, (s) => fetchMap(last, s));
  const [auto, setAuto] = useState(true);
  useEffect(() => {
    if (!auto) return;
    const t = setInterval(() => setTick((x) => x + 1), 30000);
    return () => clearInterval(t);
  }, [auto]);

  // Keep the last good map on screen while a refresh loads.
  const [shown, setShown] = useState<DependencyMap | null>(null);
  useEffect(() => {
    if (res.data) setShown(res.data);
  }, [res.data]);

  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };

  const big = (shown?.nodes.length ?? 0) > BIG;
  const view = useMemo(() => (shown ? neighbourhood(shown, focus, depth) : null), [shown, focus, depth]);
  const node = selected && shown ? shown.nodes.find((n) => n.id === selected) : undefined;

  return (
    <div className="map-page">
      <div className="row toolbar">
        <label>
          Window{' '}
          <select value={last} onChange={(e) => set({ last: e.target.value })} aria-label="Map window">
            {WINDOWS.map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const hit = shown?.nodes.find((n) => n.id === search) ?? shown?.nodes.find((n) => n.id.includes(search));
            if (hit) set({ focus: hit.id, node: hit.id });
          }}
        >
          <datalist id="map-nodes">
            {shown?.nodes.map((n) => (
              <option key={n.id} value={n.id} />
            ))}
          </datalist>
          <input
            aria-label="Find a node"
            list="map-nodes"
            placeholder={`Find among ${shown?.nodes.length ?? 0} nodes`}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <button type="submit">Focus</button>
        </form>
        {focus && (
          <>
            <label>
              Hops{' '}
              <select value={depth} onChange={(e) => set({ depth: e.target.value })} aria-label="Neighbourhood depth">
                {[1, 2, 3].map((d) => (
                  <option key={d}>{d}</option>
                ))}
              </select>
            </label>
            <button type="button" className="ghost" onClick={() => set({ focus: null })}>
              Show all
            </button>
          </>
        )}
        <label className="check">
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> refresh every 30 s
        </label>
        <button type="button" className="ghost" onClick={() => setTick((x) => x + 1)}>
          Refresh
        </button>
        {res.loading && <span className="spinner" aria-label="refreshing" />}
        <Legend />
      </div>
      {res.error ? <ErrorBox error={res.error} retry={res.reload} /> : null}
      {!shown && res.loading && <Loading what="the dependency map" />}
      {shown && shown.nodes.length === 0 && <Empty>No spans in the last {last}, so no map yet. Send traces to Sextant, or widen the window.</Empty>}
      {view && view.nodes.length > 0 && (
        <div className={`map-body${node ? ' with-detail' : ''}`}>
          <div>
            {big && !focus && (
              <p className="muted small">
                {shown!.nodes.length} nodes, those in trouble in the middle; labels show when zoomed in. Find a node to focus on its neighbourhood.
              </p>
            )}
            {big && !focus && <Troubled nodes={shown!.nodes} onFocus={(id) => set({ focus: id, node: id })} />}
            <Graph view={view} selected={selected} focus={focus} big={big && !focus} onSelect={(id) => set({ node: id })} />
          </div>
          {node && <NodePanel node={node} map={shown!} last={last} onClose={() => set({ node: null })} onFocus={() => set({ focus: node.id })} />}
        </div>
      )}
    </div>
  );
}

/** The nodes in trouble, worst first, as a keyboard-friendly way into a large map. */
function Troubled({ nodes, onFocus }: { nodes: MapNode[]; onFocus: (id: string) => void }) {
  const bad = nodes
    .filter((n) => PROBLEM[nodeState(n)])
    .sort((a, b) => (PROBLEM[nodeState(b)] ?? 0) - (PROBLEM[nodeState(a)] ?? 0) || b.error_pct - a.error_pct)
    .slice(0, 12);
  if (!bad.length) return null;
  return (
    <div className="row small" aria-label="Nodes in trouble">
      <span className="muted">Needs a look:</span>
      {bad.map((n) => (
        <button key={n.id} type="button" className="ghost" onClick={() => onFocus(n.id)}>
          <span className={`dot ${nodeState(n)}`} />
          {n.name} {n.health === 'failing' ? 'check failing' : formatPercent(n.error_pct / 100, 1)}
        </button>
      ))}
    </div>
  );
}

function Legend() {
  return (
    <span className="map-legend small">
      <span className="dot ok" /> ok <span className="dot degraded" /> ≥1 % errors <span className="dot errors" /> ≥5 % errors{' '}
      <span className="dot failing" /> health check failing · ▭ service ◯ database ⬡ cache ◇ queue △ external
    </span>
  );
}

const PROBLEM: Record<string, number> = { failing: 3, errors: 2, degraded: 1 };

const SHAPES: Record<string, cytoscape.Css.NodeShape> = {
  service: 'round-rectangle',
  database: 'ellipse',
  cache: 'hexagon',
  queue: 'diamond',
  external: 'triangle',
};

function Graph({
  view,
  selected,
  focus,
  big,
  onSelect,
}: {
  view: { nodes: MapNode[]; edges: DependencyMap['edges'] };
  selected: string | null;
  focus: string | null;
  big: boolean;
  onSelect: (id: string) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const cy = useRef<cytoscape.Core | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const shape = useMemo(() => view.nodes.map((n) => n.id).join('\n') + '|' + view.edges.map((e) => e.from + '>' + e.to).join('\n'), [view]);

  useEffect(() => {
    if (!host.current) return;
    const css = getComputedStyle(document.documentElement);
    const v = (name: string, dflt: string) => css.getPropertyValue(name).trim() || dflt;
    const c = cytoscape({
      container: host.current,
      minZoom: 0.05,
      maxZoom: 3,
      elements: [],
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'font-size': 11,
            color: v('--fg', '#222'),
            'text-valign': 'bottom',
            'text-margin-y': 4,
            'min-zoomed-font-size': big ? 8 : 0,
            width: 'data(size)',
            height: 'data(size)',
            shape: 'data(shape)' as unknown as cytoscape.Css.NodeShape,
            'background-color': v('--state-ok', '#59a14f'),
            'border-width': 2,
            'border-color': v('--bg', '#fff'),
          },
        },
        { selector: 'node[state = "degraded"]', style: { 'background-color': v('--state-degraded', '#edc948') } },
        { selector: 'node[state = "errors"]', style: { 'background-color': v('--state-errors', '#f28e2b') } },
        { selector: 'node[state = "failing"]', style: { 'background-color': v('--state-failing', '#e15759') } },
        { selector: 'node[state = "idle"]', style: { 'background-color': v('--state-idle', '#bab0ac') } },
        { selector: 'node:selected', style: { 'border-color': v('--accent', '#4e79a7'), 'border-width': 4 } },
        {
          selector: 'edge',
          style: {
            width: 'data(width)',
            'line-color': v('--edge', '#9aa4b2'),
            'target-arrow-color': v('--edge', '#9aa4b2'),
            'target-arrow-shape': 'triangle',
            'curve-style': big ? 'haystack' : 'bezier',
            'arrow-scale': 0.8,
            opacity: 0.8,
          },
        },
        { selector: 'edge[bad = 1]', style: { 'line-color': v('--state-failing', '#e15759'), 'target-arrow-color': v('--state-failing', '#e15759') } },
        { selector: 'edge[declared = "undeclared"]', style: { 'line-style': 'dashed' } },
      ],
    });
    c.on('tap', 'node', (e) => onSelectRef.current(e.target.id()));
    // Opening or closing the node panel changes the canvas's width: keep the whole map in view.
    const ro = new ResizeObserver(() => {
      c.resize();
      c.fit(undefined, 30);
    });
    ro.observe(host.current);
    cy.current = c;
    // The end-to-end test reads node positions from here to click a node on the canvas.
    (host.current as HTMLDivElement & { __cy?: cytoscape.Core }).__cy = c;
    return () => {
      ro.disconnect();
      c.destroy();
      cy.current = null;
    };
  }, [big]);

  // Rebuild elements and layout when the set of nodes or edges changes; otherwise only restyle.
  useEffect(() => {
    const c = cy.current;
    if (!c) return;
    const maxCalls = Math.max(1, ...view.nodes.map((n) => n.calls));
    const data = (n: MapNode) => ({
      id: n.id,
      label: n.name,
      shape: SHAPES[n.kind] ?? 'ellipse',
      state: nodeState(n),
      size: 22 + 26 * Math.sqrt(n.calls / maxCalls),
    });
    const edgeData = (e: DependencyMap['edges'][number]) => ({
      id: `${e.from}->${e.to}`,
      source: e.from,
      target: e.to,
      width: edgeWidth(e.rate),
      bad: e.health === 'failing' || e.error_pct >= 5 ? 1 : 0,
      declared: e.declared ?? '',
    });
    const ids = new Set(view.nodes.map((n) => n.id));
    c.batch(() => {
      c.elements().remove();
      c.add(view.nodes.map((n) => ({ group: 'nodes' as const, data: data(n) })));
      c.add(view.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e) => ({ group: 'edges' as const, data: edgeData(e) })));
    });
    const roots = view.nodes.filter((n) => !view.edges.some((e) => e.to === n.id)).map((n) => n.id);
    const layout: cytoscape.LayoutOptions = big
      ? ({
          // Problems in the middle, then the busiest hubs: what needs a look is what one sees first.
          name: 'concentric',
          concentric: (n: cytoscape.NodeSingular) => (PROBLEM[n.data('state') as string] ?? 0) * 100 + Math.min(n.degree(false), 99),
          levelWidth: () => 2,
          minNodeSpacing: 6,
          animate: false,
        } as cytoscape.LayoutOptions)
      : ({
          name: 'breadthfirst',
          directed: true,
          roots: focus ? [focus] : roots.length ? roots : undefined,
          spacingFactor: 1.1,
          animate: false,
          grid: false,
        } as cytoscape.LayoutOptions);
    c.layout(layout).run();
    c.fit(undefined, 30);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, big, focus]);

  useEffect(() => {
    const c = cy.current;
    if (!c) return;
    c.batch(() => {
      const maxCalls = Math.max(1, ...view.nodes.map((n) => n.calls));
      for (const n of view.nodes) {
        const el = c.getElementById(n.id);
        if (el.nonempty()) el.data({ state: nodeState(n), size: 22 + 26 * Math.sqrt(n.calls / maxCalls) });
      }
      for (const e of view.edges) {
        const el = c.getElementById(`${e.from}->${e.to}`);
        if (el.nonempty()) el.data({ width: edgeWidth(e.rate), bad: e.health === 'failing' || e.error_pct >= 5 ? 1 : 0 });
      }
    });
  }, [view]);

  useEffect(() => {
    const c = cy.current;
    if (!c) return;
    c.$(':selected').unselect();
    if (selected) c.getElementById(selected).select();
  }, [selected, shape]);

  return (
    <div
      className="graph"
      ref={host}
      data-testid="map-graph"
      role="img"
      aria-label={`Dependency map: ${view.nodes.length} nodes, ${view.edges.length} edges. Use the node list to choose one with the keyboard.`}
    />
  );
}

function NodePanel({ node, map, last, onClose, onFocus }: { node: MapNode; map: DependencyMap; last: string; onClose: () => void; onFocus: () => void }) {
  const into = map.edges.filter((e) => e.to === node.id);
  const out = map.edges.filter((e) => e.from === node.id);
  const missing = (map.missing ?? []).filter((m) => m.from === node.id);
  const calls = callsInto(node);
  const errorsQuery = calls ? `where ${calls} and error = true | last ${last}` : null;
  return (
    <aside className="node-panel" aria-label={`Node ${node.id}`}>
      <header>
        <h3>{node.id}</h3>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close node details">
          ✕
        </button>
      </header>
      <p>
        <span className={`dot ${nodeState(node)}`} /> {node.kind}
        {node.instrumented ? '' : ' (no spans of its own; seen from its callers)'}
        {node.health ? ` · health check ${node.health}` : ''}
      </p>
      <dl className="facts">
        <dt>rate</dt>
        <dd>{formatNumber(node.rate)} calls/s ({formatNumber(node.calls)} calls)</dd>
        <dt>errors</dt>
        <dd className={node.error_pct >= 1 ? 'bad' : ''}>
          {formatNumber(node.errors)} ({formatPercent(node.error_pct / 100, 2)})
        </dd>
        <dt>latency</dt>
        <dd>
          p50 {formatNumber(node.p50_ms)} ms · p99 {formatNumber(node.p99_ms)} ms
        </dd>
        {Object.entries(node.attributes ?? {}).map(([k, v]) => (
          <span key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd className="mono">{v}</dd>
          </span>
        ))}
      </dl>
      <p className="row">
        <button type="button" className="ghost" onClick={onFocus}>
          Focus on its neighbourhood
        </button>
        {calls && (
          <Link to={`/explore?q=${encodeURIComponent(`where ${calls} | rate(), p99(duration), heatmap(duration) | last ${last} | every auto`)}`}>Explore</Link>
        )}
      </p>
      <h4>RED</h4>
      {node.kind === 'service' ? <ServiceRed service={node.id} last={last} /> : calls ? <CallsRed where={calls} last={last} /> : <p className="muted">No way to select this node's calls.</p>}
      <h4>Recent errors</h4>
      {errorsQuery ? <TraceList q={errorsQuery} limit={8} /> : <p className="muted">–</p>}
      <h4>Callers and callees</h4>
      <table className="grid small">
        <thead>
          <tr>
            <th>edge</th>
            <th className="num">calls/s</th>
            <th className="num">err %</th>
            <th className="num">p99 ms</th>
            <th>declared</th>
          </tr>
        </thead>
        <tbody>
          {[...into.map((e) => ({ e, label: `← ${e.from}` })), ...out.map((e) => ({ e, label: `→ ${e.to}` }))].map(({ e, label }) => (
            <tr key={label} className={e.error_pct >= 5 || e.health === 'failing' ? 'has-error' : ''}>
              <td>{label}</td>
              <td className="num">{formatNumber(e.rate)}</td>
              <td className="num">{formatNumber(e.error_pct)}</td>
              <td className="num">{formatNumber(e.p99_ms)}</td>
              <td className={e.declared && e.declared !== 'declared' ? 'bad' : ''}>{e.declared ?? '–'}</td>
            </tr>
          ))}
          {missing.map((m) => (
            <tr key={`missing-${m.callee}`} className="has-error">
              <td>→ {m.callee}</td>
              <td colSpan={3} className="muted">
                declared, not observed in the window
              </td>
              <td className="bad">missing</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Health history</h4>
      <HealthHistory node={node} last={last} />
    </aside>
  );
}

function ServiceRed({ service, last }: { service: string; last: string }) {
  const res = useApi(`red:${service}:${last}`, (s) => red(service, last, s));
  if (res.loading) return <Loading what="RED" />;
  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />;
  const r = res.data!;
  if (!r.requests.series || !r.requests.rows.length) return <Empty>No server spans from {service} in the last {last}.</Empty>;
  const labels = r.requests.series.groups.map((g) => String(g.key[0]));
  return (
    <div className="red" data-testid="red-charts">
      <figure>
        <figcaption>requests/s by operation</figcaption>
        <TimeSeriesChart series={r.requests.series} calc="rate()" labels={labels} height={140} />
      </figure>
      {r.errors.series && r.errors.rows.length > 0 ? (
        <figure>
          <figcaption>errors/s</figcaption>
          <TimeSeriesChart series={r.errors.series} calc="rate()" labels={r.errors.series.groups.map((g) => String(g.key[0]))} height={120} />
        </figure>
      ) : (
        <p className="muted small">No failed requests in the window.</p>
      )}
      <figure>
        <figcaption>p99 duration</figcaption>
        <TimeSeriesChart series={r.requests.series} calc="p99(duration)" labels={labels} height={140} />
      </figure>
    </div>
  );
}

function CallsRed({ where, last }: { where: string; last: string }) {
  const q = `where ${where} | rate(), p99(duration), count() by error | last ${last} | every auto`;
  const res = useApi(`calls:${q}`, (s) => query(q, s));
  if (res.loading) return <Loading what="calls" />;
  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />;
  const r = res.data!;
  if (!r.series || !r.rows.length) return <Empty>No calls in the last {last}.</Empty>;
  const labels = r.series.groups.map((g) => (g.key[0] === true ? 'failed' : 'ok'));
  return (
    <div className="red" data-testid="red-charts">
      <figure>
        <figcaption>calls/s (ok and failed)</figcaption>
        <TimeSeriesChart series={r.series} calc="rate()" labels={labels} height={140} />
      </figure>
      <figure>
        <figcaption>p99 duration</figcaption>
        <TimeSeriesChart series={r.series} calc="p99(duration)" labels={labels} height={140} />
      </figure>
    </div>
  );
}

function HealthHistory({ node, last }: { node: MapNode; last: string }) {
  const name = node.name;
  const q = `where kind = log and health.check exists and (service.name = ${JSON.stringify(name)} or health.check = ${JSON.stringify(name)}) | count() by health.healthy | last ${last} | every auto`;
  const res = useApi(`hh:${q}`, (s) => queryIfColumn('health.check', last, q, s));
  const polled = useApi('health', (s) => fetchHealth(s));
  if (res.loading) return <Loading what="health history" />;
  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />;
  const r = res.data;
  if (r === null) return <Empty>No health checks stored in the last {last} (Sextant polls endpoints given with --health service=url).</Empty>;
  const latest = polled.data?.targets.find((t) => t.service === name || t.dependencies?.some((d) => d.name === name));
  if (!r.series || !r.rows.length) return <Empty>No health checks speak about {name} in the last {last}.</Empty>;
  return (
    <div>
      {latest && (
        <p className={latest.healthy ? '' : 'bad'}>
          Latest poll of {latest.url}: {latest.healthy ? 'healthy' : `unhealthy${latest.error ? `: ${latest.error}` : ''}`}
        </p>
      )}
      <TimeSeriesChart
        series={r.series}
        calc="count()"
        labels={r.series.groups.map((g) => (String(g.key[0]) === 'true' ? 'healthy' : 'unhealthy'))}
        height={110}
      />
    </div>
  );
}
