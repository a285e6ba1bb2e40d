// The server's HTTP API (docs/api.md), typed as the UI uses it.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly position = -1,
  ) {
    super(message);
  }
}

// A server with API tokens (docs/security.md) answers 401 without one. The UI then asks for a token
// once and keeps it in this tab's sessionStorage, never in a URL; it goes as a bearer header.
const TOKEN_KEY = 'sextant.token';

function withToken(init: RequestInit | undefined): RequestInit {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return init ?? {};
  return { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } };
}

async function request<T>(path: string, init?: RequestInit, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...withToken(init), signal });
    if (res.status === 401) {
      const token = window.prompt('This Sextant needs an API token (read scope; triage scope to run probes):')?.trim();
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
        res = await fetch(path, { ...withToken(init), signal });
      }
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'Sextant does not answer: is the server running?');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const b = body as { error?: string; position?: number } | null;
    throw new ApiError(res.status, b?.error ?? `${res.status} ${res.statusText || 'error'} from ${path}`, b?.position ?? -1);
  }
  if (body === null) throw new ApiError(res.status, `${path} answered something that is not JSON`);
  return body as T;
}

const get = <T>(path: string, signal?: AbortSignal) => request<T>(path, undefined, signal);
const withJson = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const post = <T>(path: string, body: unknown, signal?: AbortSignal) => request<T>(path, withJson('POST', body), signal);

// ---- query ----
export interface Column {
  name: string;
  type: string;
  calculation: boolean;
}
export interface SeriesGroup {
  key: (string | number | boolean | null)[];
  values: Record<string, (number | null)[]>;
}
export interface Series {
  from: number;
  step: number;
  buckets: number;
  groups: SeriesGroup[];
}
export interface HeatCell {
  t: number;
  low: number;
  high: number;
  count: number;
}
export interface Heatmap {
  column: string;
  from: number;
  step: number;
  cells: HeatCell[];
}
export type Cell = string | number | boolean | null;
export interface QueryResult {
  columns: Column[];
  rows: Cell[][];
  series: Series | null;
  heatmaps?: Heatmap[];
  stats?: { engine: string; elapsed_ms: number };
}
export const query = (q: string, signal?: AbortSignal) => post<QueryResult>('/api/v1/query', { q }, signal);

/**
 * Runs `q` only when `column` has been seen in the range (else null): the server refuses a
 * question about a column it has never seen, which for optional data means "none yet".
 */
export async function queryIfColumn(column: string, last: string, q: string, signal?: AbortSignal): Promise<QueryResult | null> {
  const cols = await columns(last, signal);
  return cols.columns.some((c) => c.name === column) ? query(q, signal) : null;
}

export interface CompareValue {
  value: Cell;
  selection_count: number;
  selection_share: number;
  baseline_count: number;
  baseline_share: number;
  diff: number;
  risk_ratio: number;
  q: number;
  significant: boolean;
}
export interface CompareAttribute {
  key: string;
  score: number;
  tvd: number;
  demoted: boolean;
  values: CompareValue[];
}
export interface CompareResult {
  selection_count: number;
  baseline_count: number;
  sampled_selection: number;
  sampled_baseline: number;
  attributes: CompareAttribute[];
}
export const compare = (body: unknown, signal?: AbortSignal) => post<CompareResult>('/api/v1/compare', body, signal);

export interface ColumnInfo {
  name: string;
  type: string;
  core: boolean;
  present: number;
  distinct: number;
  examples: string[];
}
export const columns = (last: string, signal?: AbortSignal) =>
  get<{ events: number; sampled: number; columns: ColumnInfo[] }>(`/api/v1/columns?last=${encodeURIComponent(last)}`, signal);

