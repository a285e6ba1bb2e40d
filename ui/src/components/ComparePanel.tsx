import { compare, type CompareAttribute } from '../api';
import { formatPercent } from '../format';
import { useApi } from '../useApi';
import { Empty, ErrorBox, Loading } from './State';

interface Props {
  request: unknown;
  title: string;
  onAddFilter?: (column: string, value: string) => void;
  onClose: () => void;
}

/** Compare-to-baseline (BubbleUp): how the selection differs from the rest, per attribute. */
export function ComparePanel({ request, title, onAddFilter, onClose }: Props) {
  const key = JSON.stringify(request);
  const res = useApi(key, (s) => compare(request, s));
  return (
    <section className="panel compare" aria-label="Compare to baseline">
      <header>
        <h3>{title}</h3>
        <button type="button" className="ghost" onClick={onClose}>
          Close
        </button>
      </header>
      {res.loading && <Loading what="the comparison" />}
      {res.error ? <ErrorBox error={res.error} retry={res.reload} /> : null}
      {res.data &&
        (res.data.selection_count === 0 ? (
          <Empty>The selection holds no events; select a region with data in it.</Empty>
        ) : (
          <>
            <p className="muted">
              {res.data.selection_count.toLocaleString()} selected events against {res.data.baseline_count.toLocaleString()} others
              {res.data.sampled_selection < res.data.selection_count || res.data.sampled_baseline < res.data.baseline_count
                ? ` (sampled ${res.data.sampled_selection.toLocaleString()} / ${res.data.sampled_baseline.toLocaleString()})`
                : ''}
              . <span className="legend sel">selection</span> <span className="legend base">baseline</span>
            </p>
            <div className="attrs">
              {res.data.attributes.slice(0, 24).map((a) => (
                <AttributeBars key={a.key} attr={a} onAddFilter={onAddFilter} />
              ))}
            </div>
          </>
        ))}
    </section>
  );
}

function AttributeBars({ attr, onAddFilter }: { attr: CompareAttribute; onAddFilter?: (c: string, v: string) => void }) {
  const values = attr.values.slice(0, 6);
  return (
    <div className={`attr ${attr.demoted ? 'demoted' : ''}`} data-testid="compare-attribute">
      <h4 title={`score ${attr.score.toFixed(3)}`}>
        {attr.key} <span className="muted">{attr.demoted ? 'id-like' : `Δ ${formatPercent(attr.score, 0)}`}</span>
      </h4>
      {values.map((v) => (
        <div className={`bars ${v.significant ? 'significant' : ''}`} key={String(v.value)}>
          <button
            type="button"
            className="link value"
            title={onAddFilter ? `Add ${attr.key} = ${v.value} as a filter` : undefined}
            disabled={!onAddFilter || v.value === null}
            onClick={() => onAddFilter?.(attr.key, String(v.value))}
          >
            {v.value === null ? '(none)' : String(v.value)}
          </button>
          <span className="bar sel" style={{ width: `${v.selection_share * 100}%` }} title={`selection ${formatPercent(v.selection_share)}`} />
          <span className="bar base" style={{ width: `${v.baseline_share * 100}%` }} title={`baseline ${formatPercent(v.baseline_share)}`} />
          <span className="pct">
            {formatPercent(v.selection_share, 0)} / {formatPercent(v.baseline_share, 0)}
          </span>
        </div>
      ))}
    </div>
  );
}
