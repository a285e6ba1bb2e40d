import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  ApiError,
  changes as fetchChanges,
  deleteSlo,
  putSlo,
  sloSeries,
  slos as fetchSlos,
  type BurnRates,
  type Change,
  type Series,
  type SloAlert,
  type SloEdit,
  type SloSeries,
  type SloStatus,
} from '../api';
import { Empty, ErrorBox, Loading } from '../components/State';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { serviceColor } from '../colors';
import { formatPercent, formatTime } from '../format';
import { useApi } from '../useApi';

// The chart's span, in the SLOs' own time (scaled like their windows, docs/slo.md).
const SPANS = ['1h', '6h', '24h', '7d'];
const WINDOWS: (keyof BurnRates)[] = ['5m', '1h', '30m', '6h'];
/** The workbook's alerts (docs/slo.md): 1 h and 5 m over 14.4 page, 6 h and 30 m over 6 ticket. */
const PAGE = 14.4;
const TICKET = 6;
/** How often the page asks again: the server recounts four times an SLO minute. */
const REFRESH_MS = 15_000;

const MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440 };
function minutes(span: string): number {
  const m = /^(\d+)([mhd])$/.exec(span);
  return m ? Number(m[1]) * MINUTES[m[2]] : 360;
}

const is404 = (e: unknown) => e instanceof ApiError && e.status === 404;

