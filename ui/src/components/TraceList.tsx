import { Link } from 'react-router';
import { searchTraces } from '../api';
import { serviceColor } from '../colors';
import { formatDuration, formatTime } from '../format';
import { useApi } from '../useApi';
import { Empty, ErrorBox, Loading } from './State';

/** Traces matching a text query (its where and time clauses), most recent first. */
export function TraceList({ q, limit = 50 }: { q: string; limit?: number }) {
  const res = useApi(`${q}#${limit}`, (s) => searchTraces(q, limit, s));
  if (res.loading) return <Loading what="traces" />;
  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />;
  const traces = res.data?.traces ?? [];
  if (!traces.length) return <Empty>No traces match <code>{q}</code>.</Empty>;
  const longest = Math.max(...traces.map((t) => t.duration), 1);
  return (
    <table className="grid traces" aria-label="Matching traces">
      <thead>
        <tr>
          <th>Start</th>
          <th>Root</th>
          <th className="num">Spans</th>
          <th className="num">Errors</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr key={t.trace_id} className={t.error_count ? 'has-error' : ''}>
            <td className="mono">{formatTime(t.start, true)}</td>
            <td>
              <Link to={`/trace/${t.trace_id}`} className="trace-link">
                <span className="swatch" style={{ background: serviceColor(t.root_service) }} />
                {t.root_service} · {t.root_name}
              </Link>
            </td>
            <td className="num">{t.span_count}</td>
            <td className="num">{t.error_count ? <span className="bad">{t.error_count}</span> : 0}</td>
            <td>
              <span className="durbar" style={{ width: `${Math.max(2, (t.duration / longest) * 100)}%` }} />
              {formatDuration(t.duration)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
