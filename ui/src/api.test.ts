import { afterEach, describe, expect, it, vi } from 'vitest';
import { query } from './api';

const ok = () => new Response(JSON.stringify({ columns: [], rows: [], series: null }), { status: 200 });
const unauthorized = () => new Response(JSON.stringify({ error: 'this server needs an API token' }), { status: 401 });

function authorization(call: unknown[]): string | undefined {
  const init = call[1] as RequestInit;
  return (init.headers as Record<string, string> | undefined)?.authorization;
}

describe('API tokens', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sends no token to a server that needs none', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => ok());
    const prompt = vi.spyOn(window, 'prompt');
    await query('count()');
    expect(authorization(fetch.mock.calls[0])).toBeUndefined();
    expect(prompt).not.toHaveBeenCalled();
  });

  it('asks once on 401, keeps the token in the tab, and sends it as a bearer header', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(unauthorized()).mockImplementation(async () => ok());
    const prompt = vi.spyOn(window, 'prompt').mockReturnValue(' sxt_secret ');
    await query('count()');
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(authorization(fetch.mock.calls[1])).toBe('Bearer sxt_secret');
    expect(sessionStorage.getItem('sextant.token')).toBe('sxt_secret');
    expect(fetch.mock.calls[1][0]).not.toContain('sxt_secret');
    await query('count()');
    expect(authorization(fetch.mock.calls[2])).toBe('Bearer sxt_secret');
    expect((fetch.mock.calls[2][1] as RequestInit).headers).toMatchObject({ 'content-type': 'application/json' });
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it('shows the refusal when no token is given', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => unauthorized());
    vi.spyOn(window, 'prompt').mockReturnValue(null);
    await expect(query('count()')).rejects.toMatchObject({ status: 401, message: 'this server needs an API token' });
  });
});
