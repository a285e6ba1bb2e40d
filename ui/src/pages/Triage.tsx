import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, probes as fetchProbes, runTriage, type Probe, type TriageResult } from '../api';
import { Empty, ErrorBox, Loading } from '../components/State';
import { formatNumber, formatPercent } from '../format';
import { useApi } from '../useApi';

function NoProbes({ error }: { error: unknown }) {
  return (
    <Empty>
      <h3>Triage is not available on this server</h3>
      <p>
        It answered 404: {(error as Error).message}. Triage needs probes: start Sextant with <code>--probes probes.yaml</code> (docs/probes.md), or
        run <code>./sextant demo</code>, which ships its own.
      </p>
    </Empty>
  );
}

const is404 = (e: unknown) => e instanceof ApiError && e.status === 404;

export function TriagePage() {
  const list = useApi('probes', (s) => fetchProbes(s));
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<TriageResult | null>(() => {
    const saved = sessionStorage.getItem('sextant.triage');
    return saved ? (JSON.parse(saved) as TriageResult) : null;
  });
  const [error, setError] = useState<unknown>(null);
  const [elapsed, setElapsed] = useState(0);

  useEffect(() => {
    if (!running) return;
    const t0 = Date.now();
    const t = setInterval(() => setElapsed((Date.now() - t0) / 1000), 200);
    return () => clearInterval(t);
  }, [running]);

  const run = async () => {
    setRunning(true);
    setError(null);
    setElapsed(0);
    try {
      const r = await runTriage({ repeats: 2, adaptive: true });
      setResult(r);
      sessionStorage.setItem('sextant.triage', JSON.stringify(r));
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };

  if (list.error && is404(list.error)) return <NoProbes error={list.error} />;

  return (
    <div className="triage">
      <header className="row">
        <h2>Triage</h2>
        <button type="button" className="primary" onClick={run} disabled={running} aria-busy={running}>
          {running ? `Running probes… ${elapsed.toFixed(1)} s` : 'Run triage now'}
        </button>
        <span className="muted small">Fires every probe (twice), then ranks the components their traces point at.</span>
      </header>
      {error ? is404(error) ? <NoProbes error={error} /> : <ErrorBox error={error} retry={run} /> : null}
      {result && <TriageReport result={result} />}
      <section>
        <h3>Probes</h3>
        {list.loading && <Loading what="probes" />}
        {list.error && !is404(list.error) ? <ErrorBox error={list.error} retry={list.reload} /> : null}
        {list.data && (list.data.probes.length ? <ProbeTable probes={list.data.probes} /> : <Empty>No probes are defined.</Empty>)}
      </section>
    </div>
  );
}

function ProbeTable({ probes }: { probes: Probe[] }) {
  return (
    <table className="grid" aria-label="Probes">
      <thead>
        <tr>
          <th>Probe</th>
          <th>Call</th>
          <th>Latest</th>
          <th className="num">Duration</th>
          <th>Trace</th>
          <th className="num">Flaky</th>
          <th>Footprint</th>
        </tr>
      </thead>
      <tbody>
        {probes.map((p) => (
          <tr key={p.name} className={p.latest && !p.latest.passed ? 'has-error' : ''}>
            <td>
              {p.name}
              {p.tracer_bullet && <span className="tag">tracer bullet</span>}
              {p.read_only && <span className="tag">read-only</span>}
            </td>
            <td className="mono small">
              {p.method} {p.url}
            </td>
            <td>
              {p.latest ? (
                p.latest.passed ? (
                  <span className="good">passed</span>
                ) : (
                  <span className="bad">failed: {p.latest.reason}</span>
                )
              ) : (
                <span className="muted">not run yet</span>
              )}
            </td>
            <td className="num">{p.latest ? `${formatNumber(p.latest.duration_ms)} ms` : '–'}</td>
            <td>{p.latest?.trace_id ? <Link to={`/trace/${p.latest.trace_id}`}>trace</Link> : '–'}</td>
            <td className="num small">{p.flake_rate === undefined ? '–' : formatPercent(p.flake_rate, 0)}</td>
            <td className="small" title={p.footprint ? Object.keys(p.footprint).join(', ') : undefined}>
              {p.footprint ? `${Object.keys(p.footprint).length} components` : '–'}
              {p.learned_traces !== undefined ? ` (from ${p.learned_traces} runs)` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const SHOWN_SUSPECTS = 5;

export function TriageReport({ result }: { result: TriageResult }) {
  const [all, setAll] = useState(false);
  const top = result.suspects[0];
  const topMembers = new Set(top?.members ?? []);
  return (
    <div className="report">
      <div className={`verdict ${result.verdict === 'fault' ? 'fault' : 'clear'}`} role="status">
        <strong>{result.verdict === 'fault' ? 'Fault found' : 'No fault'}</strong>: {result.headline}
        <span className="muted small">
          {' '}
          ({(result.millis / 1000).toFixed(1)} s, analysis {formatNumber(result.analysis_millis)} ms)
        </span>
      </div>
      {result.suspects.length > 0 && (
        <section>
          <h3>Suspects</h3>
          <ol className="suspects" aria-label="Suspects">
            {result.suspects.slice(0, all ? undefined : SHOWN_SUSPECTS).map((s) => (
              <li key={s.rank} className={s.rank === 1 ? 'top' : ''} data-testid="suspect">
                <div className="suspect-head">
                  <span className="rank">#{s.rank}</span>
                  <span className="members">{s.members.join(' + ')}</span>
                  {s.kind && <span className="tag">{s.kind}</span>}
                  <span className="prob" aria-label={`probability ${formatPercent(s.probability, 0)}`}>
                    <span className="prob-bar" style={{ width: `${s.probability * 100}%` }} />
                  </span>
                  <span className="num">{formatPercent(s.probability, 0)}</span>
                </div>
                <ul className="why">
                  {s.why.map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
                <p className="muted small">
                  {Object.entries(s.scores)
                    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
                    .join(' · ')}
                  {s.split_by ? ` · split by ${s.split_by}` : ''}
                  {' · '}
                  <Link to={`/map?node=${encodeURIComponent(s.members[0])}&focus=${encodeURIComponent(s.members[0])}`}>on the map</Link>
                </p>
              </li>
            ))}
          </ol>
          {result.suspects.length > SHOWN_SUSPECTS && (
            <button type="button" className="ghost" onClick={() => setAll(!all)}>
              {all ? 'Show the first five' : `Show ${result.suspects.length - SHOWN_SUSPECTS} more`}
            </button>
          )}
        </section>
      )}
      {result.explanation.length > 0 && (
        <section>
          <h3>Why</h3>
          <ul>
            {result.explanation.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        </section>
      )}
      <Matrix result={result} topMembers={topMembers} />
      <section>
        <h3>Probe runs</h3>
        <table className="grid" aria-label="Probe runs">
          <thead>
            <tr>
              <th>Probe</th>
              <th className="num">Runs</th>
              <th className="num">Failures</th>
              <th className="num" title="How often it fails when nothing is wrong">
                Usually fails
              </th>
              <th>Reasons</th>
              <th>Traces</th>
            </tr>
          </thead>
          <tbody>
            {result.probes.map((p) => (
              <tr key={p.name} className={p.passed ? '' : 'has-error'}>
                <td>
                  {p.name}
                  {p.extra && <span className="tag">extra run</span>}
                </td>
                <td className="num">{p.runs}</td>
                <td className="num">{p.failures}</td>
                <td className="num">
                  {p.flake_rate === undefined ? '–' : `${Math.round(p.flake_rate * 100)} %`}
                </td>
                <td className="small">{p.reasons.join('; ') || '–'}</td>
                <td className="small">
                  {p.trace_ids.map((t, i) => (
                    <span key={t}>
                      {i > 0 && ', '}
                      <Link to={`/trace/${t}`}>{p.passed ? 'trace' : 'failing trace'}</Link>
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {(result.error_origins.length > 0 || result.latency_shifts.length > 0) && (
        <section className="two">
          <div>
            <h3>Where errors start</h3>
            <ul>
              {result.error_origins.map((o) => (
                <li key={o.component}>
                  {o.component}: {formatPercent(o.share, 0)} of the blame{o.traces ? ` (${o.traces} failing traces)` : ''}
                  {o.example && <div className="muted small mono">{o.example}</div>}
                  {o.trace_id && (
                    <>
                      {' '}
                      · <Link to={`/trace/${o.trace_id}`}>example</Link>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3>Latency shifts</h3>
            <ul>
              {result.latency_shifts.map((s) => (
                <li key={s.component}>
                  {s.component}: +{formatNumber(s.delta_ms)} ms (z {s.z.toFixed(1)})
                </li>
              ))}
            </ul>
          </div>
        </section>
      )}
    </div>
  );
}

function Matrix({ result, topMembers }: { result: TriageResult; topMembers: Set<string> }) {
  const m = result.matrix;
  if (!m.probes.length || !m.components.length) return null;
  return (
    <section>
      <h3>Probe × component</h3>
      <p className="muted small">
        A filled cell: the probe's traces touch the component. Failing probes are red; the top suspect's column is shaded.
      </p>
      <div className="matrix-wrap">
        <table className="matrix" aria-label="Probe by component matrix">
          <thead>
            <tr>
              <th />
              {m.components.map((c, j) => (
                <th key={c} className={`comp${topMembers.has(c) ? ' top' : ''}`} title={c}>
                  <span>{m.component_details[j]?.name ?? c}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.probes.map((p, i) => (
              <tr key={p} className={m.failed[i] ? 'failed' : ''}>
                <th scope="row">
                  {m.failed[i] ? '✗ ' : '✓ '}
                  {p}
                </th>
                {m.components.map((c, j) => {
                  const v = m.touches[i]?.[j] ?? 0;
                  return (
                    <td key={c} className={topMembers.has(c) ? 'top' : ''} title={`${p} → ${c}: ${v.toFixed(2)}`}>
                      {v > 0 && <span className="touch" style={{ opacity: 0.25 + 0.75 * v }} />}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
