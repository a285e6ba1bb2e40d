import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { span } from '../test/fixtures';
import { TracePage } from './Trace';

let location = '';
function Where() {
  const l = useLocation();
  location = l.pathname + l.search;
  return null;
}

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const EVENTS = [
  span('root', undefined, 0, 1000, { 'service.name': 'gateway', name: 'POST /api/checkout', attributes: { user_id: 'u-42' } }),
  span('pay', 'root', 100, 500, { 'service.name': 'payments', name: 'POST /charges' }),
  span('db', 'pay', 150, 300, {
    'service.name': 'payments',
    name: 'INSERT charges',
    error: true,
    status: 'error',
    status_message: 'connection refused',
    attributes: { 'db.system': 'h2' },
    events: [{ time_unix_nano: '1795439682680855016', name: 'exception', attributes: { 'exception.type': 'ConnectException' } }],
    links: [{ trace_id: 'cd'.repeat(16), span_id: 'ef'.repeat(8), attributes: {} }],
  }),
  { ...span('l1', undefined, 200, 0), kind: 'log' as const, span_id: 'db', severity_text: 'ERROR', severity_number: 17, body: 'payment failed', error: true },
];

afterEach(() => vi.unstubAllGlobals());

function renderTrace(url = `/trace/${ID}`, status = 200) {
  vi.stubGlobal(
    'fetch',
    vi.fn(() =>
      Promise.resolve(
        new Response(JSON.stringify(status === 200 ? { trace_id: ID, events: EVENTS } : { error: `trace ${ID} not found` }), {
          status,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    ),
  );
  render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/trace/:id" element={<TracePage />} />
      </Routes>
      <Where />
    </MemoryRouter>,
  );
}

describe('TracePage', () => {
  it('jumps to the error, and shows its status, events, links, logs and links out', async () => {
    renderTrace();
    fireEvent.click(await screen.findByRole('button', { name: /1 error: next/ }));
    expect(location).toContain('span=db');
    const detail = screen.getByRole('complementary', { name: 'Span details' });
    expect(within(detail).getByText('error: connection refused')).toBeTruthy();
    expect(within(detail).getByText('exception')).toBeTruthy();
    expect(within(detail).getByText(/payment failed/)).toBeTruthy();
    expect(within(detail).getByRole('link', { name: /cdcdcdcd/ }).getAttribute('href')).toBe(`/trace/${'cd'.repeat(16)}?span=${'ef'.repeat(8)}`);
    expect(within(detail).getByRole('link', { name: 'on the map' }).getAttribute('href')).toBe('/map?node=payments');
    // the span has no user_id; the trace's root has one
    const other = within(detail).getByRole('link', { name: "this user's other requests" }).getAttribute('href')!;
    expect(decodeURIComponent(other)).toBe('/traces?q=where user_id = u-42 | last 24h');
  });

  it('finds spans by text and walks through the matches', async () => {
    renderTrace();
    const find = await screen.findByLabelText('Find spans');
    fireEvent.change(find, { target: { value: 'payments' } });
    expect(screen.getByText('1 of 2')).toBeTruthy();
    fireEvent.keyDown(find, { key: 'Enter' });
    expect(location).toContain('span=pay');
    fireEvent.keyDown(find, { key: 'Enter' });
    expect(location).toContain('span=db');
    expect(document.getElementById('span-pay')!.className).toContain('match');
    expect(document.getElementById('span-root')!.className).not.toContain('match');
  });

  it('opens on the span named in the URL and says when a trace does not exist', async () => {
    renderTrace(`/trace/${ID}?span=pay`);
    expect(await screen.findByRole('complementary', { name: 'Span details' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3, name: /POST \/charges/ })).toBeTruthy();
  });

  it('shows the API error for an unknown trace', async () => {
    renderTrace(`/trace/${ID}`, 404);
    expect((await screen.findByRole('alert')).textContent).toContain('not found');
  });
});
