import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExplorePage, compareRequest, drillQuery, equals } from './Explore';
import { parseQuery } from '../query/syntax';

// Charts draw on canvas, which jsdom lacks; the browser test (ui/e2e) covers them.
vi.mock('../components/TimeSeriesChart', () => ({
  TimeSeriesChart: ({ calc, onSelect, onPick }: { calc: string; onSelect?: (a: number, b: number) => void; onPick?: (p: unknown) => void }) => (
    <div data-testid={`series-${calc}`}>
      <button type="button" onClick={() => onSelect?.(Date.parse('2026-11-23T10:00:00Z'), Date.parse('2026-11-23T10:05:00Z'))}>
        select {calc}
      </button>
      <button type="button" onClick={() => onPick?.({ from: Date.parse('2026-11-23T10:00:00Z'), to: Date.parse('2026-11-23T10:01:00Z'), group: 1 })}>
        pick {calc}
      </button>
    </div>
  ),
}));
vi.mock('../components/HeatmapChart', () => ({ HeatmapChart: () => <div data-testid="heatmap" /> }));

let location = '';
function Where() {
  const l = useLocation();
  location = l.pathname + l.search;
  return null;
}

const COLUMNS = {
  events: 10,
  sampled: 10,
  columns: [
    { name: 'service.name', type: 'string', core: true, present: 10, distinct: 2, examples: ['checkout', 'cart'] },
    { name: 'duration', type: 'number', core: true, present: 10, distinct: 10, examples: [] },
  ],
};
const RESULT = {
  columns: [
    { name: 'service.name', type: 'string', calculation: false },
    { name: 'count()', type: 'number', calculation: true },
    { name: 'p99(duration)', type: 'number', calculation: true },
  ],
  rows: [
    ['checkout', 12, 1.5e9],
    ['cart', 3, 2.5e6],
  ],
  series: null,
  heatmaps: [],
  stats: { engine: 'duckdb', elapsed_ms: 4 },
};

