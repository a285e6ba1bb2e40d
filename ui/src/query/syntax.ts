// The one-line query syntax (docs/query.md), as far as the UI needs it: split a query into its
// clauses for the builder, write the builder's question back as text, and turn a where clause
// into the JSON filter that POST /api/v1/compare takes. The server stays the judge of validity:
// anything this file cannot read is kept as raw text and sent as written.

export interface Filter {
  column: string;
  op: string;
  /** As written in the text: `checkout`, `500ms`, `"a b"`, or `a, b` for in / not in. */
  value: string;
}

export interface QueryModel {
  /** The where clause as flat `and`ed filters, or null when it is more than that (or, parentheses). */
  filters: Filter[] | null;
  where: string;
  calcs: string[];
  by: string[];
  having: string;
  order: string;
  limit: string;
  /** `last 1h`, `since … until …`; empty means the server's default, the last hour. */
  time: string;
  /** `1m`, `auto`, or empty for no series. */
  every: string;
}

export const EMPTY: QueryModel = {
  filters: [],
  where: '',
  calcs: [],
  by: [],
  having: '',
  order: '',
  limit: '',
  time: '',
  every: '',
};

export const OPS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'contains', 'starts-with', 'exists', 'does-not-exist'];
export const CALC_OPS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'rate', 'heatmap'];

/** Splits `text` at `sep` where it is not inside quotes, backticks or parentheses. */
export function splitTop(text: string, sep: string | RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      if (typeof sep === 'string') {
        if (text.startsWith(sep, i)) {
          out.push(text.slice(start, i));
          start = i + sep.length;
          i += sep.length - 1;
        }
      } else {
        const m = sep.exec(text.slice(i));
        if (m && m.index === 0) {
          out.push(text.slice(start, i));
          start = i + m[0].length;
          i += m[0].length - 1;
        }
      }
    }
  }
  out.push(text.slice(start));
  return out;
}

const startsWord = (clause: string, ...words: string[]) => {
  const l = clause.toLowerCase();
  return words.some((w) => l === w || l.startsWith(w + ' '));
};

/** Reads a query into builder state; clauses it does not know are left to the server. */
export function parseQuery(text: string): QueryModel {
  const m: QueryModel = { ...EMPTY, filters: [], calcs: [], by: [] };
  for (const raw of splitTop(text, '|')) {
    const c = raw.trim();
    if (!c) continue;
    const lower = c.toLowerCase();
    if (startsWord(c, 'where')) {
      m.where = c.slice(5).trim();
      m.filters = flatFilters(m.where);
    } else if (startsWord(c, 'group by')) {
      m.by = splitList(c.slice(8));
    } else if (startsWord(c, 'by')) {
      m.by = splitList(c.slice(2));
    } else if (startsWord(c, 'having')) {
      m.having = c.slice(6).trim();
    } else if (lower.startsWith('order by') || lower.startsWith('sort by')) {
      m.order = c.slice(lower.indexOf('by') + 2).trim();
    } else if (startsWord(c, 'limit')) {
      m.limit = c.slice(5).trim();
    } else if (startsWord(c, 'last', 'since', 'until')) {
      m.time = c;
    } else if (startsWord(c, 'every')) {
      m.every = c.slice(5).trim();
    } else if (lower === 'series') {
      m.every = 'auto';
    } else {
      const [calcs, ...by] = splitTop(c, /^\s+by\s+/i);
      m.calcs = splitList(calcs);
      if (by.length) m.by = splitList(by.join(' by '));
    }
  }
  return m;
}

