import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SloAlert, SloList, SloSeries } from '../api';
import { SlosPage, alertSpans, objectiveText } from './Slos';

// Charts draw on canvas, which jsdom lacks; the browser test (ui/e2e) covers them.
vi.mock('../components/TimeSeriesChart', () => ({
  TimeSeriesChart: ({ calc, labels, series }: { calc: string; labels: string[]; series: { groups: { values: Record<string, number[]> }[] } }) => (
    <div data-testid={`series-${calc}`}>
      {labels.map((l, i) => (
        <span key={l} data-testid="line">
          {l}: {series.groups[i].values[calc].join(' ')}
        </span>
      ))}
    </div>
  ),
}));

const NOW = Date.now();
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

const FIRING: SloAlert = {
  id: 'checkout:page:1',
  status: 'firing',
  slo: 'checkout',
  severity: 'page',
  threshold: 14.4,
  windows: ['1h', '5m'],
  burn_rates: { '5m': 200, '30m': 33.3, '1h': 16.7, '6h': 2.8 },
  error_budget_remaining: 0.93,
  started_at: iso(20 * 60_000),
  summary: 'SLO checkout is burning its error budget 16.7× too fast over 1h and 200.0× over 5m',
  link: '/explore?q=x',
  triage: { headline: 'payments-db is down', fault: true, suspects: [{ rank: 1, members: ['payments-db'], probability: 0.91, why: [] }] },
};

const LIST: SloList = {
  minute_seconds: 60,
  file: '/etc/sextant/slos.yaml',
  slos: [
    {
      name: 'checkout',
      description: 'Customers can pay for their cart',
      valid: 'service.name = gateway and http.route = /api/checkout',
      good: 'status != error and duration < 800ms',
      objective: 0.995,
      window: '28d',
      window_days: 28,
      burn_rates: { '5m': 0, '30m': 1.2, '1h': 3.5, '6h': 0.4 },
      error_budget_remaining: 0.12,
      paging: false,
      ticketing: false,
    },
    {
      name: 'login',
      description: 'Customers can sign in',
      valid: 'http.route = /api/login',
      good: 'status != error',
      objective: 0.999,
      window: '7d',
      window_days: 7,
      burn_rates: { '5m': 300, '30m': 50, '1h': 20, '6h': 7 },
      error_budget_remaining: -0.5,
      paging: true,
      ticketing: true,
    },
  ],
  alerts: [FIRING, { ...FIRING, status: 'resolved', resolved_at: iso(5 * 60_000), triage: undefined }, { ...FIRING, id: 'login:page:2', slo: 'login', started_at: iso(60_000), triage: null }],
};

const SERIES: SloSeries = {
  ...LIST.slos[0],
  series: {
    from: (NOW - 3 * 60_000) * 1e6,
    step: 60e9,
    buckets: 3,
    valid: [100, 100, 100],
    good: [100, 90, 100],
    burn_rates: { '5m': [0, 2, 2], '30m': [0, 0.3, 0.3], '1h': [0, 0.2, 0.2], '6h': [0, 0, 0] },
  },
};

const CHANGES = { changes: [{ time: (NOW - 25 * 60_000) * 1e6, service: 'payments', attribute: 'service.version', value: '1.4.1', previous: '1.4.0' }] };

function respond(status: number, body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

afterEach(() => vi.unstubAllGlobals());

function page(url = '/slos') {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <SlosPage />
    </MemoryRouter>,
  );
}