export function SlosPage() {
  const [params, setParams] = useSearchParams();
  const last = params.get('last') ?? '6h';
  const list = useApi('slos', (s) => fetchSlos(s));
  const names = list.data?.slos.map((s) => s.name) ?? [];
  const wanted = params.get('slo');
  const selected = wanted && names.includes(wanted) ? wanted : (names[0] ?? null);
  const series = useApi(selected ? `slo:${selected}:${last}` : null, (s) => sloSeries(selected!, last, s));
  // Alerts and changes over the same wall-clock span as the chart.
  const minuteSeconds = list.data?.minute_seconds ?? 60;
  const realLast = `${Math.ceil(minutes(last) * minuteSeconds)}s`;
  const ch = useApi(list.data ? `changes:${realLast}` : null, (s) => fetchChanges(realLast, s));
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const { reload: reloadList } = list;
  const { reload: reloadSeries } = series;
  useEffect(() => {
    const t = setInterval(() => {
      reloadList();
      reloadSeries();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [reloadList, reloadSeries]);

  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v === null) next.delete(k);
    else next.set(k, v);
    setParams(next);
  };

  if (list.error && is404(list.error))
    return (
      <Empty>
        <h3>No SLOs on this server</h3>
        <p>
          It answered 404: {(list.error as Error).message}. Declare them in a file and start Sextant with <code>--slos slos.yaml</code> (docs/slo.md), or
          run <code>./sextant demo</code>, which ships its own.
        </p>
      </Empty>
    );

  const saved = (message: string) => {
    setEditing(null);
    setNotice(message);
    reloadList();
    reloadSeries();
  };

  return (
    <div className="slos">
      <div className="row toolbar">
        <h2>SLOs</h2>
        <label>
          Chart and history{' '}
          <select aria-label="Span" value={last} onChange={(e) => set('last', e.target.value)}>
            {SPANS.map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setEditing('')} disabled={editing !== null}>
          + New SLO
        </button>
        {list.data && minuteSeconds !== 60 && (
          <span className="muted small">Windows scaled: an SLO minute lasts {minuteSeconds} s.</span>
        )}
      </div>
      {notice && (
        <div className="state empty" role="status">
          {notice}
        </div>
      )}
      {list.loading && !list.data && <Loading what="SLOs" />}
      {list.error ? <ErrorBox error={list.error} retry={list.reload} /> : null}
      {editing === '' && <SloForm onSaved={saved} onCancel={() => setEditing(null)} />}
      {list.data &&
        (list.data.slos.length ? (
          <SloTable
            slos={list.data.slos}
            selected={selected}
            onSelect={(n) => set('slo', n)}
            editing={editing}
            onEdit={setEditing}
            onSaved={saved}
          />
        ) : (
          <Empty>No SLOs are declared. Add one with “+ New SLO”.</Empty>
        ))}
      {list.data && list.data.slos.length > 0 && (
        <p className="muted small">
          {list.data.file ? (
            <>
              Edits are written to <code>{list.data.file}</code>.
            </>
          ) : (
            <>Edits are kept in memory until the server stops: it was started without a --slos file to write.</>
          )}
        </p>
      )}
      {selected && (
        <section>
          <h3>
            Burn rate of <span className="mono">{selected}</span> over the last {last}
          </h3>
          {series.loading && !series.data && <Loading what="the burn rates" />}
          {series.error ? <ErrorBox error={series.error} retry={series.reload} /> : null}
          {series.data && <BurnChart data={series.data} />}
        </section>
      )}
      {list.data && (
        <section>
          <h3>Alerts and changes</h3>
          {ch.error ? <ErrorBox error={ch.error} retry={ch.reload} /> : null}
          {ch.loading && !ch.data ? (
            <Loading what="the changes" />
          ) : (
            <AlertHistory alerts={list.data.alerts} changes={ch.data?.changes ?? []} spanMs={minutes(last) * minuteSeconds * 1000} />
          )}
          <p className="small">
            <Link to={`/changes?last=${realLast}`}>All changes and health checks →</Link>
          </p>
        </section>
      )}
    </div>
  );
}

function SloTable({
  slos,
  selected,
  onSelect,
  editing,
  onEdit,
  onSaved,
}: {
  slos: SloStatus[];
  selected: string | null;
  onSelect: (name: string) => void;
  editing: string | null;
  onEdit: (name: string | null) => void;
  onSaved: (message: string) => void;
}) {
  return (
    <table className="grid" aria-label="SLOs">
      <thead>
        <tr>
          <th>SLO</th>
          <th className="num">Objective</th>
          <th>Window</th>
          <th>Budget remaining</th>
          {WINDOWS.map((w) => (
            <th key={w} className="num">
              Burn {w}
            </th>
          ))}
          <th>State</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {slos.flatMap((s) => {
          const row = (
            <tr
              key={s.name}
              className={`clickable${s.name === selected ? ' selected' : ''}${s.paging || s.ticketing ? ' has-error' : ''}`}
              tabIndex={0}
              aria-selected={s.name === selected}
              onClick={() => onSelect(s.name)}
              onKeyDown={(e) => e.key === 'Enter' && onSelect(s.name)}
              data-testid="slo-row"
            >
              <td>
                <strong className="mono">{s.name}</strong>
                <div className="muted small">{s.description}</div>
                <div className="mono small" title="valid events / good events">
                  {s.valid} ⟶ {s.good}
                </div>
                {s.error && <div className="bad small">Not evaluated: {s.error}</div>}
              </td>
              <td className="num">{objectiveText(s.objective)}</td>
              <td>{s.window}</td>
              <td>
                <Budget remaining={s.error_budget_remaining} />
              </td>
              {WINDOWS.map((w) => (
                <td key={w} className={`num${burnClass(w, s.burn_rates[w])}`}>
                  {burnText(s.burn_rates[w])}
                </td>
              ))}
              <td>
                {s.paging ? <span className="tag bad">paging</span> : null}
                {s.ticketing ? <span className="tag warn">ticket</span> : null}
                {!s.paging && !s.ticketing ? <span className="good small">ok</span> : null}
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={(e) => {
                    e.stopPropagation();
                    onEdit(s.name);
                  }}
                >
                  Edit
                </button>
              </td>
            </tr>
          );
          return editing === s.name
            ? [
                row,
                <tr key={`${s.name}-edit`}>
                  <td colSpan={6 + WINDOWS.length}>
                    <SloForm slo={s} onSaved={onSaved} onCancel={() => onEdit(null)} />
                  </td>
                </tr>,
              ]
            : [row];
        })}
      </tbody>
    </table>
  );
}

/** 0.995 → 99.5, without the float noise of the multiplication. */
const percentOf = (fraction: number) => Number((fraction * 100).toFixed(4));

/** 0.995 → "99.5 %" (no more digits than the objective has). */
export function objectiveText(fraction: number): string {
  return `${percentOf(fraction)} %`;
}

/** The server's note on where an edit went, as a sentence of its own (or nothing). */
const noteText = (note?: string) => (note ? ` ${note[0].toUpperCase()}${note.slice(1)}.` : '');

function burnText(b: number): string {
  return b === 0 ? '0' : `${b >= 100 ? b.toFixed(0) : b.toFixed(1)}×`;
}

function burnClass(w: keyof BurnRates, b: number): string {
  const limit = w === '5m' || w === '1h' ? PAGE : TICKET;
  return b > limit ? ' bad' : '';
}

function Budget({ remaining }: { remaining: number }) {
  const share = Math.max(0, Math.min(1, remaining));
  return (
    <span className="budget" title="The share of the error budget left over the SLO's window">
      <span className="budget-track">
        <span className={`budget-fill${remaining < 0.25 ? ' low' : ''}`} style={{ width: `${share * 100}%` }} />
      </span>
      <span className="mono small">{remaining <= 0 ? `exhausted (${formatPercent(remaining)})` : formatPercent(remaining)}</span>
    </span>
  );
}

/** The four burn rates over time, with the two alert thresholds as flat lines. */
function BurnChart({ data }: { data: SloSeries }) {
  const s = data.series;
  const { series, labels } = useMemo(() => {
    const flat = (v: number) => Array.from({ length: s.buckets }, () => v);
    const groups = [
      ...WINDOWS.map((w) => ({ key: [w], values: { burn: s.burn_rates[w] } })),
      { key: ['page'], values: { burn: flat(PAGE) } },
      { key: ['ticket'], values: { burn: flat(TICKET) } },
    ];
    const out: Series = { from: s.from, step: s.step, buckets: s.buckets, groups };
    return {
      series: out,
      labels: [...WINDOWS.map((w) => `burn over ${w}`), `page above ${PAGE}× (1h and 5m)`, `ticket above ${TICKET}× (6h and 30m)`],
    };
  }, [s]);
  if (s.buckets === 0) return <Empty>Not counted yet: the first count of the window is under way.</Empty>;
  const valid = s.valid.reduce((a, b) => a + b, 0);
  const good = s.good.reduce((a, b) => a + b, 0);
  return (
    <div className="burn">
      <TimeSeriesChart series={series} calc="burn" labels={labels} height={220} />
      <p className="muted small" data-testid="slo-counts">
        {valid.toLocaleString('en-US')} valid events, {(valid - good).toLocaleString('en-US')} bad
        {valid > 0 ? ` (${formatPercent((valid - good) / valid, 2)})` : ''} in this span; objective {objectiveText(data.objective)}.
      </p>
    </div>
  );
}

interface AlertSpan {
  id: string;
  slo: string;
  severity: 'page' | 'ticket';
  start: number;
  end: number | null;
  firing: SloAlert;
}

/** Firing and resolve payloads of one alert (same id) as one span, newest first. */
export function alertSpans(alerts: SloAlert[]): AlertSpan[] {
  const byId = new Map<string, AlertSpan>();
  for (const a of alerts) {
    const span = byId.get(a.id) ?? {
      id: a.id,
      slo: a.slo,
      severity: a.severity,
      start: Date.parse(a.started_at),
      end: null,
      firing: a,
    };
    if (a.status === 'firing') span.firing = a;
    if (a.resolved_at) span.end = Date.parse(a.resolved_at);
    byId.set(a.id, span);
  }
  return [...byId.values()].sort((x, y) => y.start - x.start);
}

/** SLO alerts beside the change events, on one time axis, then the alerts in a table. */
function AlertHistory({ alerts, changes, spanMs }: { alerts: SloAlert[]; changes: Change[]; spanMs: number }) {
  const spans = alertSpans(alerts);
  const t1 = Date.now();
  const t0 = t1 - spanMs;
  const shown = spans.filter((s) => (s.end ?? t1) >= t0);
  const changed = changes.filter((c) => c.time / 1e6 >= t0);
  if (!shown.length && !changed.length) return <Empty>No alerts and no changes in this span.</Empty>;
  const sloLanes = [...new Set(shown.map((s) => s.slo))].sort();
  const services = [...new Set(changed.map((c) => c.service))].sort();
  const lanes = [...sloLanes.map((s) => `SLO ${s}`), ...services];
  const lane = 22;
  const left = 160;
  const width = 900;
  const x = (ms: number) => left + ((Math.max(t0, Math.min(t1, ms)) - t0) / (t1 - t0)) * width;
  return (
    <div className="timeline">
      <svg
        viewBox={`0 0 ${width + left + 20} ${lanes.length * lane + 24}`}
        role="img"
        aria-label={`${shown.length} alerts and ${changed.length} changes in this span`}
      >
        {lanes.map((l, i) => (
          <g key={l}>
            <text x={left - 8} y={i * lane + 15} textAnchor="end" className="lane-label">
              {l}
            </text>
            <line x1={left} x2={left + width} y1={i * lane + 11} y2={i * lane + 11} className="lane" />
          </g>
        ))}
        {shown.map((s) => {
          const y = sloLanes.indexOf(s.slo) * lane + 4;
          const a = x(s.start);
          const b = Math.max(a + 3, x(s.end ?? t1));
          return (
            <rect key={s.id} x={a} y={y} width={b - a} height={14} rx={3} className={`alert-bar ${s.severity}`}>
              <title>
                {s.severity} {s.slo}: {formatTime(s.start * 1e6, true)} – {s.end ? formatTime(s.end * 1e6, true) : 'firing'}
              </title>
            </rect>
          );
        })}
        {changed.map((c, k) => {
          const cx = x(c.time / 1e6);
          const cy = (sloLanes.length + services.indexOf(c.service)) * lane + 11;
          return (
            <g key={k}>
              <title>
                {formatTime(c.time, true)} {c.service}: {c.attribute} {c.previous ? `${c.previous} → ` : ''}
                {c.value}
              </title>
              <rect x={cx - 5} y={cy - 5} width={10} height={10} transform={`rotate(45 ${cx} ${cy})`} fill={serviceColor(c.service)} />
            </g>
          );
        })}
        <text x={left} y={lanes.length * lane + 18} className="lane-label">
          {formatTime(t0 * 1e6, true)}
        </text>
        <text x={left + width} y={lanes.length * lane + 18} textAnchor="end" className="lane-label">
          now
        </text>
      </svg>
      {spans.length > 0 && (
        <table className="grid small" aria-label="Alert history">
          <thead>
            <tr>
              <th>Started</th>
              <th>SLO</th>
              <th>Alert</th>
              <th>State</th>
              <th>Burn when it fired</th>
              <th>First suspect</th>
            </tr>
          </thead>
          <tbody>
            {spans.map((s) => {
              const f = s.firing;
              const first = f.triage?.suspects?.[0];
              return (
                <tr key={s.id} className={s.end ? '' : 'has-error'}>
                  <td className="mono">{formatTime(s.start * 1e6, true)}</td>
                  <td className="mono">{s.slo}</td>
                  <td>
                    <span className={`tag ${s.severity === 'page' ? 'bad' : 'warn'}`}>{s.severity}</span>
                  </td>
                  <td>{s.end ? `resolved ${formatTime(s.end * 1e6, true)}` : <strong className="bad">firing</strong>}</td>
                  <td className="mono">{f.windows.map((w) => `${w} ${burnText(f.burn_rates[w as keyof BurnRates] ?? 0)}`).join(', ')}</td>
                  <td>
                    {first ? (
                      <>
                        {first.members.join(', ')} <span className="muted">({formatPercent(first.probability, 0)})</span>
                      </>
                    ) : (
                      <span className="muted">{f.triage === null ? 'no triage' : '–'}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Adds an SLO (no `slo`) or edits one; the server validates and says what is wrong. */
function SloForm({ slo, onSaved, onCancel }: { slo?: SloStatus; onSaved: (message: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(slo?.name ?? '');
  const [form, setForm] = useState<SloEdit>({
    description: slo?.description ?? '',
    valid: slo?.valid ?? '',
    good: slo?.good ?? '',
    objective: slo ? percentOf(slo.objective) : 99.5,
    window: slo?.window ?? '28d',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const field = (k: keyof SloEdit) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await putSlo(name.trim(), form);
      onSaved(`Saved ${r.slo.name}${r.file ? ` to ${r.file}` : ''}.${noteText(r.note)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!slo || !window.confirm(`Remove the SLO ${slo.name}? Its alerts that fire are resolved.`)) return;
    setBusy(true);
    setError(null);
    try {
      const r = await deleteSlo(slo.name);
      onSaved(`Removed ${r.removed}.${noteText(r.note)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel slo-form" onSubmit={save} aria-label={slo ? `Edit SLO ${slo.name}` : 'New SLO'}>
      {!slo && (
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[A-Za-z0-9_.\-]{1,64}" />
        </label>
      )}
      <label>
        Description <input className="grow" value={form.description} onChange={field('description')} />
      </label>
      <label>
        Valid events <input className="mono grow" value={form.valid} onChange={field('valid')} placeholder="service.name = gateway and span.kind = server" required />
      </label>
      <label>
        Good events <input className="mono grow" value={form.good} onChange={field('good')} placeholder="status != error and duration < 800ms" required />
      </label>
      <div className="row">
        <label>
          Objective (%) <input className="narrow" value={form.objective} onChange={field('objective')} inputMode="decimal" required />
        </label>
        <label>
          Window <input className="narrow" value={form.window} onChange={field('window')} required />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        {slo && (
          <button type="button" className="danger" onClick={remove} disabled={busy}>
            Remove
          </button>
        )}
      </div>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}
