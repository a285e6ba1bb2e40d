import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { columns as fetchColumns, query, type Cell, type QueryResult } from '../api';
import { ComparePanel } from '../components/ComparePanel';
import { HeatmapChart, type HeatRegion } from '../components/HeatmapChart';
import { QueryBuilder } from '../components/QueryBuilder';
import { Empty, ErrorBox, Loading } from '../components/State';
import { TimeSeriesChart, type SeriesPick } from '../components/TimeSeriesChart';
import { TraceList } from '../components/TraceList';
import { PALETTE } from '../colors';
import { formatCell, formatTime } from '../format';
import {
  formatQuery,
  parseQuery,
  quoteColumn,
  sinceUntil,
  textValue,
  timeRange,
  type QueryModel,
} from '../query/syntax';
import { useApi } from '../useApi';

export const DEFAULT_QUERY = 'where kind = span | count(), p99(duration), heatmap(duration) by service.name | last 1h | every auto';

/** `col = value` for one cell of a breakdown, in the text syntax. */
export function equals(column: string, v: Cell): string {
  if (v === null) return `${quoteColumn(column)} does-not-exist`;
  const val = typeof v === 'string' ? textValue(v) : String(v);
  return `${quoteColumn(column)} = ${val}`;
}

/** The where clause of `m` and `extra` conditions joined by and, parenthesised where needed. */
export function andWhere(where: string, extra: string[]): string {
  const parts = [];
  if (where.trim()) parts.push(/\bor\b/i.test(where) ? `(${where.trim()})` : where.trim());
  parts.push(...extra);
  return parts.join(' and ');
}

/** A traces question: the run question's where, narrowed, over a range. */
export function drillQuery(m: QueryModel, extra: string[], range?: { from: number; to: number }): string {
  const where = andWhere(formatWhere(m), extra);
  const parts = [];
  if (where) parts.push(`where ${where}`);
  parts.push(range ? sinceUntil(range.from, range.to) : m.time || 'last 1h');
  return parts.join(' | ');
}

function formatWhere(m: QueryModel): string {
  const q = formatQuery({ ...m, calcs: [], by: [], having: '', order: '', limit: '', time: '', every: '' });
  return q.startsWith('where ') ? q.slice(6) : '';
}

/** The compare request for the run question and a selection; the server parses the where text. */
export function compareRequest(m: QueryModel, selection: unknown): Record<string, unknown> {
  const where = formatWhere(m);
  const body: Record<string, unknown> = { ...timeRange(m.time), selection };
  if (where) body.where = where;
  return body;
}

export function ExplorePage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? DEFAULT_QUERY;
  const drill = params.get('drill');
  const cmp = params.get('cmp');
  const cmpTitle = params.get('cmpTitle') ?? 'Selection against the rest';
  const [draft, setDraft] = useState(q);
  const [model, setModel] = useState<QueryModel>(() => parseQuery(q));
  const textRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setDraft(q);
    setModel(parseQuery(q));
  }, [q]);
  const ran = useMemo(() => parseQuery(q), [q]);

  const colsRange = /^last\s+(\S+)$/i.exec(model.time.trim())?.[1] ?? '1h';
  const cols = useApi(`cols:${colsRange}`, (s) => fetchColumns(colsRange, s));
  const res = useApi(`q:${q}`, (s) => query(q, s));

  const update = (patch: Record<string, string | null>, replace = false) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace });
  };
  const run = (text: string) => update({ q: text, drill: null, cmp: null, cmpTitle: null });

  // `/` focuses the query text, as in most consoles.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) {
        e.preventDefault();
        textRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onBuilderChange = (m: QueryModel) => {
    setModel(m);
    setDraft(formatQuery(m));
  };

  const addFilter = (column: string, value: string) => {
    const m = parseQuery(q);
    const extra = equals(column, value);
    run(formatQuery({ ...m, filters: null, where: andWhere(formatWhere(m), [extra]) }));
  };

  return (
    <div className="explore">
      <form
        className="question"
        onSubmit={(e) => {
          e.preventDefault();
          run(draft.trim());
        }}
      >
        <QueryBuilder model={model} columns={cols.data?.columns ?? []} onChange={onBuilderChange} />
        <div className="text-query">
          <label htmlFor="q-text">Query text</label>
          <textarea
            id="q-text"
            ref={textRef}
            className="mono"
            rows={4}
            spellCheck={false}
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setModel(parseQuery(e.target.value));
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                run(draft.trim());
              }
            }}
          />
          <div className="row">
            <button type="submit" className="primary">
              Run
            </button>
            <span className="muted small">Enter runs · Shift+Enter for a new line · / focuses this box · syntax in docs/query.md</span>
          </div>
          {cols.error ? <p className="muted small">Column suggestions are unavailable: {String((cols.error as Error).message)}</p> : null}
        </div>
      </form>

      {res.loading && <Loading what="the answer" />}
      {res.error ? <QueryError error={res.error} q={q} retry={res.reload} /> : null}
      {res.data && (
        <Results
          result={res.data}
          model={ran}
          onDrill={(text) => update({ drill: text, cmp: null })}
          onCompare={(req, title) => update({ cmp: JSON.stringify(req), cmpTitle: title, drill: null })}
        />
      )}

      {cmp && <ComparePanel request={JSON.parse(cmp)} title={cmpTitle} onAddFilter={addFilter} onClose={() => update({ cmp: null, cmpTitle: null })} />}
      {drill && (
        <section className="panel" aria-label="Traces">
          <header>
            <h3>
              Traces: <code>{drill}</code>
            </h3>
            <button type="button" className="ghost" onClick={() => update({ drill: null })}>
              Close
            </button>
          </header>
          <TraceList q={drill} />
        </section>
      )}
    </div>
  );
}