describe('SlosPage', () => {
  it('says how to declare SLOs when the server has none', async () => {
    vi.stubGlobal('fetch', vi.fn(() => respond(404, { error: 'no SLOs are configured; start the server with --slos slos.yaml' })));
    page();
    expect(await screen.findByText('No SLOs on this server')).toBeTruthy();
    expect(screen.getByText(/start the server with --slos slos.yaml/)).toBeTruthy();
  });

  it('shows each SLO, the burn-rate chart, and the alerts beside the changes', async () => {
    const fetch = vi.fn((url: string) => {
      if (url === '/api/v1/slos') return respond(200, LIST);
      if (url === '/api/v1/slos/checkout?last=6h') return respond(200, SERIES);
      if (url === '/api/v1/changes?last=21600s') return respond(200, CHANGES);
      return respond(404, { error: 'unexpected ' + url });
    });
    vi.stubGlobal('fetch', fetch);
    page();
    const table = await screen.findByRole('table', { name: 'SLOs' });
    const rows = within(table).getAllByTestId('slo-row');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('99.5 %');
    expect(rows[0].textContent).toContain('28d');
    expect(rows[0].textContent).toContain('12.0 %');
    expect(rows[0].textContent).toContain('3.5×');
    expect(rows[0].textContent).toContain('ok');
    expect(rows[1].textContent).toContain('99.9 %');
    expect(rows[1].textContent).toContain('exhausted');
    expect(within(rows[1]).getByText('paging')).toBeTruthy();
    expect(within(rows[1]).getByText('300×').className).toContain('bad');
    expect(rows[1].className).toContain('has-error');

    // The first SLO is charted: its four windows and the two thresholds.
    const lines = (await screen.findAllByTestId('line')).map((l) => l.textContent);
    expect(lines).toEqual([
      'burn over 5m: 0 2 2',
      'burn over 1h: 0 0.2 0.2',
      'burn over 30m: 0 0.3 0.3',
      'burn over 6h: 0 0 0',
      'page above 14.4× (1h and 5m): 14.4 14.4 14.4',
      'ticket above 6× (6h and 30m): 6 6 6',
    ]);
    expect(screen.getByTestId('slo-counts').textContent).toContain('300 valid events, 10 bad (3.33 %)');

    // Alerts beside the change events: two alerts (one resolved) and one change in 6 h.
    await screen.findByRole('img', { name: '2 alerts and 1 changes in this span' });
    const history = screen.getByRole('table', { name: 'Alert history' });
    const hrows = within(history).getAllByRole('row').slice(1);
    expect(hrows[0].textContent).toContain('login');
    expect(hrows[0].textContent).toContain('firing');
    expect(hrows[0].textContent).toContain('no triage');
    expect(hrows[1].textContent).toContain('resolved');
    expect(hrows[1].textContent).toContain('payments-db (91 %)');
    expect(hrows[1].textContent).toContain('1h 16.7×, 5m 200×');
    expect(screen.getByText(/Edits are written to/).textContent).toContain('/etc/sextant/slos.yaml');

    // Choosing the other SLO charts it.
    fireEvent.click(rows[1]);
    await waitFor(() => expect(fetch.mock.calls.some((c) => c[0] === '/api/v1/slos/login?last=6h')).toBe(true));
  });

  it('edits an SLO with PUT and shows the server sentence when it refuses', async () => {
    const puts: unknown[] = [];
    const fetch = vi.fn((url: string, init?: RequestInit) => {
      if (url === '/api/v1/slos/checkout' && init?.method === 'PUT') {
        const body = JSON.parse(String(init.body));
        puts.push(body);
        if (body.good === 'duration <') return respond(400, { error: "SLO checkout: 'good' is not a condition: expected a value" });
        return respond(200, { slo: { ...LIST.slos[0], good: body.good }, file: null, note: 'kept in memory until the server stops' });
      }
      if (url === '/api/v1/slos') return respond(200, LIST);
      if (url.startsWith('/api/v1/slos/')) return respond(200, SERIES);
      if (url.startsWith('/api/v1/changes')) return respond(200, { changes: [] });
      return respond(404, { error: 'unexpected ' + url });
    });
    vi.stubGlobal('fetch', fetch);
    page('/slos?slo=checkout');
    const table = await screen.findByRole('table', { name: 'SLOs' });
    fireEvent.click(within(table).getAllByRole('button', { name: 'Edit' })[0]);
    const form = screen.getByRole('form', { name: 'Edit SLO checkout' });
    expect((within(form).getByLabelText('Objective (%)') as HTMLInputElement).value).toBe('99.5');
    fireEvent.change(within(form).getByLabelText('Good events'), { target: { value: 'duration <' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect((await within(form).findByRole('alert')).textContent).toContain("'good' is not a condition");

    fireEvent.change(within(form).getByLabelText('Good events'), { target: { value: 'status != error and duration < 1s' } });
    fireEvent.change(within(form).getByLabelText('Objective (%)'), { target: { value: '99.9' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/Saved checkout\. Kept in memory until the server stops\./)).toBeTruthy();
    expect(puts[1]).toEqual({
      description: 'Customers can pay for their cart',
      valid: 'service.name = gateway and http.route = /api/checkout',
      good: 'status != error and duration < 1s',
      objective: '99.9',
      window: '28d',
    });
    expect(screen.queryByRole('form')).toBeNull();
  });
});

describe('alertSpans', () => {
  it('joins the firing and the resolve of one alert, newest first', () => {
    const spans = alertSpans(LIST.alerts);
    expect(spans.map((s) => [s.id, s.end !== null])).toEqual([
      ['login:page:2', false],
      ['checkout:page:1', true],
    ]);
    expect(spans[1].firing.triage?.suspects[0].members).toEqual(['payments-db']);
  });

  it('writes objectives without float noise', () => {
    expect(objectiveText(0.995)).toBe('99.5 %');
    expect(objectiveText(0.9999)).toBe('99.99 %');
  });
});