function json(status: number, body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

function renderAt(url: string, fetch: (url: string, init?: RequestInit) => Promise<Response>) {
  vi.stubGlobal('fetch', vi.fn(fetch));
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/explore" element={<ExplorePage />} />
      </Routes>
      <Where />
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('ExplorePage', () => {
  it('runs the question of the URL and shows the table with formatted durations', async () => {
    const posted: string[] = [];
    renderAt('/explore?q=' + encodeURIComponent('count(), p99(duration) by service.name | last 15m'), (url, init) => {
      if (url.startsWith('/api/v1/columns')) return json(200, COLUMNS);
      posted.push(JSON.parse(String(init!.body)).q);
      return json(200, RESULT);
    });
    const table = await screen.findByRole('table', { name: 'Result' });
    expect(within(table).getByText('1.50 s')).toBeTruthy();
    expect(within(table).getByText('2.50 ms')).toBeTruthy();
    expect(posted).toEqual(['count(), p99(duration) by service.name | last 15m']);
  });

  it('writes builder edits into the text and puts the question in the URL when run', async () => {
    renderAt('/explore?q=' + encodeURIComponent('count() | last 1h'), (url) => (url.startsWith('/api/v1/columns') ? json(200, COLUMNS) : json(200, RESULT)));
    await screen.findByRole('table', { name: 'Result' });
    fireEvent.click(screen.getByRole('button', { name: '+ Filter' }));
    fireEvent.change(screen.getByLabelText('Filter 1 column'), { target: { value: 'service.name' } });
    fireEvent.change(screen.getByLabelText('Filter 1 value'), { target: { value: 'checkout' } });
    fireEvent.click(screen.getByRole('button', { name: '+ Group by' }));
    fireEvent.change(screen.getByLabelText('Time range'), { target: { value: 'last 15m' } });
    const text = screen.getByLabelText('Query text') as HTMLTextAreaElement;
    expect(text.value).toBe('where service.name = checkout | count() by service.name | last 15m');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(new URLSearchParams(location.split('?')[1]).get('q')).toBe(text.value));
  });

  it('offers the columns of /api/v1/columns and their frequent values as suggestions', async () => {
    renderAt('/explore?q=' + encodeURIComponent('where service.name = x | count()'), (url) => (url.startsWith('/api/v1/columns') ? json(200, COLUMNS) : json(200, RESULT)));
    await screen.findByRole('table', { name: 'Result' });
    const list = document.getElementById(screen.getByLabelText('Filter 1 column').getAttribute('list')!)!;
    await waitFor(() => expect([...list.querySelectorAll('option')].map((o) => o.value)).toEqual(['service.name', 'duration']));
    const values = document.getElementById(screen.getByLabelText('Filter 1 value').getAttribute('list')!)!;
    expect([...values.querySelectorAll('option')].map((o) => o.value)).toEqual(['checkout', 'cart']);
  });

  it('drills down from a row to the traces of that group', async () => {
    const searched: string[] = [];
    renderAt('/explore?q=' + encodeURIComponent('where error = true | count() by service.name | last 15m'), (url) => {
      if (url.startsWith('/api/v1/columns')) return json(200, COLUMNS);
      if (url.startsWith('/api/v1/traces')) {
        searched.push(new URLSearchParams(url.split('?')[1]).get('q')!);
        return json(200, { traces: [{ trace_id: 'ab'.repeat(16), root_service: 'checkout', root_name: 'POST /checkout', start: 1.7e18, duration: 2e6, span_count: 3, error_count: 1 }] });
      }
      return json(200, RESULT);
    });
    const table = await screen.findByRole('table', { name: 'Result' });
    fireEvent.click(within(table).getByText('checkout'));
    const traces = await screen.findByRole('table', { name: 'Matching traces' });
    expect(within(traces).getByRole('link').getAttribute('href')).toBe('/trace/' + 'ab'.repeat(16));
    expect(searched).toEqual(['where error = true and service.name = checkout | last 15m']);
    expect(location).toContain('drill=');
  });

  it('shows the server sentence and points at the position of a bad query', async () => {
    renderAt('/explore?q=' + encodeURIComponent('where service.name = | count()'), (url) =>
      url.startsWith('/api/v1/columns') ? json(200, COLUMNS) : json(400, { error: "expected a value after '=' at position 21, found '|'", position: 21 }),
    );
    expect((await screen.findByRole('alert')).textContent).toContain("expected a value after '='");
    expect(document.querySelector('pre.caret')!.textContent).toContain(' '.repeat(21) + '^');
  });

  it('says so when nothing matches', async () => {
    renderAt('/explore?q=count()', (url) => (url.startsWith('/api/v1/columns') ? json(200, COLUMNS) : json(200, { ...RESULT, rows: [] })));
    expect(await screen.findByText(/No events match this question/)).toBeTruthy();
  });
});

describe('ExplorePage charts', () => {
  const SERIES = {
    ...RESULT,
    series: {
      from: 1.7e18,
      step: 60e9,
      buckets: 3,
      groups: [
        { key: ['checkout'], values: { 'count()': [1, 2, 3], 'p99(duration)': [1, 2, 3] } },
        { key: ['cart'], values: { 'count()': [1, 0, 1], 'p99(duration)': [1, null, 1] } },
      ],
    },
  };

  it('compares a selected stretch of a series with the rest, through the URL', async () => {
    const compared: unknown[] = [];
    renderAt('/explore?q=' + encodeURIComponent('where kind = span | count() by service.name | last 1h | every 1m'), (url, init) => {
      if (url.startsWith('/api/v1/columns')) return json(200, COLUMNS);
      if (url === '/api/v1/compare') {
        compared.push(JSON.parse(String(init!.body)));
        return json(200, {
          selection_count: 5,
          baseline_count: 35,
          sampled_selection: 5,
          sampled_baseline: 35,
          attributes: [
            { key: 'payment.provider', score: 1, tvd: 1, demoted: false, values: [{ value: 'acme-pay', selection_count: 5, selection_share: 1, baseline_count: 0, baseline_share: 0, diff: 1, risk_ratio: 1e6, q: 1e-6, significant: true }] },
          ],
        });
      }
      return json(200, SERIES);
    });
    fireEvent.click(await screen.findByRole('button', { name: 'select count()' }));
    expect(await screen.findByTestId('compare-attribute')).toBeTruthy();
    expect(compared).toEqual([
      {
        last: '1h',
        where: 'kind = span',
        selection: {
          and: [
            { column: 'time', op: '>=', value: '2026-11-23T10:00:00.000Z' },
            { column: 'time', op: '<', value: '2026-11-23T10:05:00.000Z' },
          ],
        },
      },
    ]);
    expect(new URLSearchParams(location.split('?')[1]).get('cmp')).toBe(JSON.stringify(compared[0]));
    // A value of the comparison becomes a filter of the question.
    fireEvent.click(screen.getByRole('button', { name: 'acme-pay' }));
    await waitFor(() =>
      expect(new URLSearchParams(location.split('?')[1]).get('q')).toBe('where kind = span and payment.provider = acme-pay | count() by service.name | last 1h | every 1m'),
    );
  });

  it('drills down from a point of a line to that group and bucket', async () => {
    const searched: string[] = [];
    renderAt('/explore?q=' + encodeURIComponent('count() by service.name | last 1h | every 1m'), (url) => {
      if (url.startsWith('/api/v1/columns')) return json(200, COLUMNS);
      if (url.startsWith('/api/v1/traces')) {
        searched.push(new URLSearchParams(url.split('?')[1]).get('q')!);
        return json(200, { traces: [] });
      }
      return json(200, SERIES);
    });
    fireEvent.click(await screen.findByRole('button', { name: 'pick count()' }));
    expect(await screen.findByText(/No traces match/)).toBeTruthy();
    expect(searched).toEqual(['where service.name = cart | since 2026-11-23T10:00:00.000Z until 2026-11-23T10:01:00.000Z']);
  });
});

describe('drill-down and compare questions', () => {
  it('narrows the where clause, keeping an or together', () => {
    const m = parseQuery('where a = 1 or b = 2 | count() by s | last 1h');
    expect(drillQuery(m, [equals('s', 'x y'), equals('n', null)])).toBe('where (a = 1 or b = 2) and s = "x y" and n does-not-exist | last 1h');
    expect(drillQuery(parseQuery('count()'), [], { from: 0, to: 60000 })).toBe('since 1970-01-01T00:00:00.000Z until 1970-01-01T00:01:00.000Z');
  });

  it('sends the where clause as text and the time range with the selection', () => {
    const m = parseQuery('where service.name = checkout and duration > 1s | heatmap(duration) | last 15m');
    expect(compareRequest(m, { region: { column: 'duration', from: 1, to: 2, low: 3, high: 4 } })).toEqual({
      last: '15m',
      where: 'service.name = checkout and duration > 1s',
      selection: { region: { column: 'duration', from: 1, to: 2, low: 3, high: 4 } },
    });
  });
});
