import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { trace as fetchTrace, type Attrs, type TraceEvent } from '../api';
import { Empty, ErrorBox, Loading } from '../components/State';
import { serviceColor } from '../colors';
import { formatDuration, formatTime } from '../format';
import { textValue } from '../query/syntax';
import { ancestors, buildTrace, visibleRows, type SpanNode, type TraceModel } from '../trace/model';
import { Waterfall } from '../trace/Waterfall';
import { useApi } from '../useApi';

export function TracePage() {
  const { id = '' } = useParams();
  const res = useApi(`trace:${id}`, (s) => fetchTrace(id, s));
  const model = useMemo(() => (res.data ? buildTrace(res.data.events) : null), [res.data]);
  if (res.loading) return <Loading what={`trace ${id}`} />;
  if (res.error)
    return (
      <div>
        <ErrorBox error={res.error} retry={res.reload} />
        <p>
          <Link to="/traces">Search traces</Link>
        </p>
      </div>
    );
  if (!model || model.ordered.length === 0) return <Empty>Trace {id} has no spans.</Empty>;
  return <TraceView id={id} model={model} />;
}

function TraceView({ id, model }: { id: string; model: TraceModel }) {
  const [params, setParams] = useSearchParams();
  const selected = params.get('span');
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [showCritical, setShowCritical] = useState(true);
  const rows = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  const root = model.roots[0];

  const select = useCallback(
    (spanId: string) => {
      const next = new URLSearchParams(params);
      next.set('span', spanId);
      setParams(next, { replace: true });
    },
    [params, setParams],
  );
  const toggle = useCallback(
    (spanId: string) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (n.has(spanId)) n.delete(spanId);
        else n.add(spanId);
        return n;
      }),
    [],
  );
  const reveal = useCallback(
    (node: SpanNode) => {
      const up = ancestors(node);
      if (up.some((a) => collapsed.has(a))) {
        setCollapsed((c) => {
          const n = new Set(c);
          up.forEach((a) => n.delete(a));
          return n;
        });
      }
      select(node.id);
    },
    [collapsed, select],
  );
  const nextError = useCallback(() => {
    if (!model.errors.length) return;
    const cur = selected ? model.errors.findIndex((e) => e.id === selected) : -1;
    reveal(model.errors[(cur + 1) % model.errors.length]);
  }, [model, selected, reveal]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (['INPUT', 'TEXTAREA', 'SELECT'].includes((e.target as HTMLElement).tagName)) return;
      if (e.key === 'e') nextError();
      if (e.key === 'Escape' && selected) {
        const next = new URLSearchParams(params);
        next.delete('span');
        setParams(next, { replace: true });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [nextError, selected, params, setParams]);

  const [find, setFind] = useState('');
  const matches = useMemo(() => {
    const f = find.trim().toLowerCase();
    if (!f) return [];
    return model.ordered.filter((n) => {
      const e = n.event;
      if (e.name.toLowerCase().includes(f) || e['service.name'].toLowerCase().includes(f) || n.id === f) return true;
      return Object.values(e.attributes).some((v) => String(v).toLowerCase().includes(f));
    });
  }, [model, find]);
  const matchIds = useMemo(() => new Set(matches.map((m) => m.id)), [matches]);
  const nextMatch = (back = false) => {
    if (!matches.length) return;
    const cur = selected ? matches.findIndex((m) => m.id === selected) : -1;
    const i = cur < 0 ? (back ? matches.length - 1 : 0) : (cur + (back ? -1 : 1) + matches.length) % matches.length;
    reveal(matches[i]);
  };

  const collapseAll = () => setCollapsed(new Set(model.ordered.filter((n) => n.depth >= 1 && n.children.length).map((n) => n.id)));
  const node = selected ? model.byId.get(selected) : undefined;

  return (
    <div className="trace-page">
      <header className="trace-head">
        <div>
          <h2>
            <span className="swatch" style={{ background: serviceColor(root.event['service.name']) }} />
            {root.event['service.name']} · {root.event.name}
          </h2>
          <p className="muted mono small">
            trace {id} · {formatTime(model.startNanos, true)} · {formatDuration(model.duration)} · {model.ordered.length.toLocaleString()} spans ·{' '}
            {model.services.length} services
          </p>
        </div>
        <div className="row">
          {model.errors.length > 0 ? (
            <button type="button" className="danger" onClick={nextError} title="Keyboard: e">
              {model.errors.length} error{model.errors.length > 1 ? 's' : ''}: next ▸
            </button>
          ) : (
            <span className="ok-badge">no errors</span>
          )}
          <input
            type="search"
            aria-label="Find spans"
            placeholder="Find spans (name, service, attribute)"
            value={find}
            onChange={(e) => setFind(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                nextMatch(e.shiftKey);
              }
            }}
          />
          {find.trim() && (
            <span className="muted small" role="status">
              {matches.length ? `${Math.max(1, matches.findIndex((m) => m.id === selected) + 1)} of ${matches.length.toLocaleString()}` : 'no match'}
            </span>
          )}
          <label className="check">
            <input type="checkbox" checked={showCritical} onChange={(e) => setShowCritical(e.target.checked)} /> critical path
          </label>
          <button type="button" className="ghost" onClick={collapseAll}>
            Collapse all
          </button>
          <button type="button" className="ghost" onClick={() => setCollapsed(new Set())}>
            Expand all
          </button>
        </div>
      </header>
      <div className="legend-row">
        {model.services.slice(0, 30).map((s) => (
          <span key={s} className="legend-item">
            <span className="swatch" style={{ background: serviceColor(s) }} />
            {s}
          </span>
        ))}
      </div>
      <div className={`trace-body${node ? ' with-detail' : ''}`}>
        <div className="waterfall-wrap">
          <Ruler duration={model.duration} />
          <Waterfall
            model={model}
            rows={rows}
            collapsed={collapsed}
            selected={selected}
            onSelect={select}
            onToggle={toggle}
            showCritical={showCritical}
            matches={matchIds}
          />
        </div>
        {node && <SpanDetail node={node} model={model} />}
      </div>
      {model.looseLogs.length > 0 && (
        <details className="panel">
          <summary>{model.looseLogs.length} logs not attached to a span of this trace</summary>
          <LogList logs={model.looseLogs} />
        </details>
      )}
    </div>
  );
}