function splitList(text: string): string[] {
  return splitTop(text, ',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Writes builder state as one line, clauses in the canonical order. */
export function formatQuery(m: QueryModel): string {
  const parts: string[] = [];
  const where = m.filters ? m.filters.map(formatFilter).filter(Boolean).join(' and ') : m.where.trim();
  if (where) parts.push(`where ${where}`);
  const calcs = m.calcs.filter(Boolean).join(', ');
  const by = m.by.filter(Boolean).join(', ');
  if (calcs) parts.push(by ? `${calcs} by ${by}` : calcs);
  else if (by) parts.push(`by ${by}`);
  if (m.having.trim()) parts.push(`having ${m.having.trim()}`);
  if (m.order.trim()) parts.push(`order by ${m.order.trim()}`);
  if (m.limit.trim()) parts.push(`limit ${m.limit.trim()}`);
  if (m.time.trim()) parts.push(m.time.trim());
  if (m.every.trim()) parts.push(`every ${m.every.trim()}`);
  return parts.join(' | ');
}

const PLAIN_COLUMN = /^[A-Za-z0-9_\-./:]+$/;
const PLAIN_WORD = /^[^\s"'=!<>(),|`]+$/;

export function quoteColumn(c: string): string {
  return PLAIN_COLUMN.test(c) ? c : '`' + c.replace(/`/g, '\\`') + '`';
}

/** A value as the syntax reads it: a plain word stays a word (so `500ms` is a duration). */
export function quoteValue(v: string): string {
  if (v.length > 0 && PLAIN_WORD.test(v)) return v;
  if (/^".*"$/.test(v) || /^'.*'$/.test(v)) return v;
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** A text value, quoted whenever it would otherwise read as a number, duration or boolean. */
export function textValue(v: string): string {
  if (PLAIN_WORD.test(v) && !/^(true|false|-?[\d.][\d.eE+-]*)$/.test(v) && !isDuration(v)) return v;
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

export function formatFilter(f: Filter): string {
  if (!f.column.trim()) return '';
  const col = quoteColumn(f.column.trim());
  if (f.op === 'exists' || f.op === 'does-not-exist') return `${col} ${f.op}`;
  if (f.op === 'in' || f.op === 'not in') {
    const vals = splitList(f.value).map(quoteValue);
    return `${col} ${f.op} (${vals.join(', ')})`;
  }
  if (!f.value.trim()) return '';
  return `${col} ${f.op} ${quoteValue(f.value.trim())}`;
}

// ---- conditions ----

type Tok = { t: 'word' | 'str' | 'col' | 'op' | '(' | ')' | ','; v: string; raw: string };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, v: c, raw: c });
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let v = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          const n = text[j + 1];
          v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          j += 2;
        } else v += text[j++];
      }
      if (j >= text.length) throw new Error(`unclosed ${c} at position ${i}`);
      out.push({ t: c === '`' ? 'col' : 'str', v, raw: text.slice(i, j + 1) });
      i = j + 1;
    } else if ('=!<>'.includes(c)) {
      const two = text.slice(i, i + 2);
      const op = ['!=', '<=', '>=', '==', '<>'].includes(two) ? two : c;
      if (op === '!') throw new Error(`unexpected '!' at position ${i}`);
      out.push({ t: 'op', v: op === '==' ? '=' : op === '<>' ? '!=' : op, raw: op });
      i += op.length;
    } else {
      let j = i;
      while (j < text.length && !/[\s"'`=!<>(),|]/.test(text[j])) j++;
      out.push({ t: 'word', v: text.slice(i, j), raw: text.slice(i, j) });
      i = j;
    }
  }
  return out;
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+$/;
const UNIT: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9 };

export function isDuration(word: string): boolean {
  return DURATION.test(word);
}

/** `1h30m` → nanoseconds. */
export function durationNanos(word: string): number {
  let total = 0;
  for (const m of word.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT[m[2]];
  return Math.round(total);
}

interface Parsed {
  /** The predicates as written, when the condition is only predicates joined by and. */
  flat: Filter[] | null;
}

/**
 * Reads a where condition far enough to show it as the builder's rows: the predicates when they
 * are only joined by and, else null. The server parses it (the compare API takes the text); this
 * throws an Error with one sentence when it cannot be read.
 */
export function parseCondition(text: string): Parsed {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const isKw = (k: string) => peek()?.t === 'word' && peek().v.toLowerCase() === k;
  let flat = true;

  function orExpr(): Parsed {
    const parts = [andExpr()];
    while (isKw('or')) {
      p++;
      flat = false;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0] : { flat: null };
  }
  function andExpr(): Parsed {
    const parts = [term()];
    while (isKw('and')) {
      p++;
      parts.push(term());
    }
    if (parts.length === 1) return parts[0];
    const all = parts.every((x) => x.flat);
    return { flat: all ? parts.flatMap((x) => x.flat!) : null };
  }
  function term(): Parsed {
    if (peek()?.t === '(') {
      p++;
      flat = false;
      orExpr();
      if (peek()?.t !== ')') throw new Error(`expected ')' in the where clause`);
      p++;
      return { flat: null };
    }
    return predicate();
  }
  function predicate(): Parsed {
    const colTok = toks[p++];
    if (!colTok || (colTok.t !== 'word' && colTok.t !== 'col')) throw new Error('expected a column name in the where clause');
    const column = colTok.v;
    const next = toks[p++];
    if (!next) throw new Error(`expected an operator after '${column}'`);
    let op = next.t === 'op' ? next.v : next.v.toLowerCase();
    if (op === 'not') {
      const n2 = toks[p++];
      const w = n2?.v.toLowerCase();
      if (w === 'in') op = 'not-in';
      else if (w === 'exists') op = 'does-not-exist';
      else throw new Error(`expected 'in' or 'exists' after 'not'`);
    }
    if (op === 'exists' || op === 'does-not-exist') {
      return { flat: [{ column, op, value: '' }] };
    }
    if (op === 'in' || op === 'not-in') {
      if (toks[p++]?.t !== '(') throw new Error(`expected '(' after ${op === 'in' ? 'in' : 'not in'}`);
      const vals: Tok[] = [];
      while (p < toks.length && toks[p].t !== ')') {
        if (toks[p].t === ',') p++;
        else vals.push(toks[p++]);
      }
      if (toks[p++]?.t !== ')') throw new Error(`expected ')' to close the list`);
      return { flat: [{ column, op: op === 'in' ? 'in' : 'not in', value: vals.map((v) => v.raw).join(', ') }] };
    }
    if (!['=', '!=', '<', '<=', '>', '>=', 'contains', 'starts-with'].includes(op)) {
      throw new Error(`unknown operator '${next.raw}' after '${column}'`);
    }
    const v = toks[p++];
    if (!v || (v.t !== 'word' && v.t !== 'str')) throw new Error(`expected a value after '${column} ${op}'`);
    return { flat: [{ column, op, value: v.raw }] };
  }

  const out = orExpr();
  if (p < toks.length) throw new Error(`unexpected '${toks[p].raw}' in the where clause`);
  return { flat: flat ? out.flat : null };
}

function flatFilters(where: string): Filter[] | null {
  if (!where.trim()) return [];
  try {
    return parseCondition(where).flat;
  } catch {
    return null;
  }
}

// ---- time ----

export type Range = { last: string } | { from: number; to: number };

/** Reads an instant of the time clause: ISO-8601, `2h ago`, `now`. Milliseconds. */
export function instant(text: string, now: number): number {
  const t = text.trim();
  if (t === 'now') return now;
  const ago = /^(.+?)\s+ago$/.exec(t);
  if (ago) return now - durationNanos(ago[1].replace(/\s+/g, '')) / 1e6;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) || t.length <= 10 ? t : t + 'Z');
  if (Number.isNaN(ms)) throw new Error(`cannot read the time '${t}'`);
  return ms;
}

/** The time clause as the JSON APIs take it (default: the last hour). */
export function timeRange(time: string, now = Date.now()): Range {
  const t = time.trim();
  if (!t) return { last: '1h' };
  const last = /^last\s+(\S+)(?:\s+until\s+(.+))?$/i.exec(t);
  if (last && isDuration(last[1])) {
    if (!last[2]) return { last: last[1] };
    const to = instant(last[2], now);
    return { from: to - durationNanos(last[1]) / 1e6, to };
  }
  const since = /^since\s+(.+?)(?:\s+until\s+(.+))?$/i.exec(t);
  if (since) return { from: instant(since[1], now), to: since[2] ? instant(since[2], now) : now };
  const until = /^until\s+(.+)$/i.exec(t);
  if (until) {
    const to = instant(until[1], now);
    return { from: to - 3600e3, to };
  }
  throw new Error(`cannot read the time clause '${t}'`);
}

/** An absolute range as a time clause. */
export function sinceUntil(fromMs: number, toMs: number): string {
  return `since ${new Date(fromMs).toISOString()} until ${new Date(toMs).toISOString()}`;
}
