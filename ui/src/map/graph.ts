import type { DependencyMap, MapEdge, MapNode } from '../api';

/** Health of a node for colouring: a failing check wins, then the error rate. */
export function nodeState(n: MapNode): 'failing' | 'errors' | 'degraded' | 'ok' | 'idle' {
  if (n.health === 'failing') return 'failing';
  if (n.error_pct >= 5) return 'errors';
  if (n.error_pct >= 1) return 'degraded';
  if (n.calls === 0) return 'idle';
  return 'ok';
}

/** Edge width in pixels, by calls per second on a log scale. */
export function edgeWidth(rate: number): number {
  return Math.min(12, 1 + Math.log2(1 + rate * 10));
}

/** The nodes within `depth` hops of `focus`, either direction; all of them without a focus. */
export function neighbourhood(map: DependencyMap, focus: string | null, depth: number): { nodes: MapNode[]; edges: MapEdge[] } {
  if (!focus || !map.nodes.some((n) => n.id === focus)) return { nodes: map.nodes, edges: map.edges };
  const adj = new Map<string, string[]>();
  for (const e of map.edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    adj.get(e.from)!.push(e.to);
    adj.get(e.to)!.push(e.from);
  }
  const keep = new Set([focus]);
  let frontier = [focus];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const id of frontier)
      for (const m of adj.get(id) ?? [])
        if (!keep.has(m)) {
          keep.add(m);
          next.push(m);
        }
    frontier = next;
  }
  return {
    nodes: map.nodes.filter((n) => keep.has(n.id)),
    edges: map.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
  };
}

/** The events that are calls into a node that emits no spans of its own, in the text syntax. */
export function callsInto(n: MapNode): string | null {
  const a = n.attributes ?? {};
  const q = (k: string, v: string) => `${k} = ${JSON.stringify(v)}`;
  switch (n.kind) {
    case 'service':
      return q('service.name', n.id);
    case 'database':
    case 'cache':
      if (a['db.namespace']) return `${q('db.namespace', a['db.namespace'])} and span.kind = client`;
      if (a['db.name']) return `${q('db.name', a['db.name'])} and span.kind = client`;
      return a['db.system'] ? `${q('db.system', a['db.system'])} and span.kind = client` : null;
    case 'queue':
      return a['messaging.destination.name'] ? `${q('messaging.destination.name', a['messaging.destination.name'])} and span.kind = producer` : null;
    default:
      if (a['peer.service']) return `${q('peer.service', a['peer.service'])} and span.kind = client`;
      if (a['server.address']) return `${q('server.address', a['server.address'])} and span.kind = client`;
      return null;
  }
}