// ---- traces ----
export interface TraceSummary {
  trace_id: string;
  root_service: string;
  root_name: string;
  start: number;
  duration: number;
  span_count: number;
  error_count: number;
}
export const searchTraces = (q: string, limit = 50, signal?: AbortSignal) =>
  get<{ traces: TraceSummary[] }>(`/api/v1/traces?q=${encodeURIComponent(q)}&limit=${limit}`, signal);

export type Attrs = Record<string, string | number | boolean | null | unknown[]>;
export interface TraceEvent {
  kind: 'span' | 'log';
  time_unix_nano: string;
  trace_id: string;
  span_id?: string;
  parent_span_id?: string;
  'service.name': string;
  name: string;
  'span.kind'?: string;
  duration_nanos?: number;
  status?: string;
  status_message?: string;
  severity_number?: number;
  severity_text?: string;
  body?: string;
  error: boolean;
  attributes: Attrs;
  resource: Attrs;
  events?: { time_unix_nano: string; name: string; attributes: Attrs }[];
  links?: { trace_id: string; span_id: string; trace_state?: string; attributes: Attrs }[];
}
export const trace = (id: string, signal?: AbortSignal) =>
  get<{ trace_id: string; events: TraceEvent[] }>(`/api/v1/traces/${encodeURIComponent(id)}`, signal);

// ---- map ----
/** A component as the API shows it: read its parts here, never from the id's text. */
export interface Component {
  id: string;
  kind: 'service' | 'database' | 'cache' | 'queue' | 'external' | 'host' | string;
  name: string;
  system: string | null;
  address: string | null;
}

export interface MapNode {
  id: string;
  kind: 'service' | 'database' | 'cache' | 'queue' | 'external' | string;
  name: string;
  system: string | null;
  address: string | null;
  instrumented: boolean;
  calls: number;
  rate: number;
  errors: number;
  error_pct: number;
  p50_ms: number;
  p99_ms: number;
  health?: 'ok' | 'failing';
  attributes?: Record<string, string>;
}
export interface MapEdge {
  from: string;
  to: string;
  calls: number;
  rate: number;
  errors: number;
  error_pct: number;
  p50_ms: number;
  p99_ms: number;
  health?: 'ok' | 'failing';
  declared?: 'declared' | 'undeclared' | 'slo_breached';
}
export interface DependencyMap {
  from: number;
  to: number;
  build_ms: number;
  nodes: MapNode[];
  edges: MapEdge[];
  missing?: { from: string; callee: string }[];
}
export const map = (last: string, signal?: AbortSignal) => get<DependencyMap>(`/api/v1/map?last=${encodeURIComponent(last)}`, signal);
export const red = (service: string, last: string, signal?: AbortSignal) =>
  get<{ service: string; requests: QueryResult; errors: QueryResult }>(
    `/api/v1/red?service=${encodeURIComponent(service)}&last=${encodeURIComponent(last)}`,
    signal,
  );

export interface Change {
  time: number;
  service: string;
  attribute: string;
  value: string;
  previous?: string;
}
export const changes = (last: string, signal?: AbortSignal) =>
  get<{ changes: Change[] }>(`/api/v1/changes?last=${encodeURIComponent(last)}`, signal);

export interface HealthTarget {
  service: string;
  url: string;
  time: number;
  healthy: boolean;
  duration_ms: number;
  error?: string;
  dependencies?: { name: string; healthy: boolean; detail?: string }[];
}
export const health = (signal?: AbortSignal) => get<{ targets: HealthTarget[] }>('/api/v1/health', signal);

// ---- triage (module `triage`; the contract of issue 7) ----
export interface ProbeResult {
  time: string;
  passed: boolean;
  reason?: string | null;
  duration_ms: number;
  trace_id?: string | null;
}
export interface Probe {
  name: string;
  method: string;
  url: string;
  read_only: boolean;
  tracer_bullet: boolean;
  every_seconds: number;
  contract?: { status?: number; max_latency_ms?: number; json?: { path: string; op: string; value?: unknown }[] };
  latest: ProbeResult | null;
  footprint?: Record<string, number>;
  flake_rate?: number;
  learned_traces?: number;
}
export const probes = (signal?: AbortSignal) => get<{ probes: Probe[] }>('/api/v1/probes', signal);

