import { useSearchParams } from 'react-router';
import { changes as fetchChanges, health as fetchHealth, queryIfColumn, type Change } from '../api';
import { Empty, ErrorBox, Loading } from '../components/State';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { serviceColor } from '../colors';
import { formatTime } from '../format';
import { useApi } from '../useApi';

const WINDOWS = ['1h', '6h', '24h', '7d'];

export function ChangesPage() {
  const [params, setParams] = useSearchParams();
  const last = params.get('last') ?? '1h';
  const ch = useApi(`changes:${last}`, (s) => fetchChanges(last, s));
  const hl = useApi('health', (s) => fetchHealth(s));
  const hq = `where kind = log and health.check exists and health.healthy = false | count() by service.name | last ${last} | every auto`;
  const history = useApi(`hh:${hq}`, (s) => queryIfColumn('health.check', last, hq, s));
  return (
    <div className="changes">
      <div className="row toolbar">
        <h2>Changes &amp; health</h2>
        <label>
          Window{' '}
          <select aria-label="Window" value={last} onChange={(e) => setParams({ last: e.target.value })}>
            {WINDOWS.map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
      </div>
      <section>
        <h3>Changes</h3>
        {ch.loading && <Loading what="changes" />}
        {ch.error ? <ErrorBox error={ch.error} retry={ch.reload} /> : null}
        {ch.data && (ch.data.changes.length ? <Timeline changes={ch.data.changes} /> : <Empty>No deploys, moves or new services in the last {last}.</Empty>)}
      </section>
      <section>
        <h3>Health checks</h3>
        {hl.loading && <Loading what="health checks" />}
        {hl.error ? <ErrorBox error={hl.error} retry={hl.reload} /> : null}
        {hl.data &&
          (hl.data.targets.length ? (
            <table className="grid" aria-label="Health checks">
              <thead>
                <tr>
                  <th>Service</th>
                  <th>Endpoint</th>
                  <th>Polled</th>
                  <th>State</th>
                  <th>Dependencies</th>
                </tr>
              </thead>
              <tbody>
                {hl.data.targets.map((t) => (
                  <tr key={t.url} className={t.healthy ? '' : 'has-error'}>
                    <td>{t.service}</td>
                    <td className="mono small">{t.url}</td>
                    <td className="mono small">{t.time ? formatTime(t.time) : '–'}</td>
                    <td className={t.healthy ? 'good' : 'bad'}>{t.healthy ? 'healthy' : `unhealthy${t.error ? `: ${t.error}` : ''}`}</td>
                    <td className="small">
                      {(t.dependencies ?? []).map((d) => (
                        <span key={d.name} className={d.healthy ? 'tag' : 'tag bad'} title={d.detail}>
                          {d.name}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>Sextant polls no health endpoints (start it with --health service=url).</Empty>
          ))}
        <h4>Failing checks over time</h4>
        {history.loading && <Loading what="health history" />}
        {history.error ? <ErrorBox error={history.error} retry={history.reload} /> : null}
        {!history.loading && !history.error && history.data === null && <Empty>No health checks stored in the last {last}.</Empty>}
        {history.data &&
          (history.data.series && history.data.rows.length ? (
            <TimeSeriesChart
              series={history.data.series}
              calc="count()"
              labels={history.data.series.groups.map((g) => String(g.key[0]))}
              height={160}
            />
          ) : (
            <Empty>No failing health checks in the last {last}.</Empty>
          ))}
      </section>
    </div>
  );
}

/** Change events on a time axis, one lane per service. */
export function Timeline({ changes }: { changes: Change[] }) {
  const services = [...new Set(changes.map((c) => c.service))].sort();
  const t0 = Math.min(...changes.map((c) => c.time));
  const t1 = Math.max(...changes.map((c) => c.time));
  const span = Math.max(1, t1 - t0);
  const lane = 22;
  const left = 140;
  const width = 900;
  return (
    <div className="timeline">
      <svg viewBox={`0 0 ${width + left + 20} ${services.length * lane + 24}`} role="img" aria-label={`${changes.length} changes across ${services.length} services`}>
        {services.map((s, i) => (
          <g key={s}>
            <text x={left - 8} y={i * lane + 15} textAnchor="end" className="lane-label">
              {s}
            </text>
            <line x1={left} x2={left + width} y1={i * lane + 11} y2={i * lane + 11} className="lane" />
          </g>
        ))}
        {changes.map((c, k) => {
          const x = left + ((c.time - t0) / span) * width;
          const y = services.indexOf(c.service) * lane + 11;
          return (
            <g key={k}>
              <title>
                {formatTime(c.time, true)} {c.service}: {c.attribute} {c.previous ? `${c.previous} → ` : ''}
                {c.value}
              </title>
              <rect x={x - 5} y={y - 5} width={10} height={10} transform={`rotate(45 ${x} ${y})`} fill={serviceColor(c.service)} />
            </g>
          );
        })}
        <text x={left} y={services.length * lane + 18} className="lane-label">
          {formatTime(t0, true)}
        </text>
        <text x={left + width} y={services.length * lane + 18} textAnchor="end" className="lane-label">
          {formatTime(t1, true)}
        </text>
      </svg>
      <table className="grid small" aria-label="Changes">
        <thead>
          <tr>
            <th>Time</th>
            <th>Service</th>
            <th>What</th>
            <th>Change</th>
          </tr>
        </thead>
        <tbody>
          {[...changes].reverse().map((c, k) => (
            <tr key={k}>
              <td className="mono">{formatTime(c.time, true)}</td>
              <td>{c.service}</td>
              <td>{c.attribute === 'service.name' ? 'first seen' : c.attribute}</td>
              <td className="mono">{c.previous ? `${c.previous} → ${c.value}` : c.attribute === 'service.name' ? '' : c.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
