import { useId } from 'react';
import type { ColumnInfo } from '../api';
import { CALC_OPS, OPS, type Filter, type QueryModel } from '../query/syntax';

interface Props {
  model: QueryModel;
  columns: ColumnInfo[];
  onChange: (m: QueryModel) => void;
}

export const TIME_PRESETS = ['last 15m', 'last 1h', 'last 6h', 'last 24h', 'last 7d'];
export const GRANULARITIES = ['', 'auto', '10s', '1m', '5m', '1h'];

/** Splits `p99(duration)` into its operation and column. */
export function splitCalc(c: string): { op: string; column: string } {
  const m = /^(\w+)\s*(?:\(\s*(.*?)\s*\))?$/.exec(c.trim());
  return m ? { op: m[1], column: m[2] ?? '' } : { op: c, column: '' };
}

const needsColumn = (op: string) => op !== 'count' && op !== 'rate';

/** The query as form fields: filters, calculations, breakdowns, time range, granularity. */
export function QueryBuilder({ model, columns, onChange }: Props) {
  const id = useId();
  const colList = `${id}-cols`;
  const numList = `${id}-num`;
  const set = (patch: Partial<QueryModel>) => onChange({ ...model, ...patch });
  const filters = model.filters;
  const setFilter = (i: number, f: Partial<Filter>) =>
    set({ filters: filters!.map((x, j) => (j === i ? { ...x, ...f } : x)) });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const numeric = columns.filter((c) => c.type === 'number' || c.name === 'duration');

  return (
    <div className="builder">
      <datalist id={colList}>
        {columns.map((c) => (
          <option key={c.name} value={c.name}>
            {c.type}, {c.distinct} values
          </option>
        ))}
      </datalist>
      <datalist id={numList}>
        {numeric.map((c) => (
          <option key={c.name} value={c.name} />
        ))}
      </datalist>

      <fieldset className="where">
        <legend>Where</legend>
        {filters === null ? (
          <div className="row">
            <input
              aria-label="Condition"
              className="grow mono"
              value={model.where}
              onChange={(e) => set({ where: e.target.value })}
            />
            <button type="button" className="ghost" onClick={() => set({ filters: [], where: '' })}>
              Clear
            </button>
          </div>
        ) : (
          <>
            {filters.map((f, i) => {
              const valList = `${id}-v${i}`;
              const examples = byName.get(f.column)?.examples ?? [];
              return (
                <div className="row" key={i}>
                  <input
                    aria-label={`Filter ${i + 1} column`}
                    list={colList}
                    placeholder="column"
                    value={f.column}
                    onChange={(e) => setFilter(i, { column: e.target.value })}
                  />
                  <select aria-label={`Filter ${i + 1} operator`} value={f.op} onChange={(e) => setFilter(i, { op: e.target.value })}>
                    {OPS.map((o) => (
                      <option key={o}>{o}</option>
                    ))}
                  </select>
                  {f.op !== 'exists' && f.op !== 'does-not-exist' && (
                    <>
                      <datalist id={valList}>
                        {examples.map((v) => (
                          <option key={v} value={v} />
                        ))}
                      </datalist>
                      <input
                        aria-label={`Filter ${i + 1} value`}
                        list={valList}
                        placeholder={f.op.includes('in') ? 'a, b, c' : 'value'}
                        value={f.value}
                        onChange={(e) => setFilter(i, { value: e.target.value })}
                      />
                    </>
                  )}
                  <button
                    type="button"
                    className="ghost icon"
                    aria-label={`Remove filter ${i + 1}`}
                    onClick={() => set({ filters: filters.filter((_, j) => j !== i) })}
                  >
                    ✕
                  </button>
                </div>
              );
            })}
            <button type="button" className="ghost" onClick={() => set({ filters: [...filters, { column: '', op: '=', value: '' }] })}>
              + Filter
            </button>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Calculate</legend>
        {model.calcs.map((c, i) => {
          const { op, column } = splitCalc(c);
          const write = (o: string, col: string) =>
            set({ calcs: model.calcs.map((x, j) => (j === i ? (needsColumn(o) ? `${o}(${col || 'duration'})` : `${o}()`) : x)) });
          return (
            <div className="row" key={i}>
              <select aria-label={`Calculation ${i + 1}`} value={op} onChange={(e) => write(e.target.value, column)}>
                {CALC_OPS.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
              {needsColumn(op) && (
                <input
                  aria-label={`Calculation ${i + 1} column`}
                  list={numList}
                  value={column}
                  onChange={(e) => write(op, e.target.value)}
                />
              )}
              <button
                type="button"
                className="ghost icon"
                aria-label={`Remove calculation ${i + 1}`}
                onClick={() => set({ calcs: model.calcs.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </div>
          );
        })}
        <button type="button" className="ghost" onClick={() => set({ calcs: [...model.calcs, 'p99(duration)'] })}>
          + Calculation
        </button>
      </fieldset>

      <fieldset>
        <legend>Group by</legend>
        {model.by.map((b, i) => (
          <div className="row" key={i}>
            <input
              aria-label={`Group by ${i + 1}`}
              list={colList}
              value={b}
              onChange={(e) => set({ by: model.by.map((x, j) => (j === i ? e.target.value : x)) })}
            />
            <button
              type="button"
              className="ghost icon"
              aria-label={`Remove group by ${i + 1}`}
              onClick={() => set({ by: model.by.filter((_, j) => j !== i) })}
            >
              ✕
            </button>
          </div>
        ))}
        <button type="button" className="ghost" onClick={() => set({ by: [...model.by, 'service.name'] })}>
          + Group by
        </button>
      </fieldset>

      <fieldset className="inline">
        <label>
          Time
          <select aria-label="Time range" value={TIME_PRESETS.includes(model.time) ? model.time : model.time ? 'custom' : 'last 1h'} onChange={(e) => e.target.value !== 'custom' && set({ time: e.target.value })}>
            {TIME_PRESETS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {model.time && !TIME_PRESETS.includes(model.time) && <option value="custom">{model.time}</option>}
          </select>
        </label>
        <label>
          Granularity
          <select aria-label="Granularity" value={model.every} onChange={(e) => set({ every: e.target.value })}>
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {g === '' ? 'no series' : g}
              </option>
            ))}
            {!GRANULARITIES.includes(model.every) && <option value={model.every}>{model.every}</option>}
          </select>
        </label>
        <label>
          Limit
          <input aria-label="Limit" className="narrow" placeholder="100" value={model.limit} onChange={(e) => set({ limit: e.target.value })} />
        </label>
      </fieldset>
    </div>
  );
}
