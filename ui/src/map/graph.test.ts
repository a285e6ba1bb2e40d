import { describe, expect, it } from 'vitest';
import type { DependencyMap, MapNode } from '../api';
import { callsInto, edgeWidth, neighbourhood, nodeState } from './graph';

const node = (id: string, extra: Partial<MapNode> = {}): MapNode => ({
  id,
  kind: 'service',
  name: id,
  system: null,
  address: null,
  instrumented: true,
  calls: 10,
  rate: 1,
  errors: 0,
  error_pct: 0,
  p50_ms: 1,
  p99_ms: 2,
  ...extra,
});
const edge = (from: string, to: string) => ({ from, to, calls: 1, rate: 1, errors: 0, error_pct: 0, p50_ms: 1, p99_ms: 1 });

describe('map', () => {
  it('colours a failing check before the error rate', () => {
    expect(nodeState(node('a', { health: 'failing' }))).toBe('failing');
    expect(nodeState(node('a', { error_pct: 7 }))).toBe('errors');
    expect(nodeState(node('a', { error_pct: 2 }))).toBe('degraded');
    expect(nodeState(node('a', { calls: 0 }))).toBe('idle');
    expect(nodeState(node('a'))).toBe('ok');
  });

  it('thickens edges with the rate, within bounds', () => {
    expect(edgeWidth(0)).toBe(1);
    expect(edgeWidth(1)).toBeGreaterThan(edgeWidth(0.1));
    expect(edgeWidth(1e6)).toBe(12);
  });

  it('keeps a focused node and its neighbours within n hops, either direction', () => {
    // a chain of 600: focus on the middle keeps 3 nodes at one hop, 5 at two
    const nodes = Array.from({ length: 600 }, (_, i) => node(`n${i}`));
    const edges = nodes.slice(1).map((n, i) => edge(`n${i}`, n.id));
    const map: DependencyMap = { from: 0, to: 1, build_ms: 1, nodes, edges };
    expect(neighbourhood(map, 'n300', 1).nodes.map((n) => n.id)).toEqual(['n299', 'n300', 'n301']);
    expect(neighbourhood(map, 'n300', 2).nodes).toHaveLength(5);
    expect(neighbourhood(map, 'n300', 2).edges).toHaveLength(4);
    expect(neighbourhood(map, null, 1).nodes).toHaveLength(600);
    expect(neighbourhood(map, 'missing', 1).nodes).toHaveLength(600);
  });

  it('selects the calls into a node that emits no spans by what its callers say', () => {
    expect(callsInto(node('payments (h2 @ x)', { kind: 'database', attributes: { 'db.namespace': 'payments', 'db.system': 'h2' } }))).toBe(
      'db.namespace = "payments" and span.kind = client',
    );
    expect(callsInto(node('orders (kafka)', { kind: 'queue', attributes: { 'messaging.destination.name': 'orders' } }))).toBe(
      'messaging.destination.name = "orders" and span.kind = producer',
    );
    expect(callsInto(node('checkout'))).toBe('service.name = "checkout"');
  });
});