export interface TriageProbe {
  name: string;
  runs: number;
  failures: number;
  passed: boolean;
  reasons: string[];
  trace_ids: string[];
  extra: boolean;
  /** α: how often the probe fails when nothing is wrong, as the ranking used it. */
  flake_rate: number;
}
export interface Suspect {
  rank: number;
  members: string[];
  components: Component[];
  kind?: string;
  probability: number;
  scores: Record<string, number>;
  why: string[];
  split_by: string | null;
}
export interface TriageResult {
  verdict: 'fault' | 'no-fault';
  headline: string;
  millis: number;
  analysis_millis: number;
  probes: TriageProbe[];
  suspects: Suspect[];
  matrix: {
    probes: string[];
    components: string[];
    component_details: Component[];
    touches: number[][];
    failed: boolean[];
  };
  error_origins: { component: string; share: number; trace_id?: string; traces?: number; example?: string }[];
  latency_shifts: { component: string; delta_ms: number; z: number }[];
  explanation: string[];
  no_fault_probability?: number;
  extra_probes?: string[];
  notes?: string[];
}
export const runTriage = (body: { repeats?: number; adaptive?: boolean }, signal?: AbortSignal) =>
  post<TriageResult>('/api/v1/triage', body, signal);

// ---- SLOs (docs/slo.md) ----
/** Burn rates by window: how many times faster than sustainable the error budget goes. */
export type BurnRates = Record<'5m' | '30m' | '1h' | '6h', number>;
export interface Slo {
  name: string;
  description: string;
  valid: string;
  good: string;
  /** A fraction: 0.995 is 99.5 %. */
  objective: number;
  window: string;
  window_days: number;
}
export interface SloStatus extends Slo {
  burn_rates: BurnRates;
  error_budget_remaining: number;
  paging: boolean;
  ticketing: boolean;
  error?: string;
}
/** An alert as its webhook received it. */
export interface SloAlert {
  id: string;
  status: 'firing' | 'resolved';
  slo: string;
  severity: 'page' | 'ticket';
  threshold: number;
  windows: string[];
  burn_rates: BurnRates;
  error_budget_remaining: number;
  started_at: string;
  resolved_at?: string;
  summary: string;
  link: string;
  triage?: { headline: string; fault: boolean; suspects: { rank: number; members: string[]; probability: number; why: string[] }[] } | null;
}
export interface SloList {
  /** How long an SLO minute lasts (1 s when the windows are scaled 60×). */
  minute_seconds: number;
  /** The file edits are written to, or null when they are kept in memory. */
  file: string | null;
  slos: SloStatus[];
  alerts: SloAlert[];
}
export interface SloSeries extends Slo {
  series: { from: number; step: number; buckets: number; valid: number[]; good: number[]; burn_rates: Record<keyof BurnRates, number[]> };
}
export interface SloEdit {
  description: string;
  valid: string;
  good: string;
  /** Percent (99.5) or a fraction (0.995). */
  objective: number | string;
  window: string;
}
export const slos = (signal?: AbortSignal) => get<SloList>('/api/v1/slos', signal);
export const sloSeries = (name: string, last: string, signal?: AbortSignal) =>
  get<SloSeries>(`/api/v1/slos/${encodeURIComponent(name)}?last=${encodeURIComponent(last)}`, signal);
export const putSlo = (name: string, slo: SloEdit) =>
  request<{ slo: Slo; file: string | null; note?: string }>(`/api/v1/slos/${encodeURIComponent(name)}`, withJson('PUT', slo));
export const deleteSlo = (name: string) =>
  request<{ removed: string; file: string | null; note?: string }>(`/api/v1/slos/${encodeURIComponent(name)}`, { method: 'DELETE' });
