import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { TraceList } from '../components/TraceList';

const DEFAULT = 'where error = true | last 1h';

/** Trace search by a text query (its where and time clauses). */
export function TracesPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? DEFAULT;
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  return (
    <div>
      <form
        className="row search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ q: draft.trim() });
        }}
      >
        <label htmlFor="traces-q">Traces matching</label>
        <input id="traces-q" className="grow mono" value={draft} onChange={(e) => setDraft(e.target.value)} spellCheck={false} />
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <TraceList q={q} limit={100} />
    </div>
  );
}