function Ruler({ duration }: { duration: number }) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="ruler" aria-hidden="true">
      <div className="span-label" />
      <div className="span-track">
        {ticks.map((t) => (
          <span key={t} style={{ left: `${t * 100}%` }}>
            {formatDuration(duration * t)}
          </span>
        ))}
      </div>
    </div>
  );
}

function userOf(e: TraceEvent): string | null {
  const v = e.attributes.user_id ?? e.attributes['enduser.id'] ?? e.resource.user_id;
  return v === undefined || v === null ? null : String(v);
}

function SpanDetail({ node, model }: { node: SpanNode; model: TraceModel }) {
  const e = node.event;
  const user = userOf(e) ?? (model.roots[0] ? userOf(model.roots[0].event) : null);
  const serviceQuery = `where service.name = ${textValue(e['service.name'])} and name = ${textValue(e.name)} | count(), p99(duration), heatmap(duration) | last 1h | every auto`;
  return (
    <aside className="span-detail" aria-label="Span details">
      <h3>
        <span className="swatch" style={{ background: serviceColor(e['service.name']) }} />
        {e.name}
      </h3>
      <dl className="facts">
        <dt>service</dt>
        <dd>
          {e['service.name']} · <Link to={`/map?node=${encodeURIComponent(e['service.name'])}`}>on the map</Link> ·{' '}
          <Link to={`/explore?q=${encodeURIComponent(serviceQuery)}`}>this operation in Explore</Link>
        </dd>
        <dt>kind</dt>
        <dd>{e['span.kind'] ?? '–'}</dd>
        <dt>duration</dt>
        <dd>
          {formatDuration(node.end - node.start)} (starts at +{formatDuration(node.start)}){node.critical ? ' · on the critical path' : ''}
        </dd>
        <dt>status</dt>
        <dd className={node.error ? 'bad' : ''}>
          {e.status ?? 'unset'}
          {e.status_message ? `: ${e.status_message}` : ''}
        </dd>
        <dt>span id</dt>
        <dd className="mono">{e.span_id}</dd>
        {user && (
          <>
            <dt>user</dt>
            <dd>
              {user} ·{' '}
              <Link to={`/traces?q=${encodeURIComponent(`where user_id = ${textValue(user)} | last 24h`)}`}>this user's other requests</Link>
            </dd>
          </>
        )}
      </dl>
      <AttrTable title="Attributes" attrs={e.attributes} />
      {e.events && e.events.length > 0 && (
        <section>
          <h4>Events ({e.events.length})</h4>
          <ul className="plain">
            {e.events.map((ev, i) => (
              <li key={i}>
                <span className="mono small">+{formatDuration(Number(BigInt(ev.time_unix_nano) - BigInt(model.startNanos)))}</span> {ev.name}
                <AttrInline attrs={ev.attributes} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {e.links && e.links.length > 0 && (
        <section>
          <h4>Links ({e.links.length})</h4>
          <ul className="plain">
            {e.links.map((l, i) => (
              <li key={i}>
                <Link to={`/trace/${l.trace_id}?span=${l.span_id}`} className="mono">
                  {l.trace_id.slice(0, 16)}… / {l.span_id}
                </Link>
                <AttrInline attrs={l.attributes} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h4>Logs ({node.logs.length})</h4>
        {node.logs.length ? <LogList logs={node.logs} /> : <p className="muted small">This span wrote no logs.</p>}
      </section>
      <AttrTable title="Resource" attrs={e.resource} collapsed />
    </aside>
  );
}

function AttrTable({ title, attrs, collapsed }: { title: string; attrs: Attrs; collapsed?: boolean }) {
  const keys = Object.keys(attrs ?? {}).sort();
  const body = (
    <table className="attrs-table">
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th>{k}</th>
            <td className="mono">{typeof attrs[k] === 'object' ? JSON.stringify(attrs[k]) : String(attrs[k])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (collapsed)
    return (
      <details>
        <summary>
          {title} ({keys.length})
        </summary>
        {body}
      </details>
    );
  return (
    <section>
      <h4>
        {title} ({keys.length})
      </h4>
      {keys.length ? body : <p className="muted small">none</p>}
    </section>
  );
}

function AttrInline({ attrs }: { attrs: Attrs }) {
  const keys = Object.keys(attrs ?? {});
  if (!keys.length) return null;
  return <span className="muted small mono"> {keys.map((k) => `${k}=${JSON.stringify(attrs[k])}`).join(' ')}</span>;
}

function LogList({ logs }: { logs: TraceEvent[] }) {
  return (
    <ul className="plain logs">
      {logs.map((l, i) => (
        <li key={i} className={l.error || (l.severity_number ?? 0) >= 17 ? 'bad' : ''}>
          <span className="mono small">{formatTime(l.time_unix_nano)}</span> <span className="sev">{l.severity_text || '–'}</span> {l.body}
          <AttrInline attrs={l.attributes} />
        </li>
      ))}
    </ul>
  );
}