function QueryError({ error, q, retry }: { error: unknown; q: string; retry: () => void }) {
  const pos = (error as { position?: number }).position ?? -1;
  return (
    <div>
      <ErrorBox error={error} retry={retry} />
      {pos >= 0 && (
        <pre className="caret mono" aria-hidden="true">
          {q}
          {'\n' + ' '.repeat(pos)}^
        </pre>
      )}
    </div>
  );
}

interface ResultsProps {
  result: QueryResult;
  model: QueryModel;
  onDrill: (tracesQuery: string) => void;
  onCompare: (request: unknown, title: string) => void;
}

function Results({ result, model, onDrill, onCompare }: ResultsProps) {
  const keyCols = result.columns.filter((c) => !c.calculation).map((c) => c.name);
  const calcCols = result.columns.filter((c) => c.calculation).map((c) => c.name);
  const series = result.series;
  const labels = useMemo(() => (series ? series.groups.map((g) => g.key.map((k) => String(k ?? '(none)')).join(' · ') || 'all') : []), [series]);
  const groupFilter = (key: Cell[]) => key.map((v, i) => equals(keyCols[i], v));
  // The table is the charts' legend: a row's swatch is its line's colour.
  const rowKey = (row: Cell[]) => JSON.stringify(row.slice(0, keyCols.length));
  const colourOf = useMemo(() => new Map((series?.groups ?? []).map((g, i) => [JSON.stringify(g.key), i])), [series]);
  const heatmaps = result.heatmaps ?? [];
  const hasRows = result.rows.length > 0 && result.columns.length > 0;
  const nothing = !hasRows && !heatmaps.some((h) => h.cells.length);
  if (nothing) return <Empty>No events match this question in its time range. Widen the range or remove a filter.</Empty>;
  const nowNs = Date.now() * 1e6;

  return (
    <div className="results">
      {series && calcCols.length > 0 && (
        <div className="charts">
          {calcCols.map((c) => (
            <figure key={c}>
              <figcaption>{c}</figcaption>
              <TimeSeriesChart
                series={series}
                calc={c}
                labels={labels}
                onPick={(p: SeriesPick) =>
                  onDrill(drillQuery(model, p.group >= 0 ? groupFilter(series.groups[p.group].key) : [], { from: p.from, to: p.to }))
                }
                onSelect={(from, to) =>
                  onCompare(
                    compareRequest(model, {
                      and: [
                        { column: 'time', op: '>=', value: new Date(from).toISOString() },
                        { column: 'time', op: '<', value: new Date(to).toISOString() },
                      ],
                    }),
                    `${formatTime(from * 1e6)}–${formatTime(to * 1e6)} against the rest`,
                  )
                }
              />
            </figure>
          ))}
        </div>
      )}
      {heatmaps.map((h) => {
        const buckets = series?.buckets ?? Math.ceil((nowNs - h.from) / h.step);
        return (
          <figure key={h.column}>
            <figcaption>heatmap({h.column})</figcaption>
            {h.cells.length === 0 ? (
              <Empty>No values of {h.column} in this range.</Empty>
            ) : (
              <HeatmapChart
                heatmap={h}
                buckets={Math.min(buckets, 2000)}
                onPickCell={(r: HeatRegion) =>
                  onDrill(
                    drillQuery(model, [`${quoteColumn(h.column)} >= ${Math.floor(r.low)}`, `${quoteColumn(h.column)} < ${Math.ceil(r.high)}`], {
                      from: r.from,
                      to: r.to,
                    }),
                  )
                }
                onSelect={(r: HeatRegion) =>
                  onCompare(
                    compareRequest(model, { region: { column: h.column, from: Math.floor(r.from), to: Math.ceil(r.to), low: r.low, high: r.high } }),
                    `Region of ${h.column} against the rest`,
                  )
                }
              />
            )}
          </figure>
        );
      })}
      {hasRows && (
        <table className="grid result" aria-label="Result">
          <thead>
            <tr>
              {result.columns.map((c) => (
                <th key={c.name} className={c.calculation ? 'num' : ''}>
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, i) => (
              <tr
                key={i}
                tabIndex={0}
                className="clickable"
                title="Show this group's traces"
                onClick={() => onDrill(drillQuery(model, groupFilter(row.slice(0, keyCols.length))))}
                onKeyDown={(e) => e.key === 'Enter' && onDrill(drillQuery(model, groupFilter(row.slice(0, keyCols.length))))}
              >
                {row.map((v, j) => (
                  <td key={j} className={result.columns[j]?.calculation ? 'num' : ''}>
                    {j === 0 && colourOf.has(rowKey(row)) && <span className="swatch" style={{ background: PALETTE[colourOf.get(rowKey(row))! % PALETTE.length] }} />}
                    {formatCell(result.columns[j]?.name ?? '', v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.stats && (
        <p className="muted small">
          {result.stats.engine}, {result.stats.elapsed_ms} ms
        </p>
      )}
    </div>
  );
}
