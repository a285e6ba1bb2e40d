import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TriageResult } from '../api';
import { TriagePage } from './Triage';

const RESULT: TriageResult = {
  verdict: 'fault',
  headline: 'payments-db is the only component touched by every failing probe and by no passing one',
  millis: 2345,
  analysis_millis: 12,
  probes: [
    { name: 'browse', runs: 2, failures: 0, passed: true, reasons: [], trace_ids: ['aa'], extra: false, flake_rate: 0.3 },
    { name: 'checkout', runs: 2, failures: 2, passed: false, reasons: ['status 500, expected 200'], trace_ids: ['bb', 'cc'], extra: false, flake_rate: 0.02 },
  ],
  suspects: [
    { rank: 1, members: ['payments-db (h2 @ 127.0.0.1:1)'], components: [{ id: 'payments-db (h2 @ 127.0.0.1:1)', kind: 'database', name: 'payments-db', system: 'h2', address: '127.0.0.1:1' }], kind: 'database', probability: 0.93, scores: { probes: 0.9 }, why: ['touched by every failing probe'], split_by: null },
    { rank: 2, members: ['payments'], components: [{ id: 'payments', kind: 'service', name: 'payments', system: null, address: null }], kind: 'service', probability: 0.05, scores: { probes: 0.5 }, why: ['also on checkout'], split_by: null },
  ],
  matrix: {
    probes: ['browse', 'checkout'],
    components: ['gateway', 'payments', 'payments-db (h2 @ 127.0.0.1:1)'],
    component_details: [{ id: 'gateway', kind: 'service', name: 'gateway', system: null, address: null }, { id: 'payments', kind: 'service', name: 'payments', system: null, address: null }, { id: 'payments-db (h2 @ 127.0.0.1:1)', kind: 'database', name: 'payments-db', system: 'h2', address: '127.0.0.1:1' }],
    touches: [
      [1, 0, 0],
      [1, 1, 1],
    ],
    failed: [false, true],
  },
  error_origins: [{ component: 'payments-db (h2 @ 127.0.0.1:1)', share: 0.8, trace_id: 'bb' }],
  latency_shifts: [],
  explanation: ['checkout failed twice; browse passed.'],
};

function respond(status: number, body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

afterEach(() => vi.unstubAllGlobals());

describe('TriagePage', () => {
  it('says triage is not in this build when the probes endpoint is 404', async () => {
    vi.stubGlobal('fetch', vi.fn(() => respond(404, { error: 'no probes are configured: start with --probes' })));
    render(
      <MemoryRouter>
        <TriagePage />
      </MemoryRouter>,
    );
    expect(await screen.findByText('Triage is not available on this server')).toBeTruthy();
    expect(screen.getByText(/no probes are configured: start with --probes/)).toBeTruthy();
  });

  it('lists probes, runs triage and shows the ranked suspects, the matrix and failing traces', async () => {
    const fetch = vi.fn((url: string, init?: RequestInit) => {
      if (url === '/api/v1/probes')
        return respond(200, {
          probes: [
            { name: 'checkout', method: 'POST', url: 'http://127.0.0.1:8080/api/checkout', read_only: false, tracer_bullet: true, every_seconds: 30, latest: { time: 'x', passed: false, reason: 'status 500, expected 200', duration_ms: 12.5, trace_id: 'bb' } },
            { name: 'browse', method: 'GET', url: 'http://127.0.0.1:8080/api/browse', read_only: true, tracer_bullet: true, every_seconds: 30, latest: null },
          ],
        });
      if (url === '/api/v1/triage' && init?.method === 'POST') {
        expect(JSON.parse(String(init.body))).toEqual({ repeats: 2, adaptive: true });
        return respond(200, RESULT);
      }
      return respond(404, { error: 'unexpected ' + url });
    });
    vi.stubGlobal('fetch', fetch);
    render(
      <MemoryRouter>
        <TriagePage />
      </MemoryRouter>,
    );
    const probes = await screen.findByRole('table', { name: 'Probes' });
    expect(within(probes).getByText('failed: status 500, expected 200')).toBeTruthy();
    expect(within(probes).getByText('not run yet')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Run triage now' }));
    const suspects = await screen.findAllByTestId('suspect');
    expect(suspects[0].textContent).toContain('payments-db (h2 @ 127.0.0.1:1)');
    expect(suspects[0].textContent).toContain('93 %');
    expect(suspects[0].className).toBe('top');
    expect(screen.getByText(/payments-db is the only component/)).toBeTruthy();

    const matrix = screen.getByRole('table', { name: 'Probe by component matrix' });
    const rows = within(matrix).getAllByRole('row');
    expect(rows[2].className).toBe('failed');
    expect(rows[1].className).toBe('');
    const topHeader = within(matrix).getAllByRole('columnheader').find((h) => h.className.includes('top'));
    expect(topHeader?.textContent).toBe('payments-db');

    const runs = screen.getByRole('table', { name: 'Probe runs' });
    const links = within(runs).getAllByRole('link', { name: 'failing trace' });
    expect(links.map((l) => l.getAttribute('href'))).toEqual(['/trace/bb', '/trace/cc']);
    expect(within(runs).getAllByRole('row')[1].textContent).toContain('30 %'); // browse usually fails 3 in 10
    await waitFor(() => expect(fetch.mock.calls.filter((c) => c[0] === '/api/v1/probes').length).toBe(2));
  });

  it('shows the server error sentence when triage fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) => (url === '/api/v1/probes' ? respond(200, { probes: [] }) : respond(503, { error: 'the store is unavailable' }))),
    );
    render(
      <MemoryRouter>
        <TriagePage />
      </MemoryRouter>,
    );
    expect(await screen.findByText('No probes are defined.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Run triage now' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the store is unavailable');
  });
});
